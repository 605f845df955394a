import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { context, fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import { Requirements } from './Requirements.tsx';

describe('Requirements', () => {
  it('shows the extracted spec with its completeness and the fields still missing', async () => {
    fakeApi([{ path: /\/context$/, body: context }]);
    renderAt(<Requirements session={makeSession()} />);
    expect(await screen.findByRole('meter')).toHaveAttribute('value', '80');
    expect(screen.getByText('80%')).toBeInTheDocument();
    expect(screen.getByText('About how many requests a month do you expect?')).toBeInTheDocument();
    expect(screen.getByText('amazon.nova-pro-v1:0')).toBeInTheDocument();
    expect(screen.getByText('(recommendation)')).toBeInTheDocument();
  });

  it('saves answers and selections against the version it read', async () => {
    const { calls } = fakeApi([
      { path: /\/context$/, body: context },
      { method: 'PATCH', path: /^\/api\/sessions\/s1$/, body: makeSession({ version: 4 }) },
    ]);
    renderAt(<Requirements session={makeSession()} />);
    await userEvent.type(screen.getByLabelText('Requests per month (for the cost estimate)'), '20000');
    await userEvent.selectOptions(screen.getByLabelText('Language'), 'python');
    await userEvent.click(screen.getByRole('button', { name: 'Save answers' }));
    await screen.findByText('Saved.');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({
      version: 3,
      answersPhase: 'REQUIREMENTS',
      answers: { useCase: 'Answer refund questions and calculate totals', requestsPerMonth: 20000 },
      selections: { language: 'python' },
    });
  });

  it('explains a conflicting edit (409) and how to recover', async () => {
    fakeApi([
      { path: /\/context$/, body: context },
      {
        method: 'PATCH',
        path: /^\/api\/sessions\/s1$/,
        status: 409,
        body: {
          type: 'conflict',
          title: 'Conflict',
          status: 409,
          detail: 'this change is based on version 3, but the session is at version 5',
        },
      },
    ]);
    renderAt(<Requirements session={makeSession()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save answers' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('based on version 3');
    expect(alert).toHaveTextContent('Reload to see the latest');
  });

  it('adds a message to the conversation', async () => {
    const { calls } = fakeApi([
      { path: /\/context$/, body: context },
      { method: 'POST', path: /\/messages$/, body: makeSession({ version: 4 }) },
    ]);
    renderAt(<Requirements session={makeSession()} />);
    await userEvent.type(screen.getByLabelText('Message'), 'Also post to Slack');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(calls.find((c) => c.path.endsWith('/messages'))?.body).toEqual({
        version: 3,
        text: 'Also post to Slack',
      }),
    );
  });
});
