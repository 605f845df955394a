import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformConfig } from '../../lambdas/core/config.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { createModelConsultant } from '../../lambdas/sessions/strands-consultant.ts';
import { addMessage, createSession } from '../../lambdas/sessions/workflow.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { MemorySessions } from '../fakes.ts';
import { type ChatRequest, type ScriptedTurn, startScriptedOpenAi } from '../scripted-openai.ts';

const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };

/**
 * The model-backed consultant on the real Strands SDK, against a scripted OpenAI-compatible endpoint:
 * the model looks tools up in the registry, then answers with the structured draft.
 */
describe('model-backed consultant (Strands agent, OpenAI-compatible endpoint)', () => {
  let endpoint: Awaited<ReturnType<typeof startScriptedOpenAi>>;
  let script: (request: ChatRequest) => ScriptedTurn;

  beforeAll(async () => {
    endpoint = await startScriptedOpenAi((request) => script(request));
  });
  afterAll(() => endpoint.close());

  const config = (overrides: Partial<Record<string, string>> = {}) =>
    PlatformConfig.parse({
      CONSULTANT: 'openai-compatible',
      OPENAI_COMPATIBLE_BASE_URL: endpoint.baseUrl,
      OPENAI_COMPATIBLE_MODEL: 'scripted-llm',
      ...overrides,
    });

  it('uses the registries as tools and drafts the spec through structured output', async () => {
    endpoint.requests.length = 0;
    script = (request) => {
      const last = request.messages.at(-1);
      if (last?.role !== 'tool')
        return { toolCalls: [{ name: 'search_tools', arguments: { need: 'post a summary to Slack' } }] };
      return {
        toolCalls: [
          {
            name: 'strands_structured_output',
            arguments: {
              reply: 'Slack it is. Which channel should it post to?',
              nextQuestion: 'Which Slack channel?',
              draft: {
                tools: ['slack_post_message'],
                language: 'python',
                deployment: { target: 'lambda' },
                usage: { requestsPerMonth: 3000 },
              },
            },
          },
        ],
      };
    };
    const consultant = await createModelConsultant(config(), registries);
    expect(consultant?.label).toMatch(/scripted-llm at 127\.0\.0\.1/);
    const d = { sessions: new MemorySessions(), registries, consultant: async () => consultant };
    const session = await createSession(d, 'alice', { answers: { useCase: 'Summarise our day.' } });
    const { reply, session: saved } = await addMessage(d, 'alice', session.id, {
      version: 1,
      text: 'Post a summary to Slack every evening, about 100 a day.',
    });

    expect(reply.by).toBe('model');
    expect(reply.text).toBe('Slack it is. Which channel should it post to?');
    expect(reply.context.spec).toMatchObject({
      tools: ['slack_post_message'],
      language: 'python',
      deployment: { target: 'lambda' },
    });
    expect(reply.context.evidence.language?.source).toBe('consultant');
    // The deterministic consultant's next question still leads: the channel is required.
    expect(reply.nextQuestion?.field).toBe('toolConfig.slack_post_message.defaultChannel');
    expect(saved.messages.at(-1)).toMatchObject({ role: 'assistant', by: 'model' });

    // The model saw the registry tools and the structured-output tool, and got search results back.
    const offered = endpoint.requests[0]?.tools?.map((t) => t.function.name);
    expect(offered).toEqual(
      expect.arrayContaining([
        'search_tools',
        'tool_settings',
        'recommend_models',
        'strands_structured_output',
      ]),
    );
    const toolResult = JSON.stringify(endpoint.requests[1]?.messages.at(-1)?.content);
    expect(toolResult).toContain('slack_post_message');
  });

  it('falls back to the rule-based consultant when the endpoint fails', async () => {
    const consultant = await createModelConsultant(
      config({ OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:9/v1' }),
      registries,
    );
    const d = { sessions: new MemorySessions(), registries, consultant: async () => consultant };
    const session = await createSession(d, 'alice', { answers: { useCase: 'Answer from the FAQ.' } });
    const { reply } = await addMessage(d, 'alice', session.id, { version: 1, text: 'Python, serverless.' });
    expect(reply.by).toBe('deterministic');
    expect(reply.notes.join(' ')).toMatch(/did not answer.*rule-based consultant answered instead/);
    expect(reply.changes).toContainEqual(expect.objectContaining({ field: 'language', to: 'python' }));
  });

  it('is not built when no model is configured', async () => {
    expect(await createModelConsultant(PlatformConfig.parse({}), registries)).toBeUndefined();
    expect(
      await createModelConsultant(PlatformConfig.parse({ CONSULTANT: 'deterministic' }), registries),
    ).toBeUndefined();
  });
});
