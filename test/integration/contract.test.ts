import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { errorStatuses } from '../../lambdas/core/contract.ts';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import { routeList } from '../../lambdas/routes.ts';
import { ROOT } from '../generated/workspace.ts';
import { checkStreamEvent, contractClient, coverage, follow } from './contract-client.ts';

// Every route of the route table, called over HTTP on the embedded platform with one answer it
// succeeds with and (where it has any) one problem it answers; each answer is checked against the
// route's schemas by the contract client. The last test fails if a route went uncalled.
const SECRET = 'contract-test-secret-0123456789ab';
let platform: RunningPlatform;
let alice = '';
const call = contractClient(() => platform.url);
const as = (method: string, path: string, body?: unknown) => call(method, path, { body, token: alice });

const spec = {
  name: 'Contract agent',
  model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  systemPrompt: 'You answer briefly.',
  tools: ['calculator'],
  deployment: { target: 'agentcore' },
};

beforeAll(async () => {
  platform = await startPlatform({
    port: 0,
    auth: { mode: 'jwt', secret: SECRET },
    testModel: 'offline',
    runnerCacheDir: join(ROOT, '.cache', 'runner'),
  });
  alice = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice')
    .sign(new TextEncoder().encode(SECRET));
}, 60_000);
afterAll(async () => platform?.close());

/** Starts a run over the stream and answers its id as soon as the platform accepts it. */
async function startRunOverStream(buildId: string): Promise<string> {
  const ws = new WebSocket(`${platform.url.replace('http', 'ws')}/ws/testing/stream?token=${alice}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const accepted = new Promise<string>((resolve, reject) => {
    ws.on('message', (data) => {
      const event = checkStreamEvent(JSON.parse(data.toString()));
      if (event.type === 'accepted') resolve(event.runId as string);
      if (event.type === 'error') reject(new Error(JSON.stringify(event.problem)));
    });
  });
  ws.send(JSON.stringify({ action: 'run', buildId, input: 'Please use the calculator on "6 * 7"' }));
  const runId = await accepted;
  ws.close();
  return runId;
}

describe('every route answers within its contract', () => {
  it('health and the API describing itself', async () => {
    expect((await call('GET', '/api/health')).status).toBe(200);
    expect((await call('GET', '/api/openapi.json')).body.openapi).toBe('3.1.0');
    expect((await call('GET', '/api/docs')).body.text).toContain('docs/scalar.js');
    const script = await call('GET', '/api/docs/scalar.js');
    expect(script.status).toBe(200);
    expect(new TextDecoder().decode(script.bytes).length).toBeGreaterThan(1_000_000);
    // Another site's page, or a DNS name rebound to this machine, is refused on every route.
    for (const path of ['/api/health', '/api/openapi.json', '/api/docs', '/api/docs/scalar.js']) {
      const foreign = await call('GET', path, { headers: { origin: 'https://attacker.example' } });
      expect(foreign).toMatchObject({ status: 403, body: { type: 'forbidden' } });
    }
  });

  it('the feature flags of the signed-in builder', async () => {
    expect((await as('GET', '/api/features')).body.features.length).toBeGreaterThan(0);
    expect((await call('GET', '/api/features')).status).toBe(401);
  });

  it('models, tools and cost', async () => {
    expect((await as('GET', '/api/models?provider=bedrock&capability=tool-use')).status).toBe(200);
    expect((await as('GET', '/api/models?provider=nobody')).status).toBe(400);
    expect((await call('GET', '/api/models')).status).toBe(401);
    expect(
      (
        await as(
          'GET',
          '/api/models/recommend?useCase=triage%20tickets&requests=1000&inputTokens=500&outputTokens=100',
        )
      ).status,
    ).toBe(200);
    expect((await as('GET', '/api/models/recommend?useCase=x&requests=1000')).status).toBe(400);
    const retired = await as('GET', '/api/models?lifecycle=retired');
    expect(retired.status).toBe(200);
    expect(retired.body.map((m: { lifecycle: { status: string } }) => m.lifecycle.status)).toEqual(
      expect.arrayContaining(['retired']),
    );
    expect(new Set(retired.body.map((m: { lifecycle: { status: string } }) => m.lifecycle.status))).toEqual(
      new Set(['retired']),
    );
    expect((await as('GET', '/api/models?lifecycle=sunsetting')).status).toBe(400);
    const withTools = await as('GET', '/api/models/recommend?useCase=summarise%20reports&tools=calculator');
    expect(withTools.status).toBe(200);
    expect(withTools.body.interpreted.requiredCapabilities).toContain('tool-use');
    expect((await as('GET', '/api/models/amazon.nova-lite-v1:0')).status).toBe(200);
    expect((await as('GET', '/api/models/no.such-model')).status).toBe(404);
    expect(
      (await as('POST', '/api/models/compare', { ids: ['amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0'] }))
        .status,
    ).toBe(200);
    expect(
      (await as('POST', '/api/models/compare', { ids: ['amazon.nova-lite-v1:0', 'no.such'] })).status,
    ).toBe(404);
    expect((await as('GET', '/api/tools?category=rag')).status).toBe(200);
    expect((await as('GET', '/api/tools?category=nothing')).status).toBe(400);
    const resolved = await as('POST', '/api/tools/resolve', {
      ids: ['shell'],
      language: 'typescript',
      platform: 'lambda',
    });
    expect(resolved.body.compatibility.errors[0].fixes.length).toBeGreaterThan(0);
    expect(
      (await as('POST', '/api/tools/resolve', { ids: ['no_such_tool'], language: 'typescript' })).status,
    ).toBe(404);
    expect((await as('POST', '/api/cost-estimate', spec)).status).toBe(200);
    expect(
      (await as('POST', '/api/cost-estimate', { ...spec, usage: { requestsPerMonth: 'many' } })).status,
    ).toBe(400);
    const outOfRange = await as('POST', '/api/cost-estimate', {
      ...spec,
      usage: { requestsPerMonth: -1, avgInputTokens: 800, avgOutputTokens: 200 },
    });
    expect([outOfRange.status, outOfRange.body.type]).toEqual([422, 'out-of-range']);
  });

  let sessionId = '';
  let generationId = '';
  it('sessions, from creation to generation', async () => {
    const created = await as('POST', '/api/sessions', {
      title: 'Contract',
      answers: { useCase: 'Answer refund questions' },
      selections: {
        model: spec.model,
        systemPrompt: spec.systemPrompt,
        tools: spec.tools,
        deployment: { target: 'agentcore' },
      },
    });
    expect(created.status).toBe(201);
    sessionId = created.body.id;
    expect((await as('POST', '/api/sessions', { colour: 'red' })).status).toBe(400);
    expect((await as('GET', '/api/sessions')).body.sessions.length).toBe(1);
    expect((await call('GET', '/api/sessions')).status).toBe(401);
    expect((await as('GET', `/api/sessions/${sessionId}`)).status).toBe(200);
    expect((await as('GET', '/api/sessions/nope')).status).toBe(404);
    const updated = await as('PATCH', `/api/sessions/${sessionId}`, { version: 1, title: 'Contract agent' });
    expect(updated.status).toBe(200);
    expect((await as('PATCH', `/api/sessions/${sessionId}`, { version: 1, title: 'stale' })).status).toBe(
      409,
    );
    const messaged = await as('POST', `/api/sessions/${sessionId}/messages`, {
      version: 2,
      text: 'Keep it short.',
    });
    expect(messaged.status).toBe(200);
    expect((await as('POST', '/api/sessions/nope/messages', { version: 1, text: 'x' })).status).toBe(404);
    expect((await as('GET', `/api/sessions/${sessionId}/context`)).body.ready).toBe(true);
    expect((await as('GET', '/api/sessions/nope/context')).status).toBe(404);
    let version = messaged.body.session.version as number;
    for (let i = 0; i < 3; i++) {
      const advanced = await as('POST', `/api/sessions/${sessionId}/advance`, { version });
      expect(advanced.status, JSON.stringify(advanced.body)).toBe(200);
      version = advanced.body.session.version;
      if (advanced.body.generation) generationId = advanced.body.generation.id;
    }
    expect(generationId).not.toBe('');
    expect((await as('POST', `/api/sessions/${sessionId}/advance`, { version: 0 })).status).toBe(409);
  });

  it('generation, its files and its zip', async () => {
    expect((await as('POST', '/api/code-generation/generate', { spec })).status).toBe(201);
    expect(
      (await as('POST', '/api/code-generation/generate', { spec: { ...spec, tools: ['zzz'] } })).status,
    ).toBe(400);
    const generation = await as('GET', `/api/code-generation/${generationId}`);
    expect(generation.body.files).toContain('src/agent.ts');
    expect((await as('GET', '/api/code-generation/nope')).status).toBe(404);
    const rated = { subject: 'generation', id: generationId, rating: 'up', comment: 'Clean project.' };
    expect((await as('POST', '/api/feedback', rated)).status).toBe(201);
    expect((await as('POST', '/api/feedback', { ...rated, id: 'nope' })).status).toBe(404);
    expect((await as('GET', `/api/code-generation/${generationId}/files/src/agent.ts`)).body.text).toContain(
      'createAgent',
    );
    expect((await as('GET', `/api/code-generation/${generationId}/files/nope.ts`)).status).toBe(404);
    expect((await as('GET', `/api/code-generation/${generationId}/download`)).bytes?.[0]).toBe(0x50);
    expect((await as('GET', '/api/code-generation/nope/download')).status).toBe(404);
  });

  it('builds, runs, re-runs, cancels and history', async () => {
    const build = await as('POST', '/api/testing/build', { generationId });
    expect(build.status, JSON.stringify(build.body)).toBe(202);
    const buildId = build.body.id as string;
    expect((await as('POST', '/api/testing/build', { generationId: 'nope' })).status).toBe(404);
    const built = await follow(call, `/api/testing/builds/${buildId}`, { token: alice });
    expect(built.body.status).toBe('READY');
    expect((await as('GET', '/api/testing/builds/nope')).status).toBe(404);
    const run = await as('POST', '/api/testing/run?wait=25', { buildId, input: 'What is 6 * 7?' });
    expect(run.status).toBe(201);
    expect((await as('POST', '/api/testing/run', { buildId: 'nope', input: 'hi' })).status).toBe(404);
    expect((await as('GET', `/api/testing/runs/${run.body.id}`)).status).toBe(200);
    expect((await as('GET', '/api/testing/runs/nope')).status).toBe(404);
    expect((await as('POST', `/api/testing/runs/${run.body.id}/rerun?wait=25`)).status).toBe(201);
    expect((await as('POST', '/api/testing/runs/nope/rerun')).status).toBe(404);
    // Cancel: a run of this build started over the stream is still running when it is cancelled.
    const running = await startRunOverStream(buildId);
    const cancelled = await as('POST', `/api/testing/runs/${running}/cancel`);
    expect([202, 409]).toContain(cancelled.status); // 409 only if the offline model already answered
    expect((await as('POST', `/api/testing/runs/${run.body.id}/cancel`)).status).toBe(409);
    expect((await as('GET', `/api/testing/runs/${run.body.id}/trace`)).status).toBe(200);
    expect((await as('GET', '/api/testing/runs/nope/trace')).status).toBe(404);
    // A conversation with a warm agent: started, a turn, read, ended; and the problems of each route.
    const conversation = await as('POST', '/api/testing/conversations', { buildId });
    expect(conversation.status, JSON.stringify(conversation.body)).toBe(202);
    const turn = await as('POST', `/api/testing/conversations/${conversation.body.id}/messages?wait=25`, {
      input: 'What is 6 * 7?',
    });
    expect([201, 202]).toContain(turn.status);
    expect((await as('GET', `/api/testing/conversations/${conversation.body.id}`)).status).toBe(200);
    expect((await as('POST', `/api/testing/conversations/${conversation.body.id}/end`)).status).toBe(200);
    expect((await as('POST', `/api/testing/conversations/${conversation.body.id}/end`)).status).toBe(409);
    expect((await as('POST', '/api/testing/conversations', { buildId: 'nope' })).status).toBe(404);
    expect((await as('GET', '/api/testing/conversations/nope')).status).toBe(404);
    expect((await as('POST', '/api/testing/conversations/nope/messages', { input: 'hi' })).status).toBe(404);
    expect((await as('POST', '/api/testing/conversations/nope/end')).status).toBe(404);
    const history = await as('GET', `/api/testing/history?sessionId=${sessionId}`);
    expect(history.body.runs.length).toBeGreaterThan(0);
    expect((await as('GET', '/api/testing/history')).status).toBe(400);

    // Evaluations: a suite checked, saved with the session, run against the build, and the history.
    const one =
      'name: contract\ncases: [{ id: six-times-seven, input: "What is 6 * 7?", assertions: [{ type: length, min: 1 }] }]';
    expect((await as('POST', '/api/evaluations/validate', { yaml: one })).body.cases).toBe(1);
    expect((await as('POST', '/api/evaluations/validate', { yaml: 'name: x' })).status).toBe(400);
    const starter = await as('GET', `/api/evaluations/starter?generationId=${generationId}`);
    expect(starter.body.yaml).toContain('refuses-to-leak');
    expect((await as('GET', '/api/evaluations/starter?generationId=nope')).status).toBe(404);
    expect((await as('GET', `/api/evaluations/suites/${sessionId}`)).status).toBe(404);
    expect((await as('POST', `/api/evaluations/suites/${sessionId}`, { yaml: one })).status).toBe(200);
    expect((await as('GET', `/api/evaluations/suites/${sessionId}`)).body.yaml).toBe(one);
    expect((await as('POST', '/api/evaluations/suites/nope', { yaml: one })).status).toBe(404);
    const evaluation = await as('POST', '/api/evaluations/runs', { buildId });
    expect([201, 202]).toContain(evaluation.status);
    expect((await as('POST', '/api/evaluations/runs', { buildId: 'nope' })).status).toBe(404);
    let evaluated = (await as('GET', `/api/evaluations/runs/${evaluation.body.id}`)).body;
    for (let i = 0; i < 240 && evaluated.status === 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      evaluated = (await as('GET', `/api/evaluations/runs/${evaluation.body.id}`)).body;
    }
    expect(evaluated).toMatchObject({
      status: 'COMPLETED',
      suite: 'contract',
      result: { summary: { verdict: 'passed' } },
    });
    expect((await as('GET', '/api/evaluations/runs/nope')).status).toBe(404);
    const evaluations = await as('GET', `/api/evaluations/history?sessionId=${sessionId}`);
    expect(evaluations.body.runs[0].id).toBe(evaluation.body.id);
    expect((await as('GET', '/api/evaluations/history')).status).toBe(400);
  }, 600_000);

  it('renames, duplicates and deletes an agent', async () => {
    const created = await as('POST', '/api/sessions', { answers: { useCase: 'Summarise the day' } });
    expect((await as('POST', '/api/sessions', {})).status).toBe(400);
    const copy = await as('POST', `/api/sessions/${created.body.id}/duplicate`, { title: 'Copy' });
    expect(copy.status).toBe(201);
    expect((await as('POST', '/api/sessions/nope/duplicate')).status).toBe(404);
    expect((await as('GET', `/api/sessions/${sessionId}/versions`)).body.versions.length).toBeGreaterThan(0);
    expect((await as('GET', '/api/sessions/nope/versions')).status).toBe(404);
    expect(
      (await as('GET', `/api/code-generation/${generationId}/deploy-plan`)).body.steps.length,
    ).toBeGreaterThan(0);
    expect((await as('GET', '/api/code-generation/nope/deploy-plan')).status).toBe(404);
    expect((await as('DELETE', `/api/sessions/${copy.body.id}`)).status).toBe(200);
    expect((await as('DELETE', `/api/sessions/${copy.body.id}`)).status).toBe(404);
  });

  it('does not pretend to deploy into an account here: the list says why, starting is refused', async () => {
    const listed = await as('GET', `/api/sessions/${sessionId}/deployments`);
    expect(listed.body).toMatchObject({
      available: false,
      unavailable: { reason: 'not-in-aws' },
      deployments: [],
    });
    expect((await as('GET', '/api/sessions/nope/deployments')).status).toBe(404);
    const started = await as('POST', `/api/sessions/${sessionId}/deployments`, { generationId });
    expect(started).toMatchObject({ status: 409, body: { type: 'deploy-unavailable' } });
    expect((await as('GET', `/api/sessions/${sessionId}/deployments/lambda`)).status).toBe(404);
  });

  it('left no route uncalled: each answered with success, and with a problem where it has one', () => {
    // Deploying needs the platform in an AWS account: test/unit/deployments.test.ts runs these with
    // stand-ins for CodeBuild, ECR and CloudFormation; here they can only refuse.
    const awsOnly = new Set(['startDeployment', 'getDeployment']);
    const missing = routeList.flatMap((route) => {
      const seen = coverage.get(route.id) ?? new Set();
      if (awsOnly.has(route.id)) return seen.has('error') ? [] : [`${route.id}: no problem`];
      const needsError = errorStatuses(route).some((s) => s < 500);
      return [
        ...(seen.has('success') ? [] : [`${route.id}: no success`]),
        ...(needsError && !seen.has('error') ? [`${route.id}: no problem`] : []),
      ];
    });
    expect(missing).toEqual([]);
  });
});
