import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { context, fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import type { Recommendations } from '../types.ts';
import { AgentBuilderPage } from './AgentBuilderPage.tsx';

const at = (path: string) => renderAt(<AgentBuilderPage />, { path, pattern: '/sessions/:id/:tab?' });

const noRecommendations: Recommendations = {
  recommendations: [],
  interpreted: { strengths: [], requiredCapabilities: [], needs: [] },
  assumptions: [],
  notes: ['No model fits these needs.'],
};

describe('AgentBuilderPage', () => {
  it('opens the tabs the session has reached, with the progress of its phase', async () => {
    fakeApi([
      { path: /^\/api\/sessions\/s1$/, body: makeSession({ phase: 'ARCHITECTURE' }) },
      { path: /\/context$/, body: context },
      { path: /^\/api\/models$/, body: [] },
      { path: /^\/api\/models\/recommend$/, body: noRecommendations },
    ]);
    at('/sessions/s1');
    const tabs = within(await screen.findByRole('tablist', { name: 'Workflow' }));
    expect(tabs.getByRole('tab', { name: 'Requirements' })).toBeEnabled();
    expect(tabs.getByRole('tab', { name: 'Model' })).toHaveAttribute('aria-selected', 'true');
    expect(tabs.getByRole('tab', { name: 'Cost' })).toBeEnabled();
    expect(tabs.getByRole('tab', { name: 'Tools' })).toBeDisabled();
    expect(tabs.getByRole('tab', { name: 'Testing' })).toBeDisabled();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'Model, step 2 of 7');
    expect(screen.getByRole('button', { name: 'Continue to Tools' })).toBeInTheDocument();
  });

  it('says so when a URL names a tab the session has not reached, instead of showing another', async () => {
    fakeApi([
      { path: /^\/api\/sessions\/s1$/, body: makeSession({ phase: 'REQUIREMENTS' }) },
      { path: /\/context$/, body: context },
    ]);
    at('/sessions/s1/testing');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The Testing tab opens in the Testing step; this agent is at Requirements.',
    );
    expect(screen.getByRole('link', { name: 'Go to Requirements' })).toHaveAttribute(
      'href',
      '/sessions/s1/requirements',
    );
    expect(screen.queryByLabelText('Language')).not.toBeInTheDocument();
  });

  it('moves between enabled tabs with the arrow keys', async () => {
    fakeApi([
      { path: /^\/api\/sessions\/s1$/, body: makeSession({ phase: 'ARCHITECTURE' }) },
      { path: /\/context$/, body: context },
      { path: /^\/api\/models$/, body: [] },
      { path: /^\/api\/models\/recommend$/, body: noRecommendations },
    ]);
    const { router } = at('/sessions/s1/requirements');
    const first = await screen.findByRole('tab', { name: 'Requirements' });
    first.focus();
    await userEvent.keyboard('{ArrowRight}');
    await waitFor(() => expect(router.state.location.pathname).toBe('/sessions/s1/model'));
    expect(screen.getByRole('tab', { name: 'Model' })).toHaveFocus();
  });

  it("lists what the phase still needs when advancing is refused, with the API's own words", async () => {
    const { calls } = fakeApi([
      { path: /^\/api\/sessions\/s1$/, body: makeSession() },
      { path: /\/context$/, body: context },
      {
        method: 'POST',
        path: /\/advance$/,
        status: 400,
        body: {
          type: 'validation-error',
          title: 'The request is not valid',
          status: 400,
          detail: 'REQUIREMENTS is not finished',
          errors: [{ path: 'useCase', message: 'What should the agent do, for whom?' }],
        },
      },
    ]);
    at('/sessions/s1');
    await userEvent.click(await screen.findByRole('button', { name: 'Continue to Model' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('REQUIREMENTS is not finished');
    expect(alert).toHaveTextContent('useCase: What should the agent do, for whom?');
    expect(alert).toHaveTextContent('Fix the fields listed and try again.');
    expect(calls.find((c) => c.path.endsWith('/advance'))?.body).toEqual({ version: 3 });
  });

  it('says when the session does not exist', async () => {
    fakeApi([]);
    at('/sessions/missing');
    expect(await screen.findByRole('alert')).toHaveTextContent('no fake for /api/sessions/missing');
    expect(screen.getByRole('link', { name: 'Back to your agents' })).toBeInTheDocument();
  });
});
