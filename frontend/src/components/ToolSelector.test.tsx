import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { context, fakeApi, generated, makeSession, renderAt, makeTool as tool } from '../test/harness.tsx';
import type { ResolvedTools } from '../types.ts';
import { ToolSelector } from './ToolSelector.tsx';

const tools = [
  tool('calculator', 'Calculator', 'utility'),
  tool('shell', 'Shell', 'code-execution', {
    platforms: {
      agentcore: { status: 'supported' },
      'ecs-fargate': { status: 'supported' },
      lambda: { status: 'unsupported', note: 'read-only file system' },
    },
    alternatives: ['code_interpreter'],
  }),
  tool('code_interpreter', 'Code Interpreter', 'code-execution'),
  tool('tavily_search', 'Tavily search', 'web', { implementations: { python: generated('tavily_search') } }),
];

describe('ToolSelector', () => {
  it('lists the tools of the agent language by category and search, marking what the target limits', async () => {
    fakeApi([
      { path: /^\/api\/tools$/, body: tools },
      { path: /\/context$/, body: context },
      {
        method: 'POST',
        path: /^\/api\/tools\/resolve$/,
        body: {
          ok: true,
          dependencies: {
            language: 'typescript',
            ecosystem: 'npm',
            packages: [],
            conflicts: [],
            unsupported: [],
          },
        } satisfies ResolvedTools,
      },
    ]);
    renderAt(<ToolSelector session={makeSession({ phase: 'IMPLEMENTATION' })} />);
    expect(await screen.findByRole('checkbox', { name: /^Calculator/ })).toBeChecked();
    expect(screen.queryByText('Tavily search')).not.toBeInTheDocument(); // Python only
    expect(screen.getByText('unsupported on lambda')).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Category'), 'code-execution');
    expect(screen.queryByRole('checkbox', { name: /^Calculator/ })).not.toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Search'), 'interp');
    await waitFor(() => expect(screen.queryByRole('checkbox', { name: /^Shell/ })).not.toBeInTheDocument());
    expect(screen.getByRole('checkbox', { name: /^Code Interpreter/ })).toBeInTheDocument();
  });

  it('shows the resolved dependency tree and offers the alternative to a tool the target cannot run', async () => {
    const { calls } = fakeApi([
      { path: /^\/api\/tools$/, body: tools },
      { path: /\/context$/, body: context },
      {
        method: 'POST',
        path: /^\/api\/tools\/resolve$/,
        body: {
          ok: false,
          dependencies: {
            language: 'typescript',
            ecosystem: 'npm',
            packages: [
              {
                name: '@strands-agents/sdk',
                range: '^1.19.0',
                extras: [],
                requiredBy: ['calculator', 'shell'],
              },
              { name: 'mathjs', range: '^15.0.0', extras: [], requiredBy: ['calculator'] },
            ],
            conflicts: [],
            unsupported: [],
          },
          compatibility: {
            ok: false,
            target: 'lambda',
            language: 'typescript',
            errors: [
              {
                tool: 'shell',
                code: 'unsupported-platform',
                message: 'Shell cannot run on lambda',
                alternatives: ['code_interpreter'],
                fixes: [
                  {
                    title: 'Use Code Interpreter instead of Shell',
                    patch: { tools: ['calculator', 'code_interpreter'] },
                  },
                  {
                    title: 'Deploy on ecs-fargate instead of lambda',
                    patch: { deployment: { target: 'ecs-fargate' } },
                  },
                ],
              },
            ],
            warnings: [],
          },
        } satisfies ResolvedTools,
      },
      { method: 'PATCH', path: /^\/api\/sessions\/s1$/, body: makeSession({ version: 4 }) },
    ]);
    renderAt(<ToolSelector session={makeSession({ selections: { tools: ['calculator', 'shell'] } })} />);
    expect(await screen.findByText('mathjs ^15.0.0')).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Resolved dependencies' })).toHaveTextContent(
      'Shell@strands-agents/sdk ^1.19.0',
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Shell cannot run on lambda');
    expect(screen.getByRole('button', { name: 'Deploy on ecs-fargate instead of lambda' })).toBeEnabled();
    await userEvent.click(screen.getByRole('button', { name: 'Use Code Interpreter instead of Shell' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
        version: 3,
        selections: { tools: ['calculator', 'code_interpreter'] },
      }),
    );
    expect(calls.find((c) => c.path === '/api/tools/resolve')?.body).toEqual({
      ids: ['calculator', 'shell'],
      language: 'typescript',
      platform: 'lambda',
    });
  });
});
