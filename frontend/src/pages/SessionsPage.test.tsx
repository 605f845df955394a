import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import { SessionsPage } from './SessionsPage.tsx';

describe('SessionsPage', () => {
  it('lists sessions newest first with their phase, linking to each', async () => {
    fakeApi([
      {
        path: /^\/api\/sessions$/,
        body: { sessions: [makeSession(), makeSession({ id: 's2', title: 'Triage', phase: 'TESTING' })] },
      },
    ]);
    renderAt(<SessionsPage />);
    expect(await screen.findByText('Refund helper')).toBeInTheDocument();
    expect(screen.getByText('Triage').closest('a')).toHaveAttribute('href', '/sessions/s2');
    expect(screen.getByText('Testing')).toBeInTheDocument();
  });

  it('says so when there are no sessions yet', async () => {
    fakeApi([{ path: /^\/api\/sessions$/, body: { sessions: [] } }]);
    renderAt(<SessionsPage />);
    expect(await screen.findByText(/No agents yet/)).toBeInTheDocument();
  });

  it('creates a session from a name and a description, then opens it', async () => {
    const { calls } = fakeApi([
      { path: /^\/api\/sessions$/, body: { sessions: [] } },
      { method: 'POST', path: /^\/api\/sessions$/, status: 201, body: makeSession({ id: 'new-1' }) },
    ]);
    const { router } = renderAt(<SessionsPage />);
    await userEvent.type(screen.getByLabelText('Name'), 'Refund helper');
    await userEvent.type(screen.getByLabelText('What should it do?'), 'Answer refund questions');
    await userEvent.click(screen.getByRole('button', { name: 'Create agent' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/sessions/new-1/requirements'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      title: 'Refund helper',
      answers: { useCase: 'Answer refund questions' },
    });
  });

  it('shows a problem with what to do next, and retries', async () => {
    const { fetchFn } = fakeApi([
      {
        path: /^\/api\/sessions$/,
        status: 429,
        body: {
          type: 'rate-limited',
          title: 'Too many requests',
          status: 429,
          detail: 'you can list 10 times a minute',
        },
      },
    ]);
    renderAt(<SessionsPage />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('you can list 10 times a minute');
    expect(alert).toHaveTextContent('Wait a little and try again.');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(fetchFn).toHaveBeenCalledTimes(2));
  });
});
