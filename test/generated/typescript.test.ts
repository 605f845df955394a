import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedProject } from '../../lambdas/generate/project.ts';
import { matrix, specWithTools } from './specs.ts';
import {
  generate,
  linkNodeModules,
  ROOT,
  registries,
  run,
  scratchDir,
  sharedNodeModules,
  writeProject,
} from './workspace.ts';

// Generates the whole TypeScript matrix, installs the union of its dependencies once, then
// type-checks every project in one compiler run and builds and tests one project end to end.
const entries = matrix('typescript');
const workspace = scratchDir('ts-matrix');
const projects: { label: string; dir: string; project: GeneratedProject }[] = [];
let nodeModules = '';

beforeAll(async () => {
  for (const [index, entry] of entries.entries()) {
    const project = await generate(entry.spec);
    const dir = join(workspace, `p${index}`);
    writeProject(dir, project);
    projects.push({ label: entry.label, dir, project });
  }
  nodeModules = await sharedNodeModules(projects.map((p) => p.project));
  symlinkSync(nodeModules, join(workspace, 'node_modules'), 'dir');
}, 600_000);

describe('generated TypeScript projects', () => {
  it('cover every TypeScript tool, every model provider and every deployment target', () => {
    expect(entries.length).toBeGreaterThan(30);
    expect(entries.map((e) => e.label)).toEqual(
      expect.arrayContaining([
        'provider bedrock',
        'provider ollama',
        'provider openai',
        'provider anthropic',
        'target lambda',
        'hostile text',
      ]),
    );
  });

  it('all type-check against the real SDKs (one compiler run over the matrix)', async () => {
    // The generated projects' own compiler options, over every project of the matrix at once.
    const own = JSON.parse(projects[0]?.project.files['tsconfig.json'] ?? '{}') as {
      compilerOptions: Record<string, unknown>;
    };
    const { outDir: _outDir, rootDir: _rootDir, ...compilerOptions } = own.compilerOptions;
    const tsconfig = {
      compilerOptions: { ...compilerOptions, noEmit: true },
      include: projects.flatMap((p) => [
        `${p.dir}/src/**/*.ts`,
        `${p.dir}/test/**/*.ts`,
        `${p.dir}/evals/**/*.ts`,
        `${p.dir}/infra/**/*.ts`,
      ]),
    };
    writeFileSync(join(workspace, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const result = await run(join(nodeModules, '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
      cwd: workspace,
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    const byProject = projects
      .map((p) => ({
        label: p.label,
        errors: result.split('\n').filter((line) => line.includes(`${p.dir.slice(workspace.length + 1)}/`)),
      }))
      .filter((p) => p.errors.length > 0);
    expect(byProject, result.slice(0, 4000)).toEqual([]);
    expect(result).toBe('');
  }, 600_000);

  it('give the model a Bedrock-valid input schema for every tool: a top-level object, every parameter described', async () => {
    // Each project's tools, built with its own test settings, read from the real SDK's toolSpec.
    const script = [
      "import { pathToFileURL } from 'node:url';",
      'const specs = [];',
      'for (const dir of JSON.parse(process.argv[2])) {',
      '  const load = (path) => import(pathToFileURL(`${dir}/${path}`).href);',
      "  const [{ TOOL_FACTORIES }, { loadConfig }, { TEST_ENV }] = await Promise.all([load('src/tools/index.ts'), load('src/config.ts'), load('test/helpers/env.ts')]);",
      '  const config = await loadConfig(TEST_ENV);',
      '  for (const entry of TOOL_FACTORIES) {',
      '    const built = entry.create(config);',
      "    if ('toolSpec' in built) specs.push({ id: entry.id, schema: built.toolSpec.inputSchema });",
      '  }',
      '}',
      'console.log(JSON.stringify(specs));',
    ].join('\n');
    writeFileSync(join(workspace, 'tool-specs.mjs'), script);
    const toolProjects = projects.filter((p) => p.label.startsWith('tool '));
    const { stdout } = await run(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['tool-specs.mjs', JSON.stringify(toolProjects.map((p) => p.dir))],
      { cwd: workspace, maxBuffer: 64 * 1024 * 1024 },
    );
    const specs = JSON.parse(stdout) as { id: string; schema: Record<string, unknown> }[];
    // Every tool but the MCP servers' (whose tools their servers describe) has a spec.
    const mcp = registries.tools
      .filter({ language: 'typescript' })
      .filter((t) => t.implementations.typescript?.kind === 'mcp-server');
    expect(specs.map((s) => s.id).sort()).toEqual(
      toolProjects
        .map((p) => p.label.slice('tool '.length))
        .filter((id) => !mcp.some((t) => t.id === id))
        .sort(),
    );
    const problems = specs.flatMap(({ id, schema }) =>
      bedrockSchemaProblems(schema).map((problem) => `${id}: ${problem}`),
    );
    expect(problems).toEqual([]);
  }, 300_000);

  it('build with their own tsconfig and pass their own tests (npm run build && npm test)', async () => {
    const project = await generate(
      // With MCP servers, local (stdio) and remote: their own tests must start and call none of them.
      specWithTools(
        'typescript',
        [
          'calculator',
          'current_time',
          'http_request',
          'knowledge_base_retrieve',
          'mcp_filesystem',
          'mcp_remote',
        ],
        {
          toolConfig: {
            http_request: { allowedDomains: ['api.example.com'] },
            knowledge_base_retrieve: { knowledgeBaseId: 'KB12345678' },
            mcp_remote: { url: 'https://mcp.example.com/mcp' },
          },
        },
      ),
    );
    const dir = join(scratchDir('ts-run'), 'agent');
    mkdirSync(dir, { recursive: true });
    writeProject(dir, project);
    linkNodeModules(dir, nodeModules);
    const env = {
      ...process.env,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      PATH: `${join(nodeModules, '.bin')}:${process.env.PATH ?? ''}`,
    };
    await run('npm', ['run', 'build'], { cwd: dir, env });
    const { stdout } = await run('npm', ['test'], { cwd: dir, env });
    expect(stdout).toMatch(/Tests\s+\S*\s*\d+ passed/);
    expect(stdout).not.toMatch(/failed/);
  }, 300_000);

  it("fetch their tools' keys from AgentCore Identity with each request's workload access token (their own test)", async () => {
    const entry = projects.find((p) => p.label === 'keys from AgentCore Identity');
    if (!entry) throw new Error('the matrix has no AgentCore Identity project');
    linkNodeModules(entry.dir, nodeModules);
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    const { stdout } = await run(join(nodeModules, '.bin', 'vitest'), ['run', 'test/credentials.test.ts'], {
      cwd: entry.dir,
      env,
    });
    expect(stdout).toMatch(/Tests\s+\S*\s*4 passed/);
    expect(stdout).not.toMatch(/failed/);
  }, 120_000);

  it("hold http_request's allowedDomains across redirects, and take the memory actor from the session, never the model", async () => {
    const project = await generate(
      specWithTools('typescript', ['http_request', 'agent_core_memory'], {
        toolConfig: {
          http_request: { allowedDomains: ['127.0.0.1'] },
          agent_core_memory: { memoryId: 'support_memory-a1B2c3D4e5' },
        },
      }),
    );
    const dir = join(scratchDir('ts-redirect'), 'agent');
    mkdirSync(dir, { recursive: true });
    writeProject(dir, project);
    linkNodeModules(dir, nodeModules);
    const env = {
      ...process.env,
      NO_COLOR: '1',
      PATH: `${join(nodeModules, '.bin')}:${process.env.PATH ?? ''}`,
    };
    await run('npm', ['run', 'build'], { cwd: dir, env });
    // An allowed host (127.0.0.1) that redirects to one that is not (localhost), which counts its visits.
    writeFileSync(
      join(dir, 'probe.mjs'),
      `
import { createServer } from 'node:http';
import { createHttpRequestTool } from './dist/tools/http-request.js';
import { createAgentCoreMemoryTool } from './dist/tools/agent-core-memory.js';
let visits = 0;
const outside = createServer((_req, res) => { visits++; res.end('secret'); });
await new Promise((r) => outside.listen(0, '127.0.0.1', r));
const allowed = createServer((req, res) => {
  if (req.url === '/away') { res.writeHead(302, { location: 'http://localhost:' + outside.address().port + '/' }); res.end(); return; }
  if (req.url === '/hop') { res.writeHead(301, { location: '/ok' }); res.end(); return; }
  res.end('fine');
});
await new Promise((r) => allowed.listen(0, '127.0.0.1', r));
const base = 'http://127.0.0.1:' + allowed.address().port;
const http = createHttpRequestTool({});
const away = await http.invoke({ method: 'GET', url: base + '/away' });
const hop = await http.invoke({ method: 'GET', url: base + '/hop' });
const memory = createAgentCoreMemoryTool({ AWS_REGION: 'us-east-1' });
console.log(JSON.stringify({ away, hop: hop.body, visits, memorySchema: JSON.stringify(memory.toolSpec.inputSchema) }));
outside.close(); allowed.close();
`,
    );
    const { stdout } = await run(process.execPath, ['probe.mjs'], { cwd: dir, env });
    const seen = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      away: { error?: string };
      hop: string;
      visits: number;
      memorySchema: string;
    };
    expect(seen.away.error).toContain('host localhost is not allowed (a redirect led there)');
    expect(seen.visits).toBe(0);
    expect(seen.hop).toBe('fine');
    expect(seen.memorySchema).toContain('remember');
    expect(seen.memorySchema).not.toContain('actorId');
    expect(project.files['src/server.ts']).toContain("agent.appState.set('sessionId', sessionId)");
  }, 300_000);
});

/**
 * What Bedrock's Converse API and the model need of a tool's input schema: an object at the top level
 * (no oneOf/anyOf/allOf there), and a description on every parameter, since the model picks arguments
 * from them.
 */
function bedrockSchemaProblems(schema: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (schema.type !== 'object') problems.push(`top-level type is ${String(schema.type)}, not object`);
  for (const key of ['oneOf', 'anyOf', 'allOf', 'not']) if (key in schema) problems.push(`top-level ${key}`);
  const properties = (schema.properties ?? {}) as Record<string, { description?: unknown }>;
  for (const [name, property] of Object.entries(properties)) {
    if (typeof property.description !== 'string' || property.description.trim() === '') {
      problems.push(`parameter ${name} has no description`);
    }
  }
  return problems;
}
