import { describe, expect, it } from 'vitest';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { extractContext } from '../../lambdas/sessions/extract.ts';
import type { Session } from '../../lambdas/sessions/model.ts';
import { parseHumanNumber } from '../../lambdas/sessions/understand/numbers.ts';
import { findBudget, findVolume } from '../../lambdas/sessions/understand/workload.ts';
import { addMessage, createSession } from '../../lambdas/sessions/workflow.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { MemorySessions } from '../fakes.ts';
import { CORPUS } from './consultation-corpus.ts';

const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };

function sessionOf(description: string, messages: string[] = []): Session {
  return {
    id: 's',
    owner: 'o',
    title: 'Agent',
    phase: 'REQUIREMENTS',
    answers: { REQUIREMENTS: { useCase: description } },
    selections: {},
    messages: messages.map((text) => ({ role: 'user', text, at: '' })),
    generationIds: [],
    version: 1,
    createdAt: '',
    updatedAt: '',
  };
}

describe('the consultation reads builders’ descriptions', () => {
  it('has at least 30 descriptions, conversations included', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
    expect(CORPUS.some((c) => (c.messages?.length ?? 0) > 1)).toBe(true);
  });

  it.each(CORPUS)('$name', ({ description, messages, expect: want }) => {
    const context = extractContext(sessionOf(description, messages), registries);
    const { spec } = context;
    if (want.language) {
      expect(spec.language).toBe(want.language);
      expect(context.evidence.language?.source).toBe('text');
    }
    if (want.target) expect(spec.deployment.target).toBe(want.target);
    if (want.targetSource) expect(context.evidence.deployment?.source).toBe(want.targetSource);
    if (want.requestsPerMonth !== undefined) {
      expect(spec.usage?.requestsPerMonth).toBe(want.requestsPerMonth);
      expect(context.evidence.usage?.quote).toBeTruthy();
    }
    if (want.budgetUsd !== undefined) expect(spec.budget?.monthlyUsd).toBe(want.budgetUsd);
    for (const tool of want.tools ?? []) {
      expect(spec.tools).toContain(tool);
      expect(context.evidence[`tools.${tool}`]?.reason).toMatch(/from your description/);
    }
    for (const tool of want.notTools ?? []) expect(spec.tools).not.toContain(tool);
    for (const [path, value] of Object.entries(want.settings ?? {})) {
      const [tool, param] = path.split('.') as [string, string];
      expect(spec.toolConfig[tool]?.[param]).toEqual(value);
    }
    const asked = context.missing.filter((m) => m.required).map((m) => m.field);
    for (const field of want.asks ?? []) expect(asked).toContain(field);
    for (const [field, value] of Object.entries(want.suggests ?? {}))
      expect(context.missing.find((m) => m.field === field)?.suggestion).toEqual(value);
    // The drafted prompt is about the job, never the builder's logistics.
    if (context.evidence.systemPrompt?.source === 'text') {
      const job = spec.systemPrompt.split('\n\nYour tools:')[0];
      expect(job).not.toMatch(
        /\$\s?\d|budget|per month|a month|deployed|fargate|agent\s?core|python|typescript|node\.js/i,
      );
    }
    // Never "everything is here" while generation would fail.
    if (!context.ready) expect(context.completeness).toBeLessThan(100);
  });
});

describe('understanding details', () => {
  it('parses numbers as people type them', () => {
    expect(parseHumanNumber('5,000')).toBe(5000);
    expect(parseHumanNumber('5k')).toBe(5000);
    expect(parseHumanNumber('1.5M')).toBe(1_500_000);
    expect(parseHumanNumber('~400')).toBe(400);
    expect(parseHumanNumber('fifty thousand')).toBe(50_000);
    expect(parseHumanNumber('two thousand five hundred')).toBe(2500);
    expect(parseHumanNumber('abc')).toBeUndefined();
    expect(parseHumanNumber('5 or 6')).toBeUndefined();
  });

  it('does not read a budget or a version as a volume', () => {
    expect(findVolume('budget $30/month')).toBeUndefined();
    expect(findVolume('Python 3.12 on Lambda')).toBeUndefined();
    expect(findBudget('about 5,000 questions a month')).toBeUndefined();
    expect(findBudget('it costs $0.02 per request')).toBeUndefined();
  });

  it.each([
    ['$30/month', 30],
    ['30 dollars a month', 30],
    ['under $50 a month', 50],
    ['below $300 per month', 300],
    ['$100/mo', 100],
    ['budget around 200 dollars', 200],
    ['no more than $5 a month', 5],
  ])('reads the budget in "%s"', (text, usd) => {
    expect(findBudget(text)?.monthlyUsd).toBe(usd);
  });

  it('lets explicit selections win and says where each value came from', () => {
    const session = sessionOf('Python agent on Lambda, 5k/month, answers from our FAQ.');
    session.selections = { language: 'typescript', deployment: { target: 'agentcore' } };
    const context = extractContext(session, registries);
    expect(context.spec.language).toBe('typescript');
    expect(context.spec.deployment.target).toBe('agentcore');
    expect(context.evidence.language).toMatchObject({ source: 'selection' });
    expect(context.evidence.usage).toMatchObject({
      source: 'text',
      reason: expect.stringContaining("from your description: '5k/month"),
    });
  });

  it('is not ready, and never 100%, while a required tool setting is missing', () => {
    const session = sessionOf('Answer from our knowledge base. Lambda.');
    const before = extractContext(session, registries);
    expect(before.ready).toBe(false);
    expect(before.completeness).toBeLessThan(100);
    expect(before.missing[0]).toMatchObject({
      field: 'toolConfig.knowledge_base_retrieve.knowledgeBaseId',
      required: true,
      tool: 'knowledge_base_retrieve',
      param: 'knowledgeBaseId',
    });
    session.selections = { toolConfig: { knowledge_base_retrieve: { knowledgeBaseId: 'ABCDEFGHIJ' } } };
    const after = extractContext(session, registries);
    expect(after.ready).toBe(true);
    expect(after.completeness).toBe(100);
  });
});

describe('a conversation that answers', () => {
  const deps = () => ({ sessions: new MemorySessions(), registries });

  it('answers every message, says what changed, and asks the next question', async () => {
    const d = deps();
    let session = await createSession(d, 'alice', {
      title: 'HR helper',
      answers: { useCase: "Answer employees' questions from our policy documents." },
    });
    const first = await addMessage(d, 'alice', session.id, {
      version: session.version,
      text: 'Python please, on ECS Fargate, about 5,000 questions a month.',
    });
    session = first.session;
    expect(first.reply.by).toBe('deterministic');
    expect(first.reply.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'language', from: 'typescript', to: 'python' }),
        expect.objectContaining({ field: 'deployment', to: 'ecs-fargate' }),
        expect.objectContaining({ field: 'usage', to: '5,000 requests/month' }),
      ]),
    );
    expect(first.reply.understood.map((u) => u.field)).toEqual(
      expect.arrayContaining(['language', 'deployment', 'usage']),
    );
    expect(first.reply.nextQuestion?.field).toBe('toolConfig.knowledge_base_retrieve.knowledgeBaseId');
    expect(first.reply.text).toContain('knowledgeBaseId');
    expect(session.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(session.messages[1]).toMatchObject({
      by: 'deterministic',
      asks: 'toolConfig.knowledge_base_retrieve.knowledgeBaseId',
    });

    // A short answer to the question fills the field it asked for.
    const second = await addMessage(d, 'alice', session.id, { version: session.version, text: 'KB12345678' });
    expect(second.reply.changes).toContainEqual(
      expect.objectContaining({
        field: 'toolConfig.knowledge_base_retrieve.knowledgeBaseId',
        to: 'KB12345678',
      }),
    );
    expect(second.reply.context.spec.toolConfig.knowledge_base_retrieve).toEqual({
      knowledgeBaseId: 'KB12345678',
    });
    expect(second.reply.context.evidence['toolConfig.knowledge_base_retrieve.knowledgeBaseId']?.source).toBe(
      'answer',
    );
    expect(second.reply.context.ready).toBe(true);
    expect(second.session.messages).toHaveLength(4);
  });

  it("adds what the builder says about the agent's behaviour to its instructions, not the logistics", async () => {
    const d = deps();
    const session = await createSession(d, 'alice', {
      answers: { useCase: 'Answer HR questions from our policies.' },
    });
    const { reply } = await addMessage(d, 'alice', session.id, {
      version: 1,
      text: 'Answers should always name the policy they come from. Python, 2k a month.',
    });
    expect(reply.changes).toContainEqual({ field: 'instructions', to: 'updated' });
    expect(reply.context.spec.systemPrompt).toContain(
      '- Answers should always name the policy they come from.',
    );
    expect(reply.context.spec.systemPrompt).not.toMatch(/python|2k/i);
    expect(reply.text).toMatch(/the instructions \(system prompt\)/);
  });

  it('says so when a message changes nothing, and still asks', async () => {
    const d = deps();
    const session = await createSession(d, 'alice', { answers: { useCase: 'A calculator agent.' } });
    const { reply } = await addMessage(d, 'alice', session.id, { version: 1, text: 'Thanks!' });
    expect(reply.changes).toEqual([]);
    expect(reply.text).toMatch(/did not find a change/);
    expect(reply.nextQuestion).toBeDefined();
  });

  it('uses the model consultant when there is one, keeping only valid draft fields', async () => {
    const d = {
      ...deps(),
      consultant: async () => ({
        label: 'scripted model',
        consult: async () => ({
          reply: 'You want Slack summaries; which channel?',
          draft: { tools: ['slack_post_message', 'no_such_tool'], language: 'cobol', model: 'not-a-model' },
        }),
      }),
    };
    const session = await createSession(d, 'alice', { answers: { useCase: 'Summarise the day.' } });
    const { reply, session: saved } = await addMessage(d, 'alice', session.id, {
      version: 1,
      text: 'Post it to Slack.',
    });
    expect(reply.by).toBe('model');
    expect(reply.text).toBe('You want Slack summaries; which channel?');
    expect(reply.context.spec.tools).toEqual(['slack_post_message']);
    expect(reply.context.evidence.tools?.source).toBe('consultant');
    expect(reply.notes.join(' ')).toMatch(/no_such_tool/);
    expect(reply.notes.join(' ')).toMatch(/"language"/);
    expect(reply.notes.join(' ')).toMatch(/not-a-model/);
    expect(saved.messages[1]).toMatchObject({ role: 'assistant', by: 'model' });
    expect(saved.drafted?.tools).toEqual(['slack_post_message']);
  });

  it('falls back to the rule-based consultant when the model fails, and says so', async () => {
    const d = {
      ...deps(),
      consultant: async () => ({
        label: 'scripted model',
        consult: async () => {
          throw new Error('connection refused');
        },
      }),
    };
    const session = await createSession(d, 'alice', { answers: { useCase: 'Answer from the FAQ.' } });
    const { reply } = await addMessage(d, 'alice', session.id, { version: 1, text: 'Serverless.' });
    expect(reply.by).toBe('deterministic');
    expect(reply.notes.join(' ')).toMatch(/scripted model.*connection refused.*rule-based/);
    expect(reply.changes).toContainEqual(expect.objectContaining({ field: 'deployment', to: 'lambda' }));
  });
});
