import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { context, fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import { AgentBuilderPage } from './AgentBuilderPage.tsx';

const at = (path: string) => renderAt(<AgentBuilderPage />, { path, pattern: '/sessions/:id/:tab?' });

const run = (status: string) => ({
  id: `r-${status}`,
  buildId: 'b1',
  generationId: 'g2',
  sessionId: 's1',
  input: 'hi',
  status,
  expiresAt: '2026-01-01T00:00:00Z',
  createdAt: '2026-01-01T00:00:00Z',
});

/** A session in Testing whose latest version is v2 (generation g2), with these test runs of it. */
function api(runs: unknown[]) {
  const session = makeSession({ phase: 'TESTING', generationIds: ['g1', 'g2'] });
  return fakeApi([
    { path: /^\/api\/sessions\/s1$/, body: session },
    { path: /\/context$/, body: context },
    {
      path: /\/versions$/,
      body: {
        versions: [
          { id: 'g2', status: 'SUCCEEDED', version: 2, changes: [], createdAt: '2026-01-02T00:00:00Z' },
          { id: 'g1', status: 'SUCCEEDED', version: 1, changes: [], createdAt: '2026-01-01T00:00:00Z' },
        ],
        current: { upToDate: true, changes: [] },
      },
    },
    { path: /^\/api\/testing\/history$/, body: { runs } },
    {
      method: 'POST',
      path: /\/advance$/,
      body: { session: { ...session, phase: 'DEPLOYMENT', version: session.version + 1 } },
    },
  ]);
}

describe('the header’s Continue', () => {
  it('asks before going on with a version that was never built and test-run, and waits for the answer', async () => {
    const { calls } = api([]);
    at('/sessions/s1/requirements');
    await userEvent.click(await screen.findByRole('button', { name: 'Continue to Deployment' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog).toHaveTextContent('v2 was never built and test-run. Continue to Deployment anyway?');
    expect(calls.some((c) => c.path.endsWith('/advance'))).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Not yet' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith('/advance'))).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Continue to Deployment' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Continue anyway' }));
    expect(calls.filter((c) => c.path.endsWith('/advance'))).toHaveLength(1);
  });

  it('asks when the last test run of the version failed its build', async () => {
    api([run('build_failed')]);
    at('/sessions/s1/requirements');
    const button = await screen.findByRole('button', { name: 'Continue to Deployment' });
    // Continue is enabled once the version's test history is in.
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    expect(await screen.findByRole('alertdialog')).toHaveTextContent(
      'The last test run of v2 did not succeed (build failed).',
    );
  });

  it('goes on at once when the version’s last test run passed', async () => {
    const { calls } = api([run('succeeded')]);
    at('/sessions/s1/requirements');
    const button = await screen.findByRole('button', { name: 'Continue to Deployment' });
    // Continue waits for the version's test history before it decides whether to ask.
    await expect.poll(() => calls.some((c) => c.path.startsWith('/api/testing/history'))).toBe(true);
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    await expect.poll(() => calls.filter((c) => c.path.endsWith('/advance')).length).toBe(1);
  });
});
