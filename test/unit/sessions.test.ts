import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../lambdas/core/errors.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { extractContext } from '../../lambdas/sessions/extract.ts';
import {
  addMessage,
  advanceSession,
  createSession,
  deleteSession,
  duplicateSession,
  getSession,
  updateSession,
} from '../../lambdas/sessions/workflow.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { MemorySessions } from '../fakes.ts';

const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
const deps = () => ({ sessions: new MemorySessions(), registries });

describe('sessions workflow', () => {
  it('creates a session in REQUIREMENTS, version 1, owned by its creator', async () => {
    const d = deps();
    const session = await createSession(d, 'alice', {
      title: 'Triage',
      answers: { useCase: 'triage tickets' },
    });
    expect(session).toMatchObject({
      phase: 'REQUIREMENTS',
      version: 1,
      owner: 'alice',
      answers: { REQUIREMENTS: { useCase: 'triage tickets' } },
    });
    await expect(getSession(d, 'bob', session.id)).rejects.toThrow(NotFoundError);
  });

  it('refuses a new agent with neither a name nor a description, naming both fields', async () => {
    const d = deps();
    await expect(createSession(d, 'alice', { answers: { useCase: '   ' } })).rejects.toThrow(ValidationError);
    expect((await createSession(d, 'alice', { selections: { name: 'Triage' } })).title).toBe('Triage');
    expect((await createSession(d, 'alice', { answers: { useCase: 'Sort mail\nand more' } })).title).toBe(
      'Sort mail',
    );
  });

  it('duplicates a session as a new one before generation, and deletes one after purging what it made', async () => {
    const d = { ...deps(), purged: [] as string[] };
    const source = await createSession(d, 'alice', { title: 'Helper', selections: { model: 'm' } });
    const sessions = d.sessions as MemorySessions;
    sessions.items.set(source.id, { ...source, phase: 'TESTING', generationIds: ['g1'] });
    const copy = await duplicateSession(d, 'alice', source.id, {});
    expect(copy).toMatchObject({
      title: 'Helper (copy)',
      phase: 'IMPLEMENTATION',
      generationIds: [],
      version: 1,
    });
    expect(copy.selections).toEqual({ model: 'm' });
    await expect(duplicateSession(d, 'bob', source.id, {})).rejects.toThrow(NotFoundError);

    const purge = {
      purge: async (s: { id: string }) => {
        d.purged.push(s.id);
        return { records: 3, files: 7 };
      },
    };
    await expect(deleteSession({ ...d, purge }, 'bob', source.id)).rejects.toThrow(NotFoundError);
    expect(await deleteSession({ ...d, purge }, 'alice', source.id)).toEqual({
      id: source.id,
      removed: { records: 4, files: 7 },
    });
    expect(d.purged).toEqual([source.id]);
    await expect(getSession(d, 'alice', source.id)).rejects.toThrow(NotFoundError);
  });

  it('advances only when the phase is finished, saying what is missing', async () => {
    const d = deps();
    const session = await createSession(d, 'alice', { title: 'Helper' });
    try {
      await advanceSession(d, 'alice', session.id, { version: 1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors.map((e) => e.path)).toContain('useCase');
    }
  });

  it('moves forward phase by phase and asks to start generation when leaving IMPLEMENTATION', async () => {
    const d = deps();
    const session = await createSession(d, 'alice', {
      title: 'Helper',
      answers: { useCase: 'Answer questions about invoices. Serverless.', requestsPerMonth: 1000 },
    });
    const a = await advanceSession(d, 'alice', session.id, { version: 1 });
    expect(a).toMatchObject({ session: { phase: 'ARCHITECTURE' }, startGeneration: false });
    const b = await advanceSession(d, 'alice', session.id, { version: 2 });
    expect(b.session.phase).toBe('IMPLEMENTATION');
    const c = await advanceSession(d, 'alice', session.id, { version: 3 });
    expect(c).toMatchObject({ session: { phase: 'CODE_GENERATION' }, startGeneration: true });
    await expect(advanceSession(d, 'alice', session.id, { version: 4 })).rejects.toThrow(
      /CODE_GENERATION is not finished/,
    );
  });

  it('refuses stale versions with ConflictError and never loses an update', async () => {
    const d = deps();
    const session = await createSession(d, 'alice', { title: 'Helper' });
    await updateSession(d, 'alice', session.id, { version: 1, answers: { useCase: 'x' } });
    await expect(
      updateSession(d, 'alice', session.id, { version: 1, answers: { name: 'y' } }),
    ).rejects.toThrow(ConflictError);
    await expect(addMessage(d, 'alice', session.id, { version: 1, text: 'hi' })).rejects.toThrow(
      ConflictError,
    );
    const stored = await getSession(d, 'alice', session.id);
    expect(stored).toMatchObject({ version: 2, answers: { REQUIREMENTS: { useCase: 'x' } } });
  });

  it('goes back to an earlier phase but never forward through update', async () => {
    const d = deps();
    const session = await createSession(d, 'alice', { answers: { useCase: 'x' } });
    await advanceSession(d, 'alice', session.id, { version: 1 });
    await expect(updateSession(d, 'alice', session.id, { version: 2, phase: 'TESTING' })).rejects.toThrow(
      ValidationError,
    );
    expect((await updateSession(d, 'alice', session.id, { version: 2, phase: 'REQUIREMENTS' })).phase).toBe(
      'REQUIREMENTS',
    );
  });

  it('keeps the conversation, capped', async () => {
    const d = deps();
    let session = await createSession(d, 'alice', { title: 'Helper' });
    ({ session } = await addMessage(d, 'alice', session.id, {
      version: session.version,
      text: 'We need to remember past conversations.',
    }));
    expect(session.messages).toHaveLength(2);
    expect(session.messages[0]).toMatchObject({
      role: 'user',
      text: 'We need to remember past conversations.',
    });
    expect(session.messages[1]).toMatchObject({ role: 'assistant', by: 'deterministic' });
    expect(session.version).toBe(2);
  });
});

describe('extractContext', () => {
  const session = (answers: Record<string, unknown>, selections = {}, messages: string[] = []) => ({
    id: 's',
    owner: 'o',
    title: 'Support bot',
    phase: 'REQUIREMENTS' as const,
    answers: { REQUIREMENTS: answers as never },
    selections,
    messages: messages.map((text) => ({ role: 'user' as const, text, at: '' })),
    generationIds: [],
    version: 1,
    createdAt: '',
    updatedAt: '',
  });

  it('reads tools, target and budget from free text, and recommends a Bedrock model', () => {
    const context = extractContext(
      session(
        {
          useCase:
            'Search the web and run Python for data analysis. It must remember past conversations. Budget $40 per month.',
        },
        {},
        ['It is long-running.'],
      ),
      registries,
    );
    expect(context.spec.tools).toEqual(
      expect.arrayContaining(['tavily_search', 'code_interpreter', 'agent_core_memory']),
    );
    expect(context.spec.deployment).toMatchObject({ target: 'ecs-fargate' });
    expect(context.spec.budget).toEqual({ monthlyUsd: 40 });
    expect(registries.models.get(context.spec.model ?? '').provider).toBe('bedrock');
    expect(context.sources.model).toBe('recommendation');
  });

  it('lets explicit selections win over extraction', () => {
    const context = extractContext(
      session(
        { useCase: 'serverless web search bot' },
        { model: 'amazon.nova-pro-v1:0', tools: ['calculator'], deployment: { target: 'agentcore' } },
      ),
      registries,
    );
    expect(context.spec).toMatchObject({
      model: 'amazon.nova-pro-v1:0',
      tools: ['calculator'],
      deployment: { target: 'agentcore' },
    });
    expect(context.sources).toMatchObject({
      model: 'selection',
      tools: 'selection',
      deployment: 'selection',
    });
  });

  it('scores completeness and asks for what is missing', () => {
    const empty = extractContext(session({}), registries);
    expect(empty.completeness).toBeLessThan(30);
    expect(empty.missing.map((m) => m.field)).toEqual(
      expect.arrayContaining(['useCase', 'model', 'systemPrompt', 'usage', 'budget']),
    );
    expect(empty.ready).toBe(false);
    const full = extractContext(
      session({ useCase: 'Answer questions. Serverless.', requestsPerMonth: 500 }),
      registries,
    );
    expect(full.completeness).toBeGreaterThan(empty.completeness);
    expect(full.ready).toBe(true);
  });

  it('leaves out extracted tools the target cannot run', () => {
    const context = extractContext(session({ useCase: 'run python code, serverless' }), registries);
    expect(context.spec.deployment).toMatchObject({ target: 'lambda' });
    expect(context.spec.tools).toContain('code_interpreter');
  });
});
