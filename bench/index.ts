/**
 * `npm run bench`: speed figures, printed, never asserted in tests. Each section names its target.
 */

import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { generateAgentProject } from '../lambdas/generate/generate.ts';
import { loadTemplates } from '../lambdas/generate/templates.ts';
import { compareModels } from '../lambdas/models/compare.ts';
import { loadModelRegistry } from '../lambdas/models/load.ts';
import { recommendModels } from '../lambdas/models/recommend.ts';
import { validateCompatibility } from '../lambdas/tools/compatibility.ts';
import { resolveDependencies } from '../lambdas/tools/dependencies.ts';
import { loadToolRegistry } from '../lambdas/tools/load.ts';
import { bareHttpCeiling, generations, type LoadResult, load, median } from './api.ts';
import { evaluationBench } from './evaluations.ts';
import { lambdaBundleSizes, waitingStates } from './lambda-bundles.ts';
import { cliStartup, startToHealthy } from './startup.ts';
import { benchBuildsAndWarmAgents } from './warm.ts';
import { bundleSizes, modelListRender } from './web.ts';

interface Row {
  task: string;
  'p50 ms': string;
  'p99 ms': string;
  'ops/s': string;
  target: string;
}

async function measure(title: string, tasks: [string, () => unknown, string][]): Promise<void> {
  // Async tasks are awaited by tinybench.
  const bench = new Bench({ time: 400, warmupTime: 100 });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  const rows: Row[] = bench.tasks.map((task, i) => {
    const result = task.result as { latency?: { p50: number; p99: number }; throughput?: { mean: number } };
    return {
      task: task.name,
      'p50 ms': (result.latency?.p50 ?? Number.NaN).toFixed(4),
      'p99 ms': (result.latency?.p99 ?? Number.NaN).toFixed(4),
      'ops/s': Math.round(result.throughput?.mean ?? 0).toLocaleString('en-US'),
      target: tasks[i]?.[2] ?? '',
    };
  });
  console.log(`\n${title}`);
  console.table(rows);
}

const started = performance.now();
const models = loadModelRegistry();
const tools = loadToolRegistry();
console.log(
  `Registries loaded and validated in ${(performance.now() - started).toFixed(1)} ms (${models.all().length} models, ${tools.all().length} tools).`,
);

await measure('Registry queries', [
  [
    'models: filter (bedrock + tool-use + price + region)',
    () =>
      models.filter({
        provider: 'bedrock',
        capabilities: ['tool-use'],
        maxInputPrice: 1,
        region: 'us-east-1',
      }),
    'p50 ≤ 1 ms',
  ],
  ['models: search text', () => models.filter({ search: 'claude' }), 'p50 ≤ 1 ms'],
  [
    'models: recommend',
    () =>
      recommendModels(models, {
        useCase: 'customer support agent that searches our docs and files tickets',
        budgetUsd: 100,
      }),
    'p50 ≤ 1 ms',
  ],
  [
    'models: compare 3',
    () =>
      compareModels(models, {
        ids: [
          'amazon.nova-pro-v1:0',
          'anthropic.claude-haiku-4-5-20251001-v1:0',
          'meta.llama3-3-70b-instruct-v1:0',
        ],
      }),
    'p50 ≤ 1 ms',
  ],
  ['tools: filter', () => tools.filter({ language: 'python', platform: 'lambda' }), 'p50 ≤ 1 ms'],
  [
    'tools: resolve 6 (python)',
    () =>
      resolveDependencies(
        tools,
        ['mem0_memory', 'code_interpreter', 'file_read', 'tavily_search', 'postgres_query', 'mcp_fetch'],
        'python',
      ),
    'p50 ≤ 1 ms',
  ],
  [
    'tools: compatibility 6 on lambda',
    () =>
      validateCompatibility(
        tools,
        [
          'shell',
          'http_request',
          'calculator',
          'knowledge_base_retrieve',
          'sqs_send_message',
          'current_time',
        ],
        'lambda',
        'typescript',
      ),
    'p50 ≤ 1 ms',
  ],
]);

const registries = { models, tools };
const spec = {
  name: 'Support triage',
  model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  systemPrompt: 'You triage support tickets and draft replies.'.repeat(20),
  tools: [
    'calculator',
    'current_time',
    'http_request',
    'knowledge_base_retrieve',
    'tavily_search',
    's3_objects',
  ],
  toolConfig: { knowledge_base_retrieve: { knowledgeBaseId: 'EXAMPLEKB1' }, s3_objects: { bucket: 'docs' } },
};
// The consultation: one session's extraction (every field, the tool search, settings, the drafted prompt
// and spec validation), over the 35 descriptions of the extraction tests, one after another.
{
  const { extractContext } = await import('../lambdas/sessions/extract.ts');
  const { CORPUS } = await import('../test/unit/consultation-corpus.ts');
  const sessions = CORPUS.map((c, i) => ({
    id: `bench-${i}`,
    owner: 'bench',
    title: c.name,
    phase: 'REQUIREMENTS' as const,
    answers: { REQUIREMENTS: { useCase: c.description } },
    selections: {},
    messages: (c.messages ?? []).map((text) => ({ role: 'user' as const, text, at: '' })),
    generationIds: [],
    version: 1,
    createdAt: '',
    updatedAt: '',
  }));
  let next = 0;
  await measure('Consultation', [
    [
      `extract a session (${sessions.length} descriptions in turn)`,
      () => extractContext(sessions[next++ % sessions.length] as (typeof sessions)[number], registries),
      'p50 ≤ 20 ms',
    ],
  ]);
}

const templateRoot = fileURLToPath(new URL('../templates/', import.meta.url));
let counter = 0;
await measure('Project generation (6 tools)', [
  [
    'cold: load + compile templates, then generate',
    () =>
      generateAgentProject({ ...spec, name: `cold ${counter++}` }, registries, loadTemplates(templateRoot)),
    'informational',
  ],
  [
    'warm TypeScript (templates compiled, cache miss)',
    () => generateAgentProject({ ...spec, name: `warm ${counter++}` }, registries),
    'p50 ≤ 10 ms',
  ],
  [
    'warm Python (templates compiled, cache miss)',
    () => generateAgentProject({ ...spec, language: 'python', name: `py ${counter++}` }, registries),
    'p50 ≤ 10 ms',
  ],
  ['cached (same spec)', () => generateAgentProject(spec, registries), 'p50 ≤ 1 ms'],
]);

// Whole processes first, while nothing else of the bench runs: the CLI and `npm start`.
bundleSizes();
cliStartup();
await startToHealthy();
await lambdaBundleSizes();
console.log(
  `Generation state machine: ${waitingStates().length === 0 ? 'no state waits' : `waiting states: ${waitingStates().join(', ')}`} (target: none).`,
);

// The embedded platform over HTTP on loopback.
const { startPlatform } = await import('../lambdas/local/platform.ts');
const platform = await startPlatform({
  port: 0,
  testModel: 'offline',
  staticDir: fileURLToPath(new URL('../frontend/dist', import.meta.url)),
  // The bench generates more than a builder's hourly quota.
  generateLimitPerHour: 10_000,
});
const api = platform.url.replace('localhost', '127.0.0.1');
const costBody = JSON.stringify({
  model: 'amazon.nova-pro-v1:0',
  usage: { requestsPerMonth: 30000, avgInputTokens: 800, avgOutputTokens: 200 },
  deployment: { target: 'lambda' },
});
{
  const models = await (await fetch(`${api}/api/models`)).text();
  const ceiling = await bareHttpCeiling(models);
  const row = (route: string, result: LoadResult, target: number | undefined) => ({
    route,
    ...result,
    'of ceiling': `${Math.round((100 * result['req/s']) / ceiling['req/s'])}%`,
    target: target ? `≥ ${target.toLocaleString('en-US')} req/s` : 'the ceiling',
  });
  const rows = [
    row('bare node:http, same body as /api/models', ceiling, undefined),
    row('GET /api/models', await load(`${api}/api/models`), 5_000),
    row(
      'POST /api/cost-estimate (same body)',
      await load(`${api}/api/cost-estimate`, { method: 'POST', body: costBody }),
      2_000,
    ),
    row(
      'POST /api/cost-estimate (every body new)',
      await load(`${api}/api/cost-estimate`, {
        method: 'POST',
        body: costBody.replace('30000', '__N__'),
        vary: true,
      }),
      2_000,
    ),
  ];
  console.log('\nLocal API at 50 connections for 5 s each (autocannon in its own process, loopback)');
  console.table(rows);
}
{
  const { one, concurrent, concurrentMs, failures } = await generations(platform, spec, 20);
  const p50 = median(one);
  console.log(
    '\nGeneration through the local API (HTTP → validate → render ∥ cost → package → record; every spec new)',
  );
  console.table([
    {
      what: 'one at a time (20 runs)',
      'p50 ms': p50.toFixed(0),
      'max ms': Math.max(...one).toFixed(0),
      target: 'p50 ≤ 200 ms',
    },
    {
      what: '20 at once: all done',
      'p50 ms': median(concurrent).toFixed(0),
      'max ms': concurrentMs.toFixed(0),
      target: `≤ 2× one: ${(concurrentMs / p50).toFixed(1)}×${failures.length > 0 ? `, ${failures.length} failed: ${failures[0]}` : ''}`,
    },
  ]);
}

// Test runs: from the run request (a WebSocket message) to the first streamed token, with the
// project's dependencies cached and its build finished; the runner is a fresh child process per run.
{
  const { default: WebSocket } = await import('ws');
  const json = async (path: string, body: unknown) => {
    const response = await fetch(`${platform.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { id: string; status: string };
  };
  const generation = await json('/api/code-generation/generate', {
    spec: { ...spec, name: 'bench test run', tools: ['calculator', 'current_time'], toolConfig: {} },
  });
  // The build answers 202 at once; it is followed by GET until it is READY.
  let build = await json('/api/testing/build', { generationId: generation.id });
  while (build.status === 'BUILDING') {
    await new Promise((resolve) => setTimeout(resolve, 250));
    build = (await (await fetch(`${platform.url}/api/testing/builds/${build.id}`)).json()) as typeof build;
  }
  if (build.status !== 'READY') throw new Error(`bench build ${build.status}`);
  const rows: Record<string, string | number>[] = [];
  for (let i = 0; i < 5; i++) {
    const ws = new WebSocket(`${platform.url.replace('http', 'ws')}/ws/testing/stream`);
    await new Promise((resolve) => ws.once('open', resolve));
    const started = performance.now();
    const measured = new Promise<Record<string, string | number>>((resolve) => {
      let first: number | undefined;
      ws.on('message', (data) => {
        const event = JSON.parse(data.toString()) as {
          type: string;
          result?: { metrics: { totalLatencyMs: number; timeToFirstTokenMs: number | null } };
        };
        if ((event.type === 'text' || event.type === 'tool_call') && first === undefined)
          first = performance.now();
        if (event.type === 'result' && event.result) {
          resolve({
            run: i + 1,
            'request → first token ms': ((first ?? Number.NaN) - started).toFixed(0),
            'invocation → first token ms': String(event.result.metrics.timeToFirstTokenMs),
            'request → result ms': (performance.now() - started).toFixed(0),
          });
        }
      });
    });
    ws.send(JSON.stringify({ action: 'run', buildId: build.id, input: 'Use the calculator on "6 * 7"' }));
    rows.push(await measured);
    ws.close();
  }
  console.log(
    '\nTest run on the offline model, dependencies cached (target: request → first token ≤ 3,000 ms)',
  );
  console.table(rows);
}
await benchBuildsAndWarmAgents(platform.url, spec);
await modelListRender(platform);
await platform.close();
await evaluationBench();
