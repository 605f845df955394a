import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useGetSessionQuery } from '../api.ts';
import { context, fakeApi, makeSession, makeTool, renderAt } from '../test/harness.tsx';
import type { SessionContext } from '../types.ts';
import { NumberField } from './NumberField.tsx';
import { Requirements } from './Requirements.tsx';

const kb = makeTool('knowledge_base_retrieve', 'Bedrock Knowledge Base retrieve', 'rag', {
  config: [
    { name: 'knowledgeBaseId', type: 'string', description: 'The Knowledge Base to search.', required: true },
    {
      name: 'numberOfResults',
      type: 'integer',
      description: 'Passages per query.',
      required: false,
      default: 5,
    },
  ],
});
const slack = makeTool('slack_post_message', 'Slack post message', 'communication', {
  config: [{ name: 'defaultChannel', type: 'string', description: 'Channel to post to.', required: true }],
  env: [{ name: 'SLACK_BOT_TOKEN', description: 'Slack bot token.', required: true, secret: true }],
});

/** An HR assistant read from its description: Python, Fargate, 5,000 a month, $30, one setting missing. */
const hr: SessionContext = {
  ...context,
  spec: {
    ...context.spec,
    language: 'python',
    tools: ['knowledge_base_retrieve', 'slack_post_message'],
    toolConfig: { slack_post_message: { defaultChannel: '#hr' } },
    deployment: { target: 'ecs-fargate' },
    usage: { requestsPerMonth: 5000, avgInputTokens: 1000, avgOutputTokens: 300, avgDurationSeconds: 3 },
    budget: { monthlyUsd: 30 },
  },
  completeness: 86,
  ready: false,
  missing: [
    {
      field: 'toolConfig.knowledge_base_retrieve.knowledgeBaseId',
      question: 'Bedrock Knowledge Base retrieve needs a value for "knowledgeBaseId".',
      required: true,
      tool: 'knowledge_base_retrieve',
      param: 'knowledgeBaseId',
    },
  ],
  evidence: {
    language: { source: 'text', quote: 'Python', reason: "from your description: 'Python'" },
    deployment: {
      source: 'text',
      quote: 'on ECS Fargate',
      reason: "from your description: 'on ECS Fargate'",
    },
    usage: {
      source: 'text',
      quote: 'about 5,000 questions a month',
      reason: "from your description: 'about 5,000 questions a month'",
    },
    budget: {
      source: 'text',
      quote: 'budget $30/month',
      reason: "from your description: 'budget $30/month'",
    },
    'toolConfig.slack_post_message.defaultChannel': {
      source: 'text',
      reason: "from your description: '#hr'",
    },
  },
};

const routes = (extra: Parameters<typeof fakeApi>[0] = []) => [
  { path: /\/context$/, body: hr },
  { path: /^\/api\/tools$/, body: [kb, slack] },
  ...extra,
];

/** The tab as the builder page renders it: with the session from the API cache. */
function SessionPage() {
  const session = useGetSessionQuery('s1');
  return session.data ? <Requirements session={session.data} /> : null;
}

describe('Requirements', () => {
  it('offers only the deployment targets the builder has (GET /api/features), keeping the chosen one', async () => {
    const feature = (key: string, enabled: boolean) => ({
      key,
      name: key,
      description: '',
      enabled,
      variant: enabled ? 'on' : 'off',
      reason: enabled ? 'STATIC' : 'SPLIT',
    });
    fakeApi(
      routes([
        {
          path: /^\/api\/features$/,
          body: {
            features: [
              feature('target-agentcore', true),
              feature('target-lambda', false),
              // Off, but already the session's choice: it stays shown rather than silently changing.
              feature('target-ecs-fargate', false),
            ],
          },
        },
      ]),
    );
    renderAt(<Requirements session={makeSession()} />);
    const target = await screen.findByLabelText('Where it runs');
    await waitFor(() => expect(screen.queryByRole('option', { name: 'AWS Lambda' })).not.toBeInTheDocument());
    expect([...(target as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      'agentcore',
      'ecs-fargate',
    ]);
  });

  it('shows every target while the features are unknown (the API still refuses what is off)', async () => {
    fakeApi(routes());
    renderAt(<Requirements session={makeSession()} />);
    await screen.findByLabelText('Where it runs');
    expect(screen.getByRole('option', { name: 'AWS Lambda' })).toBeInTheDocument();
  });

  it('shows language, target, volume and budget as editable fields, each with its source', async () => {
    fakeApi(routes());
    renderAt(<Requirements session={makeSession()} />);
    expect(await screen.findByLabelText('Language')).toHaveValue('python');
    expect(screen.getByLabelText('Where it runs')).toHaveValue('ecs-fargate');
    expect(screen.getByLabelText('Requests per month')).toHaveValue('5000');
    expect(screen.getByLabelText('Monthly budget')).toHaveValue('30');
    expect(
      screen.getAllByText("from your description: 'about 5,000 questions a month'").length,
    ).toBeGreaterThan(0);
    expect(screen.getAllByText("from your description: 'budget $30/month'").length).toBeGreaterThan(0);
    expect(screen.getByRole('meter')).toHaveAttribute('value', '86');
  });

  it('saves an edit as the builder goes, against the version it read', async () => {
    const { calls } = fakeApi(
      routes([{ method: 'PATCH', path: /^\/api\/sessions\/s1$/, body: makeSession({ version: 4 }) }]),
    );
    renderAt(<Requirements session={makeSession()} />);
    await userEvent.selectOptions(await screen.findByLabelText('Language'), 'typescript');
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
        version: 3,
        selections: { language: 'typescript' },
      }),
    );
    await screen.findByText('All changes saved');
  });

  it('reads numbers as people type them and refuses what it cannot read, in the field', async () => {
    const { calls } = fakeApi(
      routes([{ method: 'PATCH', path: /^\/api\/sessions\/s1$/, body: makeSession({ version: 4 }) }]),
    );
    renderAt(<Requirements session={makeSession()} />);
    const volume = await screen.findByLabelText('Requests per month');
    await userEvent.clear(volume);
    await userEvent.type(volume, 'abc');
    expect(await screen.findByText('Write a number, e.g. 5000, 5,000 or 5k')).toBeInTheDocument();
    await userEvent.clear(volume);
    await userEvent.type(volume, '12k');
    expect(screen.getByText('= 12,000')).toBeInTheDocument();
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toMatchObject({
        selections: { usage: { requestsPerMonth: 12_000 } },
      }),
    );
  });

  it('generates a settings form per tool from its config schema; secrets are asked by secret name', async () => {
    const { calls } = fakeApi(
      routes([{ method: 'PATCH', path: /^\/api\/sessions\/s1$/, body: makeSession({ version: 4 }) }]),
    );
    renderAt(<Requirements session={makeSession()} />);
    const id = await screen.findByLabelText(/^knowledgeBaseId/);
    expect(id).toBeRequired();
    expect(screen.getByLabelText(/^numberOfResults/)).toHaveAttribute('placeholder', 'Default: 5');
    expect(screen.getByLabelText(/^defaultChannel/)).toHaveValue('#hr');
    expect(screen.getByText(/the agent reads SLACK_BOT_TOKEN from this secret/)).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText(/^numberOfResults/), '2.5');
    expect(await screen.findByText('A whole number')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/SLACK_BOT_TOKEN/), 'xoxb token with spaces');
    expect(screen.getByText(/never the secret itself/)).toBeInTheDocument();

    await userEvent.type(id, 'KB12345678');
    fireEvent.blur(id);
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toMatchObject({
        version: 3,
        selections: { toolConfig: { knowledge_base_retrieve: { knowledgeBaseId: 'KB12345678' } } },
      }),
    );
  });

  it('on AgentCore, lets a key come from an AgentCore Identity API key provider instead of a secret', async () => {
    const identitySlack = {
      ...slack,
      env: slack.env.map((e) => ({ ...e, apiKeyProvider: true })),
    };
    const onAgentCore: SessionContext = {
      ...hr,
      spec: { ...hr.spec, deployment: { target: 'agentcore' }, secrets: { SLACK_BOT_TOKEN: 'prod/slack' } },
    };
    const { calls } = fakeApi([
      { path: /\/context$/, body: onAgentCore },
      { path: /^\/api\/tools$/, body: [kb, identitySlack] },
      { method: 'PATCH', path: /^\/api\/sessions\/s1$/, body: makeSession({ version: 4 }) },
    ]);
    renderAt(
      <Requirements session={makeSession({ selections: { secrets: { SLACK_BOT_TOKEN: 'prod/slack' } } })} />,
    );
    const source = await screen.findByLabelText(/Where the agent gets SLACK_BOT_TOKEN/);
    await userEvent.selectOptions(source, 'identity');
    const provider = screen.getByLabelText(/AgentCore Identity API key provider for SLACK_BOT_TOKEN/);
    await userEvent.type(provider, 'bad name');
    expect(screen.getByText(/letters, digits, - and _/)).toBeInTheDocument();
    await userEvent.clear(provider);
    await userEvent.type(provider, 'slack-bot');
    fireEvent.blur(provider);
    // One source at a time: the secret is dropped as the provider is saved.
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toMatchObject({
        selections: { secrets: {}, apiKeyProviders: { SLACK_BOT_TOKEN: 'slack-bot' } },
      }),
    );
  });

  it('offers no AgentCore Identity off AgentCore (the key stays a Secrets Manager secret)', async () => {
    fakeApi([
      { path: /\/context$/, body: hr },
      {
        path: /^\/api\/tools$/,
        body: [kb, { ...slack, env: slack.env.map((e) => ({ ...e, apiKeyProvider: true })) }],
      },
    ]);
    renderAt(<Requirements session={makeSession()} />);
    await screen.findByText(/the agent reads SLACK_BOT_TOKEN from this secret/);
    expect(screen.queryByLabelText(/Where the agent gets SLACK_BOT_TOKEN/)).not.toBeInTheDocument();
  });

  it('links every missing field to where it is filled in', async () => {
    fakeApi(routes());
    renderAt(<Requirements session={makeSession()} />);
    await screen.findByLabelText(/^knowledgeBaseId/);
    await userEvent.click(screen.getByRole('button', { name: 'knowledge_base_retrieve.knowledgeBaseId' }));
    expect(screen.getByLabelText(/^knowledgeBaseId/)).toHaveFocus();
    expect(screen.queryByText(/Everything needed to generate is here/)).not.toBeInTheDocument();
  });

  it("sends a message and shows the consultant's reply and who answered", async () => {
    const replied = makeSession({
      version: 5,
      messages: [
        { role: 'user', text: 'Also post to Slack', at: '2026-01-02T00:00:00.000Z' },
        {
          role: 'assistant',
          text: 'Updated: added slack_post_message.',
          at: '2026-01-02T00:00:00.000Z',
          by: 'deterministic',
        },
      ],
    });
    const { calls } = fakeApi(
      routes([
        { path: /^\/api\/sessions\/s1$/, body: makeSession() },
        {
          method: 'POST',
          path: /\/messages$/,
          body: {
            session: replied,
            reply: {
              text: 'Updated: added slack_post_message.',
              by: 'deterministic',
              understood: [{ field: 'tools', value: 'slack_post_message' }],
              changes: [{ field: 'tools', to: 'slack_post_message' }],
              notes: [],
              context: hr,
            },
          },
        },
      ]),
    );
    renderAt(<SessionPage />);
    await userEvent.type(await screen.findByLabelText('Message'), 'Also post to Slack');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(calls.find((c) => c.path.endsWith('/messages'))?.body).toEqual({
        version: 3,
        text: 'Also post to Slack',
      }),
    );
    expect(await screen.findByText('Updated: added slack_post_message.')).toBeInTheDocument();
    expect(screen.getByText(/rule-based consultant/)).toBeInTheDocument();
  });
});

describe('NumberField', () => {
  it.each([
    ['5,000', 5000],
    ['5k', 5000],
    ['1.5M', 1_500_000],
    ['fifty thousand', 50_000],
  ])('accepts %s', async (typed, value) => {
    const values: (number | undefined)[] = [];
    renderAt(
      <NumberField label="Volume" value={undefined} onValue={(v) => values.push(v)} integer min={1} />,
    );
    await userEvent.type(await screen.findByLabelText('Volume'), typed);
    expect(values.at(-1)).toBe(value);
  });

  it.each([
    ['-5', 'Must be at least 1'],
    ['0', 'Must be at least 1'],
    ['2e12', 'Must be at most 1,000,000,000'],
    ['abc', 'Write a number, e.g. 5000, 5,000 or 5k'],
  ])('refuses %s with a message in the field', async (typed, message) => {
    const values: (number | undefined)[] = [];
    renderAt(
      <NumberField
        label="Volume"
        value={undefined}
        onValue={(v) => values.push(v)}
        integer
        min={1}
        max={1e9}
      />,
    );
    await userEvent.type(await screen.findByLabelText('Volume'), typed);
    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(values.filter((v) => v !== undefined && (v < 1 || v > 1e9))).toEqual([]);
  });
});
