import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../lambdas/agent-spec/parse.ts';
import { agentSpecJsonSchema } from '../../lambdas/agent-spec/schema.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { ModelRegistry } from '../../lambdas/models/registry.ts';
import { validateSpec } from '../../lambdas/registries/validate.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { makeModel } from '../fixtures.ts';

const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
const validSpec = {
  name: 'Support triage',
  model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  systemPrompt: 'You triage tickets.',
  tools: ['calculator', 'knowledge_base_retrieve'],
  toolConfig: { knowledge_base_retrieve: { knowledgeBaseId: 'KB12345678' } },
};

function errorsOf(input: unknown) {
  const result = validateSpec(input, registries);
  if (result.ok) throw new Error('expected the spec to be rejected');
  return result.errors;
}

describe('parseSpecText', () => {
  it('reads YAML and JSON', () => {
    expect(parseSpecText('name: a\ntools: [x, y]\n')).toEqual({ name: 'a', tools: ['x', 'y'] });
    expect(parseSpecText('{"name": "a"}', 'spec.json')).toEqual({ name: 'a' });
  });

  it('names the line of a YAML syntax error and refuses duplicate keys', () => {
    expect(() => parseSpecText('name: a\n  bad: [\n')).toThrow(ValidationError);
    try {
      parseSpecText('name: a\nname: b\n');
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).errors[0]?.path).toMatch(/^line 2/);
    }
  });

  it('reports invalid JSON', () => {
    expect(() => parseSpecText('{"name": ', 'spec.json')).toThrow(/not valid JSON/);
  });
});

describe('validateSpec', () => {
  it('accepts a valid spec and fills the defaults', () => {
    const result = validateSpec(validSpec, registries);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.spec.language).toBe('typescript');
    expect(result.spec.deployment).toEqual({
      target: 'agentcore',
      region: 'us-east-1',
      architecture: 'arm64',
      memoryMb: 1024,
      timeoutSeconds: 120,
    });
  });

  it('rejects a spec whose tool is not in the registry, naming the path', () => {
    expect(errorsOf({ ...validSpec, tools: ['no-such-tool'] })).toContainEqual(
      expect.objectContaining({ path: 'tools[0]' }),
    );
  });

  it('lists every problem at once: shape errors and unknown references', () => {
    const paths = errorsOf({
      name: '',
      model: 'nope',
      systemPrompt: 'x',
      tools: ['calculator', 'zzz'],
      colour: 'red',
    }).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'colour', 'model', 'tools[1]']));
  });

  it('checks the model: tool use when tools are chosen, and the region', () => {
    const errors = errorsOf({
      ...validSpec,
      model: 'meta.llama3-2-1b-instruct-v1:0',
      deployment: { region: 'eu-west-1' },
    });
    expect(errors).toContainEqual(
      expect.objectContaining({ path: 'model', message: expect.stringMatching(/tool use/) }),
    );
    expect(errors).toContainEqual(expect.objectContaining({ path: 'deployment.region' }));
  });

  it('checks each tool against the language and the deployment target, suggesting alternatives', () => {
    const errors = errorsOf({
      ...validSpec,
      tools: ['shell', 'mcp_fetch'],
      toolConfig: {},
      deployment: { target: 'lambda' },
    });
    expect(errors).toContainEqual({
      path: 'tools[0]',
      message: expect.stringMatching(/cannot run on lambda.*alternatives: code_interpreter/),
    });
    expect(errors).toContainEqual({
      path: 'tools[1]',
      message: expect.stringMatching(/no typescript implementation/),
    });
  });

  it('checks tool configuration: unknown, mistyped, missing required, and for unselected tools', () => {
    const errors = errorsOf({
      ...validSpec,
      toolConfig: {
        knowledge_base_retrieve: { numberOfResults: 'five', colour: 1 },
        calculator: {},
        shell: { a: 1 },
      },
    });
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'toolConfig.knowledge_base_retrieve.numberOfResults',
        'toolConfig.knowledge_base_retrieve.colour',
        'toolConfig.knowledge_base_retrieve.knowledgeBaseId',
        'toolConfig.shell',
      ]),
    );
  });

  it('requires arm64 on AgentCore', () => {
    expect(
      errorsOf({ ...validSpec, deployment: { target: 'agentcore', architecture: 'x86_64' } }),
    ).toContainEqual(expect.objectContaining({ path: 'deployment.architecture' }));
  });

  it('warns, without failing, about limited platforms, deprecations and model providers outside AWS', () => {
    const result = validateSpec(
      {
        ...validSpec,
        language: 'python',
        model: 'gpt-4.1-mini',
        tools: ['shell'],
        toolConfig: {},
        deployment: { target: 'ecs-fargate' },
      },
      registries,
    );
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual(expect.arrayContaining(['model', 'tools[0]']));
  });
});

describe('agentSpecJsonSchema', () => {
  it('describes every AgentSpec field', () => {
    const schema = agentSpecJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'name',
        'description',
        'language',
        'model',
        'systemPrompt',
        'tools',
        'toolConfig',
        'deployment',
        'usage',
        'budget',
      ]),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'model', 'systemPrompt']));
  });
});

describe('validateSpec and the model lifecycle', () => {
  const successor = makeModel({ id: 'vendor.successor-v2:0', name: 'Successor 2' });
  const models = new ModelRegistry([
    successor,
    makeModel({
      id: 'vendor.old-v1:0',
      name: 'Old 1',
      lifecycle: {
        status: 'retired',
        date: '2026-06-15',
        replacement: successor.id,
        source: 'https://example.com/deprecations',
        asOf: '2026-12-01',
      },
    }),
    makeModel({
      id: 'vendor.older-v1:5',
      name: 'Older 1.5',
      lifecycle: {
        status: 'legacy',
        replacement: successor.id,
        source: 'https://example.com/deprecations',
        asOf: '2026-12-01',
      },
    }),
  ]);
  const spec = { name: 'Lifecycle', systemPrompt: 'Hi.', tools: [], deployment: { region: 'us-east-1' } };

  it('warns, naming the date and the replacement, when the spec names a retired model', () => {
    const result = validateSpec({ ...spec, model: 'vendor.old-v1:0' }, { ...registries, models });
    expect(result.ok).toBe(true);
    expect(result.warnings).toContainEqual({
      path: 'model',
      message: expect.stringMatching(/retired on 2026-06-15.*Successor 2 \(vendor\.successor-v2:0\)/),
    });
  });

  it('warns about a legacy model with its successor, and says nothing of an active one', () => {
    const legacy = validateSpec({ ...spec, model: 'vendor.older-v1:5' }, { ...registries, models });
    expect(legacy.warnings).toContainEqual({
      path: 'model',
      message: expect.stringMatching(/legacy.*Successor 2/),
    });
    const active = validateSpec({ ...spec, model: successor.id }, { ...registries, models });
    expect(active.warnings.filter((w) => w.path === 'model')).toEqual([]);
  });
});

describe('keys from AgentCore Identity (apiKeyProviders)', () => {
  const identity = {
    name: 'Researcher',
    model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    systemPrompt: 'You research.',
    tools: ['tavily_search', 'postgres_query'],
    toolConfig: {},
    deployment: { target: 'agentcore', region: 'us-east-1' },
  };

  it('accepts a key a chosen tool reads per call, on AgentCore', () => {
    const result = validateSpec({ ...identity, apiKeyProviders: { TAVILY_API_KEY: 'tavily' } }, registries);
    expect(result.ok).toBe(true);
  });

  it('refuses, each with what to do: another target, a key read at start, an unknown key, two sources, a bad name', () => {
    expect(
      errorsOf({
        ...identity,
        deployment: { target: 'ecs-fargate', region: 'us-east-1' },
        apiKeyProviders: { TAVILY_API_KEY: 'tavily' },
      }),
    ).toContainEqual({
      path: 'apiKeyProviders.TAVILY_API_KEY',
      message: expect.stringMatching(/AgentCore Runtime only.*deploy to agentcore.*secrets\.TAVILY_API_KEY/),
    });
    expect(errorsOf({ ...identity, apiKeyProviders: { DATABASE_URL: 'db' } })).toContainEqual({
      path: 'apiKeyProviders.DATABASE_URL',
      message: expect.stringMatching(/cannot come from AgentCore Identity; keep it in Secrets Manager/),
    });
    expect(errorsOf({ ...identity, apiKeyProviders: { SLACK_BOT_TOKEN: 'slack' } })).toContainEqual({
      path: 'apiKeyProviders.SLACK_BOT_TOKEN',
      message: 'no chosen tool reads SLACK_BOT_TOKEN; remove it from apiKeyProviders',
    });
    expect(
      errorsOf({
        ...identity,
        secrets: { TAVILY_API_KEY: 'prod/tavily' },
        apiKeyProviders: { TAVILY_API_KEY: 'tavily' },
      }),
    ).toContainEqual({
      path: 'apiKeyProviders.TAVILY_API_KEY',
      message: expect.stringMatching(/keep one of them/),
    });
    expect(errorsOf({ ...identity, apiKeyProviders: { TAVILY_API_KEY: 'no spaces' } })).toContainEqual(
      expect.objectContaining({ path: 'apiKeyProviders.TAVILY_API_KEY' }),
    );
  });
});
