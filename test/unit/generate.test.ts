import { execFileSync } from 'node:child_process';
import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentSpec } from '../../lambdas/agent-spec/schema.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { generateAgentProject, hashSpec } from '../../lambdas/generate/generate.ts';
import { zipProject } from '../../lambdas/generate/zip.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { nastyText } from '../fixtures.ts';

const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
const base = {
  name: 'Support triage',
  description: 'Triage tickets',
  model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  systemPrompt: 'You triage tickets.',
  tools: ['calculator', 'knowledge_base_retrieve', 'tavily_search'],
  toolConfig: { knowledge_base_retrieve: { knowledgeBaseId: 'KB12345678' } },
};

/** Values of the generated TypeScript prompt module, evaluated as JavaScript. */
function tsPromptValues(source: string): Record<string, string> {
  const js = transformSync(source, { loader: 'ts', format: 'cjs' }).code;
  const module = { exports: {} as Record<string, string> };
  new Function('module', 'exports', js)(module, module.exports);
  return module.exports;
}

const text = nastyText(1);
const nameText = text.filter((s) => s.trim().length > 0 && s.length <= 200);

describe('generateAgentProject', () => {
  it('writes a complete TypeScript project: one module per tool, tests, README, .env.example and no .env', async () => {
    const project = await generateAgentProject(base, registries);
    expect(project.metadata.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'tsconfig.json',
        'README.md',
        '.env.example',
        '.gitignore',
        'src/agent.ts',
        'src/server.ts',
        'src/config.ts',
        'src/tools/calculator.ts',
        'src/tools/knowledge-base-retrieve.ts',
        'src/tools/tavily-search.ts',
        'test/agent.test.ts',
        'test/server.test.ts',
      ]),
    );
    expect(project.files['.env']).toBeUndefined();
    expect(project.files['.env.example']).toMatch(/^TAVILY_API_KEY=$/m);
    expect(project.files['.env.example']).toMatch(/^# TAVILY_API_KEY_SECRET_ID=$/m);
    const pkg = JSON.parse(project.files['package.json'] ?? '{}') as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.dependencies).toMatchObject({
      '@strands-agents/sdk': '^1.19.0',
      mathjs: '^15.0.0',
      '@tavily/core': '^0.7.0',
    });
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['build', 'test', 'start']));
    expect(project.files['src/config.ts']).toContain(
      'MODEL_ID: z.string().min(1).default("us.anthropic.claude-haiku-4-5-20251001-v1:0")',
    );
  });

  it('writes a complete Python project with pinned requirements', async () => {
    const project = await generateAgentProject({ ...base, language: 'python' }, registries);
    expect(project.metadata.files).toEqual(
      expect.arrayContaining([
        'requirements.txt',
        'app/main.py',
        'app/agent.py',
        'app/tools/calculator.py',
        'app/tools/tavily_search.py',
        'tests/test_server.py',
      ]),
    );
    const requirements = project.files['requirements.txt'] ?? '';
    // 1.21 reports usage per invocation; the otel extra holds the exporter OTEL_EXPORTER_OTLP_ENDPOINT loads.
    expect(requirements).toMatch(/^strands-agents\[otel\]>=1\.21\.0,<2\.0\.0$/m);
    expect(requirements).toMatch(/^bedrock-agentcore>=1\.1\.0,<2\.0\.0$/m);
    expect(requirements).toMatch(/^tavily-python>=0\.5\.0,<1\.0\.0$/m);
    expect(requirements).toMatch(/^simpleeval>=1\.0\.0,<2\.0\.0$/m);
  });

  it('writes model-specific code for each provider', async () => {
    const code = async (model: string) =>
      (await generateAgentProject({ ...base, model, tools: ['calculator'], toolConfig: {} }, registries))
        .files['src/model.ts'] ?? '';
    expect(await code('amazon.nova-pro-v1:0')).toContain('new BedrockModel(');
    expect(await code('llama3.1:8b')).toMatch(/OpenAIModel[\s\S]*OLLAMA_HOST/);
    expect(await code('gpt-4.1-mini')).toMatch(/OpenAIModel[\s\S]*OPENAI_API_KEY/);
    expect(await code('claude-haiku-4-5-20251001')).toContain('new AnthropicModel(');
  });

  it('keeps secrets out of every file, whatever the spec', async () => {
    const project = await generateAgentProject(
      {
        ...base,
        tools: ['tavily_search', 'slack_post_message'],
        toolConfig: { slack_post_message: { defaultChannel: '#ops' } },
      },
      registries,
    );
    for (const [path, content] of Object.entries(project.files)) {
      expect(content, path).not.toMatch(/(TAVILY_API_KEY|SLACK_BOT_TOKEN)=\S/);
    }
  });

  it('caches by the canonical spec hash: same spec, same result, key order irrelevant', async () => {
    const first = await generateAgentProject(base, registries);
    const reordered = Object.fromEntries(Object.entries(base).reverse());
    expect(await generateAgentProject(reordered, registries)).toBe(first);
    expect(first.metadata.specHash).toBe(hashSpec(AgentSpec.parse(reordered)));
    expect((await generateAgentProject({ ...base, name: 'Other' }, registries)).metadata.specHash).not.toBe(
      first.metadata.specHash,
    );
  });

  it('returns warnings: pasted secrets in the prompt and deprecated tools', async () => {
    const project = await generateAgentProject(
      {
        ...base,
        language: 'python',
        systemPrompt: 'Use AKIAIOSFODNN7EXAMPLE',
        tools: ['shell'],
        toolConfig: {},
        deployment: { target: 'ecs-fargate' },
      },
      registries,
    );
    const messages = project.metadata.warnings.map((w) => `${w.path}: ${w.message}`).join('\n');
    expect(messages).toMatch(/systemPrompt: .*AWS access key/);
    expect(messages).toMatch(/tools\[0\]: .*deprecates shell/);
  });

  it('generates nothing for an invalid spec', async () => {
    await expect(generateAgentProject({ ...base, tools: ['nope'] }, registries)).rejects.toThrow(
      ValidationError,
    );
  });

  it('zips the project under one folder, deterministically', async () => {
    const project = await generateAgentProject(base, registries);
    const a = zipProject('support-triage', project.files);
    expect(Buffer.from(a.slice(0, 2)).toString()).toBe('PK');
    expect(zipProject('support-triage', project.files)).toEqual(a);
  });
});

describe('arbitrary text in name, description and system prompt', () => {
  it('round-trips exactly and keeps every TypeScript file parseable', async () => {
    await fc.assert(
      fc.asyncProperty(nameText, text, text, async (name, description, systemPrompt) => {
        const project = await generateAgentProject({ ...base, name, description, systemPrompt }, registries);
        expect(tsPromptValues(project.files['src/prompt.ts'] ?? '')).toEqual({
          AGENT_NAME: name.trim(),
          AGENT_DESCRIPTION: description,
          SYSTEM_PROMPT: systemPrompt,
        });
        for (const [path, content] of Object.entries(project.files)) {
          if (path.endsWith('.ts')) transformSync(content, { loader: 'ts', sourcefile: path });
        }
        JSON.parse(project.files['package.json'] ?? '');
      }),
      { numRuns: 60 },
    );
  });

  it('round-trips exactly and keeps every Python file compiling (checked by Python)', async () => {
    const samples = fc.sample(fc.tuple(nameText, text, text), { numRuns: 40, seed: 11 });
    const projects = await Promise.all(
      samples.map(([name, description, systemPrompt]) =>
        generateAgentProject({ ...base, language: 'python', name, description, systemPrompt }, registries),
      ),
    );
    const payload = JSON.stringify(projects.map((p) => p.files));
    const program = [
      'import json, sys',
      'projects = json.loads(sys.stdin.read())',
      'out = []',
      'for files in projects:',
      '    for path, source in files.items():',
      '        if path.endswith(".py"):',
      '            compile(source, path, "exec")',
      '    scope = {}',
      '    exec(files["app/prompt.py"], scope)',
      '    out.append([scope["AGENT_NAME"], scope["AGENT_DESCRIPTION"], scope["SYSTEM_PROMPT"]])',
      'sys.stdout.write(json.dumps(out))',
    ].join('\n');
    const output = execFileSync('python3', ['-c', program], {
      input: payload,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(JSON.parse(output)).toEqual(
      samples.map(([name, description, systemPrompt]) => [name.trim(), description, systemPrompt]),
    );
  });
});
