import { describe, expect, it } from 'vitest';
import type { GeneratedProject } from '../../lambdas/generate/project.ts';
import { matrix, specWithTools } from './specs.ts';
import { generate } from './workspace.ts';

// A generated project must declare every package its code imports, and the packages that the
// libraries it uses import on its behalf (optional peers, extras). Generation only: no installs.

/** The pip distribution of each third-party module that generated Python code imports. */
const PYTHON_DISTRIBUTIONS: Record<string, string> = {
  boto3: 'boto3',
  exa_py: 'exa-py',
  fastapi: 'fastapi',
  httpx: 'httpx',
  mcp: 'mcp',
  opentelemetry: 'opentelemetry-api',
  jsonschema: 'jsonschema',
  yaml: 'pyyaml',
  opensearchpy: 'opensearch-py',
  psycopg: 'psycopg',
  pydantic: 'pydantic',
  pytest: 'pytest',
  simpleeval: 'simpleeval',
  slack_sdk: 'slack-sdk',
  strands: 'strands-agents',
  starlette: 'starlette',
  bedrock_agentcore: 'bedrock-agentcore',
  strands_tools: 'strands-agents-tools',
  tavily: 'tavily-python',
  uvicorn: 'uvicorn',
};

const PYTHON_STDLIB = new Set(
  (
    '__future__ abc asyncio base64 collections contextlib dataclasses datetime decimal enum functools ' +
    'hashlib io itertools json logging math os pathlib re secrets string sys threading time typing ' +
    'urllib uuid zoneinfo'
  ).split(' '),
);

/** Top-level modules imported by a Python file (`import a.b`, `from a.b import c`), but relative ones. */
function pythonImports(source: string): string[] {
  return [
    ...source.matchAll(
      /^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*))/gm,
    ),
  ].map((m) => (m[1] ?? m[2] ?? '').split('.')[0] ?? '');
}

/** Distribution names of a requirements file (`name[extras]>=x` → `name`), normalised per PEP 503. */
function requirementNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('-r'))
      .map((line) => (line.match(/^[A-Za-z0-9._-]+/)?.[0] ?? '').toLowerCase().replace(/[-_.]+/g, '-')),
  );
}

function requirementLine(project: GeneratedProject, name: string): string {
  return project.files['requirements.txt']?.split('\n').find((line) => line.startsWith(name)) ?? '';
}

function packageJson(project: GeneratedProject): {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
} {
  return JSON.parse(project.files['package.json'] ?? '{}');
}

describe('generated Python projects require what their code imports', () => {
  it('every third-party module imported by any project of the matrix comes from its requirements', async () => {
    const missing: string[] = [];
    for (const { label, spec } of matrix('python')) {
      const project = await generate(spec);
      const runtime = requirementNames(project.files['requirements.txt'] ?? '');
      const dev = new Set([...runtime, ...requirementNames(project.files['requirements-dev.txt'] ?? '')]);
      for (const [path, source] of Object.entries(project.files)) {
        if (!path.endsWith('.py')) continue;
        for (const module of pythonImports(source)) {
          if (PYTHON_STDLIB.has(module) || ['app', 'tests', 'evals'].includes(module)) continue;
          const distribution = PYTHON_DISTRIBUTIONS[module];
          // The tests and the evaluation runner are development tools: requirements-dev.txt.
          const available = path.startsWith('tests/') || path.startsWith('evals/') ? dev : runtime;
          if (!distribution) missing.push(`${label}: ${path} imports ${module}, which no mapping names`);
          else if (!available.has(distribution))
            missing.push(`${label}: ${path} imports ${module} (${distribution})`);
        }
      }
    }
    expect(missing).toEqual([]);
  }, 120_000);

  it('browser requires nest-asyncio, which strands_tools.browser imports (the tool is not installed with its extra)', async () => {
    const project = await generate(specWithTools('python', ['browser']));
    expect(requirementNames(project.files['requirements.txt'] ?? '')).toContain('nest-asyncio');
  });

  it('every agent requires strands-agents[otel], whose OTLP exporter OTEL_EXPORTER_OTLP_ENDPOINT turns on', async () => {
    for (const model of ['anthropic.claude-haiku-4-5-20251001-v1:0', 'llama3.1:8b']) {
      const project = await generate(specWithTools('python', ['calculator'], { model }));
      expect(requirementLine(project, 'strands-agents[')).toMatch(/^strands-agents\[[^\]]*\botel\b[^\]]*\]/);
      expect(project.files['app/main.py']).toContain('StrandsTelemetry().setup_otlp_exporter()');
    }
  });

  it("reaches Ollama through Strands' own OllamaModel, with the ollama extra", async () => {
    const project = await generate(specWithTools('python', ['calculator'], { model: 'llama3.1:8b' }));
    expect(project.files['app/model.py']).toContain('from strands.models.ollama import OllamaModel');
    expect(project.files['app/model.py']).not.toContain('OpenAIModel');
    expect(requirementLine(project, 'strands-agents[')).toMatch(/^strands-agents\[[^\]]*\bollama\b/);
  });

  it('asks for the strands-agents that reports usage per invocation (1.21: latest_agent_invocation)', async () => {
    const project = await generate(specWithTools('python', ['calculator']));
    expect(requirementLine(project, 'strands-agents[')).toMatch(/>=1\.21\.0,<2\.0\.0$/);
    expect(project.files['app/agent.py']).toContain('latest_agent_invocation');
    expect(project.files['app/main.py']).not.toContain('accumulated_usage');
  });
});

describe('generated TypeScript projects depend on what their code imports', () => {
  it('every package imported by any project of the matrix is a dependency (dev dependency for tests)', async () => {
    const missing: string[] = [];
    for (const { label, spec } of matrix('typescript')) {
      const project = await generate(spec);
      const { dependencies, devDependencies } = packageJson(project);
      for (const [path, source] of Object.entries(project.files)) {
        if (!path.endsWith('.ts') || path.startsWith('infra/')) continue;
        for (const match of source.matchAll(/\bfrom\s+'([^.'][^']*)'/g)) {
          const specifier = match[1] ?? '';
          if (specifier.startsWith('node:')) continue;
          const name = specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/');
          const declared = name in dependencies || (!path.startsWith('src/') && name in devDependencies);
          if (!declared) missing.push(`${label}: ${path} imports ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  }, 120_000);

  it('web_fetch depends on turndown, the optional peer of @strands-agents/sdk that the vended tool imports', async () => {
    const project = await generate(specWithTools('typescript', ['web_fetch']));
    expect(packageJson(project).dependencies).toHaveProperty('turndown');
  });

  it('reports the usage of one request, not the agent-lifetime accumulated usage', async () => {
    const project = await generate(
      specWithTools('typescript', ['calculator'], { deployment: { target: 'lambda', region: 'us-east-1' } }),
    );
    for (const path of ['src/server.ts', 'src/lambda.ts'])
      expect(project.files[path]).not.toContain('accumulatedUsage');
    expect(project.files['src/server.ts']).toContain('latestAgentInvocation');
  });
});

describe('tool permissions', () => {
  it('agent_core_memory may get and delete memory records, which the upstream Python tool calls', async () => {
    for (const language of ['python', 'typescript'] as const) {
      const project = await generate(specWithTools(language, ['agent_core_memory']));
      const role = project.files['deploy/cloudformation/agentcore-role.yaml'] ?? '';
      expect(role).toContain('bedrock-agentcore:GetMemoryRecord');
      expect(role).toContain('bedrock-agentcore:DeleteMemoryRecord');
    }
  });
});

describe('a project ready for its own repository', () => {
  it('has a CI workflow that runs its own tests, and a README saying how to lock its dependencies', async () => {
    const python = await generate(specWithTools('python', ['calculator']));
    const typescript = await generate(specWithTools('typescript', ['calculator']));
    expect(python.files['.github/workflows/ci.yml']).toContain('python -m pytest');
    expect(python.files['.github/workflows/ci.yml']).toContain('pip install -r requirements-dev.txt');
    expect(python.files['README.md']).toContain(
      'pip-compile --output-file requirements.lock requirements.txt',
    );
    expect(typescript.files['.github/workflows/ci.yml']).toMatch(
      /npm ci[\s\S]*npm run typecheck[\s\S]*npm test/,
    );
    expect(typescript.files['README.md']).toContain('package-lock.json');
    for (const project of [python, typescript]) {
      expect(project.files['README.md']).toContain('## Compared with an AgentCore CLI project');
    }
  });
});
