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

  it("shows each agent's model, last generation and last test", async () => {
    fakeApi([
      {
        path: /^\/api\/sessions$/,
        body: {
          sessions: [
            {
              ...makeSession({ phase: 'TESTING' }),
              model: 'amazon.nova-lite-v1:0',
              lastGeneration: { id: 'g1', status: 'SUCCEEDED', createdAt: '2026-01-02T00:00:00.000Z' },
              lastTest: { id: 'r1', status: 'build_failed', createdAt: '2026-01-03T00:00:00.000Z' },
            },
            makeSession({ id: 's2', title: 'Fresh' }),
          ],
        },
      },
    ]);
    renderAt(<SessionsPage />);
    expect(await screen.findByText('amazon.nova-lite-v1:0')).toBeInTheDocument();
    expect(screen.getByText(/^generated /)).toBeInTheDocument();
    expect(screen.getByText('build failed')).toHaveClass('badge', 'build_failed');
    expect(screen.getByText('not chosen yet')).toBeInTheDocument();
    expect(screen.getAllByText('none yet')).toHaveLength(2);
  });

  it('asks for a name or a description in the form, without calling the platform', async () => {
    const { calls } = fakeApi([{ path: /^\/api\/sessions$/, body: { sessions: [] } }]);
    renderAt(<SessionsPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Create agent' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Give the agent a name or say what it should do');
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('renames an agent against its version', async () => {
    const { calls } = fakeApi([
      { path: /^\/api\/sessions$/, body: { sessions: [makeSession()] } },
      {
        method: 'PATCH',
        path: /^\/api\/sessions\/s1$/,
        body: makeSession({ title: 'Refunds', version: 4 }),
      },
    ]);
    renderAt(<SessionsPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Rename Refund helper' }));
    const input = screen.getByLabelText('New name');
    await userEvent.clear(input);
    await userEvent.type(input, 'Refunds');
    await userEvent.click(screen.getByRole('button', { name: 'Save name' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ version: 3, title: 'Refunds' }),
    );
    await waitFor(() => expect(screen.queryByLabelText('New name')).not.toBeInTheDocument());
  });

  it('duplicates an agent and opens the copy', async () => {
    const { calls } = fakeApi([
      { path: /^\/api\/sessions$/, body: { sessions: [makeSession()] } },
      {
        method: 'POST',
        path: /^\/api\/sessions\/s1\/duplicate$/,
        status: 201,
        body: makeSession({ id: 'copy-1', title: 'Refund helper (copy)' }),
      },
    ]);
    const { router } = renderAt(<SessionsPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Duplicate Refund helper' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/sessions/copy-1'));
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/sessions/s1/duplicate')).toBe(true);
  });

  it('deletes an agent only after confirmation, and keeps it when the builder changes their mind', async () => {
    let listed = [makeSession(), makeSession({ id: 's2', title: 'Triage' })];
    const { calls } = fakeApi([
      { path: /^\/api\/sessions$/, body: () => ({ sessions: listed }) },
      {
        method: 'DELETE',
        path: /^\/api\/sessions\/s1$/,
        body: () => {
          listed = listed.filter((s) => s.id !== 's1');
          return { id: 's1', removed: { records: 5, files: 12 } };
        },
      },
    ]);
    renderAt(<SessionsPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Refund helper' }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('cannot be undone');
    await userEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'DELETE')).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Delete Refund helper' }));
    await userEvent.click(screen.getByRole('button', { name: 'Delete for good' }));
    await waitFor(() => expect(screen.queryByText('Refund helper')).not.toBeInTheDocument());
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/api/sessions/s1']);
    expect(screen.getByText('Triage')).toBeInTheDocument();
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
