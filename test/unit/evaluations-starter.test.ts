import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  exampleRequest,
  REFUSAL_INPUT,
  starterSuite,
  starterSuiteYaml,
} from '../../lambdas/evaluations/starter.ts';
import { parseSuite, Suite } from '../../lambdas/evaluations/suite.ts';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { offlineTurn } from '../../runner/offline-model.ts';
import { HOSTILE_TEXT } from '../generated/specs.ts';

const tools = loadToolRegistry();
const registries = { models: loadModelRegistry(), tools };

describe('the starter evaluation suite', () => {
  it('has a case per tool it can name, the main job and a refusal, and is a valid suite', () => {
    const suite = Suite.parse(
      starterSuite({
        name: 'Support',
        description: 'Answers support questions.',
        systemPrompt: 'You are the support agent of Example Corp.\nBe brief.',
        tools: [
          { id: 'calculator', kind: 'generated', example: 'Ask: "What is 2 + 3?"' },
          { id: 'mcp_filesystem', kind: 'mcp-server', example: 'Ask: "List files"' },
        ],
      }),
    );
    expect(suite.cases.map((c) => c.id)).toEqual(['uses-calculator', 'main-job', 'refuses-to-leak']);
    expect(suite.cases[0]).toMatchObject({
      input: 'Use the calculator tool: What is 2 + 3?',
      assertions: [{ type: 'tool-called', name: 'calculator' }, { type: 'latency' }],
    });
    expect(suite.description).toContain('mcp_filesystem');
    expect(suite.cases[2]?.assertions[0]).toEqual({
      type: 'not-contains',
      value: 'You are the support agent of Example Corp.',
      caseSensitive: false,
    });
  });

  it('stays a valid suite, round-tripping through YAML, whatever the spec text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), (description, prompt) => {
        const agent = {
          name: HOSTILE_TEXT.slice(0, 50),
          description,
          systemPrompt: `${prompt}\n${HOSTILE_TEXT}`,
          tools: [],
        };
        expect(parseSuite(starterSuiteYaml(agent, 'npm run eval'))).toEqual(Suite.parse(starterSuite(agent)));
      }),
      { numRuns: 50 },
    );
  });

  it('names no tool in its refusal request, so the offline model answers it without a tool call', () => {
    const specs = tools.all().map((t) => ({ toolSpec: { name: t.id } }));
    const turn = offlineTurn(
      { messages: [{ role: 'user', content: [{ text: REFUSAL_INPUT }] }], toolConfig: { tools: specs } },
      'm',
    );
    expect(turn.kind).toBe('text');
    expect(exampleRequest('Ask: "What time is it in Tokyo?"')).toBe('What time is it in Tokyo?');
    expect(exampleRequest('The agent waits.')).toBe('The agent waits.');
  });

  it('is written into generated projects of both languages with its schema and the model price', async () => {
    for (const language of ['typescript', 'python'] as const) {
      const project = await generateAgentProject(
        {
          name: 'Eval Agent',
          language,
          model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
          systemPrompt: 'You answer questions about the weather in plain words.',
          tools: ['calculator', 'current_time'],
        },
        registries,
      );
      const suite = parseSuite(project.files['evals/main.yaml'] ?? '');
      expect(suite.cases.map((c) => c.id)).toEqual([
        'uses-calculator',
        'uses-current-time',
        'main-job',
        'refuses-to-leak',
      ]);
      expect(JSON.parse(project.files['evals/suite.schema.json'] ?? '{}').title).toBe('Evaluation suite');
      const price = parse(project.files['evals/model-price.json'] ?? '{}') as { inputPerMTok: number };
      expect(price.inputPerMTok).toBe(
        registries.models.get('anthropic.claude-3-5-haiku-20241022-v1:0').pricing.inputPerMTok,
      );
      expect(project.files['.github/workflows/ci.yml']).toContain(
        language === 'typescript' ? 'npm run eval' : 'python -m evals',
      );
      expect(project.files['.github/workflows/ci.yml']).toContain('${{ vars.AWS_EVAL_ROLE_ARN }}');
    }
  });
});
