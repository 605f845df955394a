import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EgressProxy, startEgressProxy } from './egress-proxy.ts';
import type {
  ModelInfo,
  RunEvent,
  RunEventBody,
  RunJob,
  RunMetrics,
  RunResult,
  RunStatus,
  ToolCallRecord,
  TraceSpan,
} from './events.ts';
import { type ModelBackend, type RunningGateway, startModelGateway } from './model-gateway.ts';
import { Child, killChildrenOnExit, type StopReason } from './process.ts';
import { dangerousToolsIn, detectIsolation, type Isolation, sandboxCommand, userCommand } from './sandbox.ts';
import { sseData } from './sse.ts';
import {
  build,
  detectLanguage,
  detectProvider,
  installNpm,
  installPython,
  type Language,
  projectAllowedHosts,
  projectRegion,
  projectToolIds,
  type RemoteCache,
  StepError,
  unpack,
} from './workspace.ts';

export interface HarnessDeps {
  /** The project zip of a job (from S3, or a local file). */
  fetchProject(project: RunJob['project']): Promise<Uint8Array>;
  /** Where installed dependencies and finished builds are kept between runs. */
  cacheDir: string;
  /** Dependencies shared between runners whose disks start empty (Fargate). */
  remoteCache?: RemoteCache;
  /** The model behind the gateway the agent talks to. */
  backend: ModelBackend;
  emit(event: RunEvent): void | Promise<void>;
  /** Environment for npm/pip/tsc: the harness's own, already scrubbed of secrets. */
  toolEnv: Record<string, string>;
  /** OLLAMA_HOST for Ollama-model agents, when an OpenAI-compatible endpoint is configured. */
  ollamaHost?: string;
  /** How agents are isolated. @default what this machine allows (runner/sandbox.ts) */
  isolation?: Isolation;
  /**
   * `serve` jobs (a conversation): its turns, one at a time, until the conversation ends (the source
   * ends: idle, ended by the builder) or `stop` aborts (a limit, cancellation, shutdown).
   */
  turns?: (stop: AbortSignal) => AsyncIterable<Turn>;
  /** `serve` jobs: each turn's result, when it has ended (the events came through `emit`). */
  onTurn?: (result: RunResult) => Promise<void>;
}

/** One turn of a conversation: the run it is recorded as, its input, and its own cancellation. */
export interface Turn {
  runId: string;
  input: string;
  /** When the builder asked (ISO): time to first token is measured from here. */
  requestedAt?: string;
  /**
   * The turn's own runtime session id, when one agent serves several conversations (an evaluation's
   * case runs, each its own session); by default the job's.
   */
  runtimeSessionId?: string;
  signal: AbortSignal;
}

/** The gateway's port inside a sandbox (its own loopback). */
const SANDBOX_GATEWAY_PORT = 4000;
/** The egress proxy's port inside a sandbox. */
const SANDBOX_EGRESS_PORT = 3128;

/** A loopback port whose connections go to a Unix socket: the harness's way to a sandboxed agent. */
function forwardToSocket(path: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const target = connect(path);
    sockets.add(socket);
    sockets.add(target);
    socket.pipe(target);
    target.pipe(socket);
    for (const [a, b] of [
      [socket, target],
      [target, socket],
    ] as const) {
      a.once('error', () => b.destroy());
      a.once('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      }),
    );
  });
}

const LOG_TAIL = 200;

/** Why the harness itself ends a run early. */
type HaltReason = Exclude<StopReason, 'finished'>;

/** Environment variables of the harness that never reach npm, pip or the agent. */
export function scrubbedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const secret = /^(AWS_|AMAZON_)|SECRET|TOKEN|PASSWORD|CREDENTIAL|API_KEY|PRIVATE|SESSION/i;
  const platform =
    /^(TABLE_NAME|ARTIFACTS_BUCKET|DYNAMODB_ENDPOINT|S3_ENDPOINT|JWT_SECRET|RUN_JOB|WEBSOCKET_)/;
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !secret.test(entry[0]) && !platform.test(entry[0]),
    ),
  );
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * Runs one job. `build`: fetch the project, install its dependencies (cached), compile it. `run`: the
 * same (reusing a finished build of the same build key), then start the agent server with a scrubbed
 * environment, wait for `GET /ping`, send `POST /invocations` with the input and a 33+ character
 * session id, and stream what comes back. Every process and temporary directory is cleaned up, also
 * when the job fails, times out or is cancelled through `signal`. Never throws: the result says what
 * happened.
 */
export async function runJob(job: RunJob, deps: HarnessDeps, signal: AbortSignal): Promise<RunResult> {
  killChildrenOnExit();
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const model: ModelInfo = deps.backend.info;
  let seq = 0;
  let outputBytes = 0;
  const logs: string[] = [];
  const toolCalls: ToolCallRecord[] = [];
  let output = '';
  let language: Language | undefined;
  let installMs = 0;
  let buildMs = 0;
  let firstTokenAt: number | undefined;
  let invokedAt: number | undefined;
  let usage = { inputTokens: 0, outputTokens: 0 };
  /** When each tool call of the current run was reported, and when its result was (epoch ms). */
  const toolTimes = new Map<string, { start: number; end?: number }>();
  let exitCode: number | null = null;
  let agent: Child | undefined;
  /** Where the harness reaches the agent's server (a forwarded port when it is sandboxed). */
  let agentPort = 0;
  /** The run the events and the result are for: the job's, or a conversation's current turn. */
  let currentRunId = job.runId;
  /** When the current turn (or the job) was asked for, by the builder's request (epoch ms). */
  let requestedAt = job.requestedAt ? Date.parse(job.requestedAt) : undefined;
  let agentGone: Promise<void> | undefined;
  let gateway: RunningGateway | undefined;
  let forward: { port: number; close(): Promise<void> } | undefined;
  let egress: EgressProxy | undefined;
  const limits = job.limits;
  const stop = new AbortController(); // the harness's own stop: limits, cancellation
  let stoppedFor: HaltReason | undefined;
  const halt = (reason: HaltReason) => {
    stoppedFor ??= reason;
    stop.abort();
    agent?.stop(reason);
  };
  const onCancel = () => halt('cancelled');
  if (signal.aborted) onCancel();
  signal.addEventListener('abort', onCancel, { once: true });

  const emit = async (body: RunEventBody) => {
    const event = { ...body, runId: currentRunId, seq: seq++, atMs: Date.now() - started, model } as RunEvent;
    if (body.type !== 'result' && body.type !== 'metrics') {
      outputBytes += Buffer.byteLength(JSON.stringify(body));
      if (outputBytes > limits.maxOutputBytes) {
        halt('output_limit');
        return;
      }
    }
    try {
      await deps.emit(event);
    } catch {
      // A sink that fails (a closed WebSocket) must not end the run; the result is still stored.
    }
  };
  const log = (source: 'install' | 'build' | 'agent') => (stream: 'stdout' | 'stderr', line: string) => {
    logs.push(`[${source}] ${line}`);
    if (logs.length > LOG_TAIL) logs.shift();
    void emit({ type: 'log', source, stream, line });
  };

  const runtimeSessionId = job.runtimeSessionId ?? `test-run-${job.runId}-${randomUUID()}`.slice(0, 100);
  /** The session the current invocation is in: the job's, or a turn's own (one agent, several conversations). */
  let sessionId = runtimeSessionId;
  const work = mkdtempSync(join(tmpdir(), 'agent-run-'));
  const buildDir = job.buildKey ? join(deps.cacheDir, 'builds', job.buildKey) : undefined;
  let status: RunStatus = 'succeeded';
  let reason: string | undefined;
  try {
    if (job.mode === 'evaluate')
      throw new StepError(
        'failed',
        'an evaluate job is run by the runner program (runner/main.ts), not by the harness',
      );
    // 1. The project, built: a finished build of this build key, or fetched, installed and compiled now.
    let dir: string;
    let python: string | undefined;
    if (buildDir && existsSync(join(buildDir, '.built'))) {
      dir = buildDir;
      language = detectLanguage(dir);
      await emit({ type: 'status', phase: 'building', message: 'using the finished build' });
      if (language === 'python') python = (await installPython(dir, stepContext('install'))).python;
    } else {
      await emit({ type: 'status', phase: 'fetching', message: 'fetching the generated project' });
      const zip = await deps.fetchProject(job.project);
      dir = join(work, 'project');
      mkdirSync(dir);
      unpack(zip, dir);
      language = detectLanguage(dir);
      await emit({ type: 'status', phase: 'installing', message: `installing ${language} dependencies` });
      const installStart = Date.now();
      if (language === 'typescript') {
        const source = await installNpm(dir, stepContext('install'));
        log('install')(
          'stdout',
          `dependencies: from the ${source === 'npm install' ? 'registry (npm install)' : source}`,
        );
      } else {
        const installed = await installPython(dir, stepContext('install'));
        python = installed.python;
        log('install')(
          'stdout',
          `dependencies: from the ${installed.hit ? 'cache' : 'registry (pip install)'}`,
        );
      }
      installMs = Date.now() - installStart;
      await emit({
        type: 'status',
        phase: 'building',
        message: language === 'typescript' ? 'tsc -p tsconfig.build.json' : 'python -m compileall app',
      });
      const buildStart = Date.now();
      await build(dir, language, {
        ...stepContext('build'),
        node: process.execPath,
        ...(python ? { python } : {}),
      });
      buildMs = Date.now() - buildStart;
      if (buildDir) {
        // Keep the finished build for this build key's runs.
        const tmp = `${buildDir}.tmp-${randomUUID()}`;
        mkdirSync(dirname(buildDir), { recursive: true });
        cpSync(dir, tmp, { recursive: true, verbatimSymlinks: true });
        writeFileSync(join(tmp, '.built'), new Date().toISOString());
        rmSync(buildDir, { recursive: true, force: true });
        renameSync(tmp, buildDir);
      }
    }
    if (job.mode === 'build') return await finish();

    // 2. The agent, started with nothing of the platform's environment.
    const provider = detectProvider(dir);
    if (provider !== 'bedrock' && !(provider === 'ollama' && deps.ollamaHost)) {
      throw new StepError(
        'failed',
        provider === 'ollama'
          ? 'this agent uses an Ollama model: configure an OpenAI-compatible endpoint for test runs (OPENAI_COMPATIBLE_BASE_URL and OPENAI_COMPATIBLE_MODEL), or choose a Bedrock model'
          : `this agent calls the ${provider === 'openai' ? 'OpenAI' : 'Claude'} API directly, which needs your API key; test runs answer through the platform's model (Bedrock or the offline model): choose a Bedrock model to test-run it here, or run the project yourself with your key`,
      );
    }
    const isolation = deps.isolation ?? detectIsolation();
    const tools = projectToolIds(dir);
    if (isolation.kind !== 'bubblewrap') {
      const dangerous = dangerousToolsIn(tools);
      if (dangerous.length > 0)
        throw new StepError(
          'failed',
          `this agent's tools ${dangerous.join(', ')} act on the machine, and test runs here cannot be fully isolated (${isolation.reason}); such tools run only in a bubblewrap sandbox: install bubblewrap (Debian package bubblewrap) where user namespaces are allowed`,
        );
    }
    const sandboxed = isolation.kind === 'bubblewrap';
    const ownUser = isolation.kind === 'user';
    const runDir = join(work, 'run');
    mkdirSync(runDir, { recursive: true });
    // The agent's own user must pass through (not list) the run's directory to its project and
    // workspace, and the cache to its dependencies: the sandbox is set up as that user.
    if (sandboxed || ownUser) {
      chmodSync(work, 0o711);
      chmodSync(deps.cacheDir, statSync(deps.cacheDir).mode | 0o111);
    }
    const gatewaySocket = join(runDir, 'gateway.sock');
    gateway = await startModelGateway(deps.backend, 0, sandboxed ? gatewaySocket : undefined);
    // Hosts the spec lets the agent call (http_request's allowedDomains): through the egress proxy only.
    const allowedHosts = sandboxed ? projectAllowedHosts(dir) : [];
    const egressSocket = join(runDir, 'egress.sock');
    if (allowedHosts.length > 0) egress = await startEgressProxy(egressSocket, allowedHosts);
    // Inside the sandbox the ports are its own (loopback of its network namespace): fixed ones do.
    const port = sandboxed ? 8080 : await freePort();
    const gatewayUrl = sandboxed ? `http://127.0.0.1:${SANDBOX_GATEWAY_PORT}` : gateway.url;
    const home = join(work, 'home');
    mkdirSync(home, { recursive: true });
    const env: Record<string, string> = {
      ...job.env,
      PATH: `${dirname(realpathSync(process.execPath))}:/usr/local/bin:/usr/bin:/bin`,
      HOME: sandboxed || ownUser ? join(runDir, 'workspace') : home,
      TMPDIR: sandboxed ? '/tmp' : ownUser ? join(runDir, 'workspace') : home,
      LANG: 'C.UTF-8',
      NODE_ENV: 'production',
      PYTHONUNBUFFERED: '1',
      PORT: String(port),
      LOG_LEVEL: 'INFO',
      AWS_REGION: projectRegion(dir),
      // The agent's only model endpoint is the gateway; the placeholder keys sign requests the gateway
      // does not check, so the SDK never looks for (and never finds) real credentials.
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: gatewayUrl,
      AWS_ACCESS_KEY_ID: 'test-run-no-credentials',
      AWS_SECRET_ACCESS_KEY: 'test-run-no-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...(provider === 'ollama' && deps.ollamaHost ? { OLLAMA_HOST: deps.ollamaHost } : {}),
      ...(language === 'typescript' ? { NODE_OPTIONS: `--max-old-space-size=${limits.memoryMb}` } : {}),
      ...(egress
        ? {
            HTTPS_PROXY: `http://127.0.0.1:${SANDBOX_EGRESS_PORT}`,
            https_proxy: `http://127.0.0.1:${SANDBOX_EGRESS_PORT}`,
            // Plain HTTP goes to the proxy too, which refuses it: nothing leaves unencrypted or unchecked.
            HTTP_PROXY: `http://127.0.0.1:${SANDBOX_EGRESS_PORT}`,
            http_proxy: `http://127.0.0.1:${SANDBOX_EGRESS_PORT}`,
            NO_PROXY: '127.0.0.1,localhost',
            no_proxy: '127.0.0.1,localhost',
            // Node's fetch goes through HTTPS_PROXY only when told to (Node 22.21+).
            NODE_USE_ENV_PROXY: '1',
          }
        : {}),
      ...(language === 'python' && (sandboxed || ownUser)
        ? { PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1' }
        : {}),
    };
    // What the agent's process tree may use, whichever way it is isolated.
    const processLimits = {
      memoryMb: limits.memoryMb,
      cpuSeconds: limits.cpuSeconds,
      maxProcesses: limits.maxProcesses,
      maxOpenFiles: limits.maxOpenFiles,
      maxFileMb: 256,
    };
    const [command, args] =
      language === 'typescript'
        ? [realpathSync(process.execPath), [join(dir, 'dist', 'index.js')]]
        : [python ?? 'python3', ['-m', 'app.main']];
    agentPort = port;
    await emit({
      type: 'status',
      phase: 'starting',
      message:
        isolation.kind === 'none'
          ? `starting the agent on port ${port} without isolation (${isolation.reason})`
          : `starting the agent in a sandbox (${isolation.detail})`,
    });
    const timer = setTimeout(() => halt('timeout'), limits.timeoutMs);
    try {
      if (sandboxed) {
        const sandbox = sandboxCommand({
          command,
          args,
          env,
          // The project, and its dependencies where they are kept (node_modules links into the cache).
          readOnly: [dir, join(dir, 'node_modules'), ...(python ? [dirname(dirname(python))] : [])],
          hide: [deps.cacheDir],
          runDir,
          gatewaySocket,
          gatewayPort: SANDBOX_GATEWAY_PORT,
          agentPort: port,
          ...(egress ? { egress: { socket: egressSocket, port: SANDBOX_EGRESS_PORT } } : {}),
          limits: processLimits,
        });
        forward = await forwardToSocket(sandbox.agentSocket);
        agentPort = forward.port;
        agent = new Child(sandbox.command, sandbox.args, { ...sandbox.options, onLine: log('agent') });
      } else if (ownUser) {
        const own = userCommand({
          command,
          args,
          env,
          runDir,
          limits: processLimits,
        });
        agent = new Child(own.command, own.args, { ...own.options, onLine: log('agent') });
      } else {
        agent = new Child(command, args, {
          cwd: dir,
          env,
          onLine: log('agent'),
          memoryMb: limits.memoryMb,
          cpuSeconds: limits.cpuSeconds,
        });
      }
      const running = agent;
      agentGone = running.exited.then(async (exit) => {
        exitCode = exit.code;
        await sleep(50); // its last lines
        // Over the heap limit the runtime itself stops the agent before the RSS watch does.
        const outOfMemory = logs
          .slice(-20)
          .some((l) => /heap out of memory|Reached heap limit|MemoryError/.test(l));
        if (exit.stoppedFor === 'memory_limit' || outOfMemory) halt('memory_limit');
        else if (exit.stoppedFor === 'cpu_limit') halt('cpu_limit');
      });
      await waitHealthy(agentPort, running, stop.signal, () =>
        logs.filter((l) => l.startsWith('[agent]')).slice(-8),
      );

      if (job.mode === 'serve') {
        // A conversation's agent lives on between turns (until its turns end: idle, ended, shut
        // down); each turn has the run's time limit of its own.
        clearTimeout(timer);
        await serve();
        // The conversation's own end: cancelled or a limit when it was stopped, else its turns ended.
        currentRunId = job.runId;
        sessionId = runtimeSessionId;
        status = 'succeeded';
        reason = undefined;
        output = '';
        toolCalls.length = 0;
        return await finish();
      }
      // 3. One invocation, streamed.
      await invoke(job.input);
    } finally {
      clearTimeout(timer);
    }
    return await finish();
  } catch (error) {
    // When the agent died, why it died (a limit) decides the status: let its exit be read first.
    if (agentGone) await Promise.race([agentGone, sleep(1_000)]);
    const limit = agent?.stopped;
    if (limit === 'memory_limit' || limit === 'cpu_limit') halt(limit);
    if (stoppedFor) {
      status = stoppedFor;
      reason = stopReason(stoppedFor);
    } else if (error instanceof StepError) {
      status = error.status;
      reason = error.message;
    } else {
      status = 'failed';
      reason = `the run failed: ${error instanceof Error ? error.message : String(error)}`;
      if (agent && exitCode !== null) reason += ` (the agent exited with code ${exitCode}; see its logs)`;
    }
    return await finish();
  } finally {
    signal.removeEventListener('abort', onCancel);
    if (agent) {
      agent.stop('finished', 1_000);
      await agent.exited;
    }
    await forward?.close();
    await egress?.close();
    await gateway?.close();
    rmSync(work, { recursive: true, force: true });
  }

  /**
   * A conversation: each turn the source yields is one invocation of the running agent with the same
   * runtime session id (so the agent keeps its conversation), reported as a run of its own. A turn
   * that fails or is cancelled ends only itself; a limit the agent breaks ends the conversation.
   */
  async function serve(): Promise<void> {
    for await (const turn of deps.turns?.(stop.signal) ?? []) {
      currentRunId = turn.runId;
      sessionId = turn.runtimeSessionId ?? runtimeSessionId;
      requestedAt = turn.requestedAt ? Date.parse(turn.requestedAt) : undefined;
      output = '';
      toolCalls.length = 0;
      firstTokenAt = undefined;
      usage = { inputTokens: 0, outputTokens: 0 };
      toolTimes.clear();
      status = 'succeeded';
      reason = undefined;
      const turnStarted = Date.now();
      const meteredBefore = { ...(gateway?.usage ?? { calls: 0, inputTokens: 0, outputTokens: 0 }) };
      const timer = setTimeout(() => halt('timeout'), limits.timeoutMs);
      try {
        await invoke(turn.input, turn.signal);
      } catch (error) {
        if (stoppedFor) {
          status = stoppedFor;
          reason = stopReason(stoppedFor);
        } else if (turn.signal.aborted) {
          status = 'cancelled';
          reason = 'the turn was cancelled';
        } else {
          status = error instanceof StepError ? error.status : 'failed';
          reason = error instanceof Error ? error.message : String(error);
        }
      } finally {
        clearTimeout(timer);
      }
      const result = await finish({ startedAt: turnStarted, meteredBefore, input: turn.input });
      await deps.onTurn?.(result);
      if (stoppedFor) return;
    }
  }

  /** 3. One invocation of the running agent, streamed (a conversation sends one per turn). */
  async function invoke(input: string, turnSignal?: AbortSignal): Promise<void> {
    await emit({ type: 'status', phase: 'invoking', message: 'POST /invocations' });
    invokedAt = Date.now();
    const signal = turnSignal ? AbortSignal.any([stop.signal, turnSignal]) : stop.signal;
    const post = () =>
      fetch(`http://127.0.0.1:${agentPort}/invocations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'x-amzn-bedrock-agentcore-runtime-session-id': sessionId,
        },
        body: JSON.stringify({ prompt: input }),
        signal,
      });
    let response = await post();
    // A conversation's agent may still be finishing a turn that was cancelled (its client went, its
    // model call had not): the session is busy for a moment, and the next turn waits for it.
    while (response.status === 409 && !signal.aborted) {
      const body = await response.text();
      if (!body.includes('session_busy')) {
        throw new StepError('failed', `the agent answered 409: ${body.slice(0, 1000)}`);
      }
      await sleep(200, undefined, { signal }).catch(() => undefined);
      response = await post();
    }
    if (!response.ok || !response.body) {
      const body = await response.text();
      throw new StepError('failed', `the agent answered ${response.status}: ${body.slice(0, 1000)}`);
    }
    let done = false;
    for await (const data of sseData(response.body)) {
      const event = JSON.parse(data) as {
        type: string;
        text?: string;
        name?: string;
        toolUseId?: string;
        input?: unknown;
        status?: string;
        message?: string;
        usage?: { inputTokens?: number; outputTokens?: number };
      };
      if (event.type === 'text' && event.text !== undefined) {
        firstTokenAt ??= Date.now();
        output += event.text;
        await emit({ type: 'text', text: event.text });
      } else if (event.type === 'tool_call') {
        firstTokenAt ??= Date.now();
        const call = { toolUseId: event.toolUseId ?? '', name: event.name ?? '', input: event.input };
        toolCalls.push(call);
        toolTimes.set(call.toolUseId, { start: Date.now() });
        await emit({ type: 'tool_call', ...call });
      } else if (event.type === 'tool_result') {
        const call = toolCalls.find((c) => c.toolUseId === event.toolUseId);
        if (call) call.status = event.status ?? 'success';
        const times = toolTimes.get(event.toolUseId ?? '');
        if (times) times.end = Date.now();
        await emit({
          type: 'tool_result',
          toolUseId: event.toolUseId ?? '',
          status: event.status ?? 'success',
        });
      } else if (event.type === 'done') {
        done = true;
        usage = {
          inputTokens: event.usage?.inputTokens ?? 0,
          outputTokens: event.usage?.outputTokens ?? 0,
        };
      } else if (event.type === 'error') {
        throw new StepError('failed', `the agent reported an error: ${event.message ?? 'no message'}`);
      }
    }
    if (!done) throw new StepError('failed', 'the agent closed the stream before it finished its answer');
  }

  function stepContext(source: 'install' | 'build') {
    return {
      cacheDir: deps.cacheDir,
      ...(deps.remoteCache ? { remoteCache: deps.remoteCache } : {}),
      env: deps.toolEnv,
      timeoutMs: limits.buildTimeoutMs,
      signal: stop.signal,
      onLine: log(source),
    };
  }

  function stopReason(s: HaltReason): string {
    switch (s) {
      case 'timeout':
        return `the agent did not finish within ${Math.round(limits.timeoutMs / 1000)} s and was stopped`;
      case 'memory_limit':
        return `the agent used more than ${limits.memoryMb} MiB of memory and was stopped`;
      case 'cpu_limit':
        return `the agent used more than ${limits.cpuSeconds} s of CPU time and was stopped`;
      case 'output_limit':
        return `the run produced more than ${limits.maxOutputBytes} bytes of output and was stopped`;
      default:
        return 'the run was cancelled';
    }
  }

  /**
   * The result of the job, or of one turn of a conversation (`turn`: when it started, the gateway's
   * count before it, its input).
   */
  async function finish(turn?: {
    startedAt: number;
    meteredBefore: { calls: number; inputTokens: number; outputTokens: number };
    input: string;
  }): Promise<RunResult> {
    if (stoppedFor && status === 'succeeded') {
      status = stoppedFor;
      reason = stopReason(stoppedFor);
    }
    const finished = Date.now();
    const total = gateway?.usage;
    const before = turn?.meteredBefore ?? { calls: 0, inputTokens: 0, outputTokens: 0 };
    const metered = total && {
      calls: total.calls - before.calls,
      inputTokens: total.inputTokens - before.inputTokens,
      outputTokens: total.outputTokens - before.outputTokens,
    };
    const metrics: RunMetrics = {
      totalLatencyMs: finished - (turn?.startedAt ?? started),
      timeToFirstTokenMs:
        firstTokenAt !== undefined && invokedAt !== undefined ? firstTokenAt - invokedAt : null,
      // From the builder's request (its receipt by the platform) to the first token: what they wait.
      ...(firstTokenAt !== undefined && requestedAt !== undefined
        ? { requestToFirstTokenMs: Math.max(0, firstTokenAt - requestedAt) }
        : {}),
      installMs: turn ? 0 : installMs,
      buildMs: turn ? 0 : buildMs,
      // The gateway's count is the model's own; the agent's report stands in when no call reached it.
      inputTokens: metered && metered.calls > 0 ? metered.inputTokens : usage.inputTokens,
      outputTokens: metered && metered.calls > 0 ? metered.outputTokens : usage.outputTokens,
      toolCalls: toolCalls.length,
      exitCode,
      status,
    };
    const origin = turn?.startedAt ?? started;
    const trace: TraceSpan[] = [
      ...(total?.spans.slice(before.calls) ?? []).map(
        (s): TraceSpan => ({
          kind: 'model',
          name: s.modelId,
          startMs: s.startedAt - origin,
          durationMs: s.latencyMs,
          inputTokens: s.inputTokens,
          outputTokens: s.outputTokens,
          ...(s.stopReason ? { stopReason: s.stopReason } : {}),
          ...(s.error ? { error: s.error } : {}),
        }),
      ),
      ...toolCalls.map((c): TraceSpan => {
        const times = toolTimes.get(c.toolUseId);
        const bytes = total?.toolResultBytes.get(c.toolUseId);
        return {
          kind: 'tool',
          name: c.name,
          toolUseId: c.toolUseId,
          startMs: (times?.start ?? finished) - origin,
          durationMs: times?.end !== undefined ? times.end - times.start : null,
          ...(c.input !== undefined ? { input: c.input } : {}),
          ...(bytes !== undefined ? { resultBytes: bytes } : {}),
          ...(c.status ? { status: c.status } : {}),
          ...(c.status === 'error' ? { error: 'the tool reported an error' } : {}),
        };
      }),
    ].sort((a, b) => a.startMs - b.startMs);
    const result: RunResult = {
      runId: currentRunId,
      mode: turn ? 'run' : job.mode,
      status,
      ...(reason ? { reason } : {}),
      ...(language ? { language } : {}),
      input: turn?.input ?? job.input,
      ...(job.mode !== 'build' ? { runtimeSessionId: sessionId } : {}),
      output,
      toolCalls: toolCalls.map((c) => ({ ...c })),
      ...(job.mode !== 'build' ? { trace } : {}),
      logs: [...logs],
      metrics,
      model,
      startedAt: turn ? new Date(turn.startedAt).toISOString() : startedAt,
      finishedAt: new Date(finished).toISOString(),
    };
    await emit({ type: 'metrics', metrics });
    await emit({ type: 'result', result });
    return result;
  }
}

/** Polls `GET /ping` until the agent says Healthy; fails when it exits first or the run is stopped. */
async function waitHealthy(
  port: number,
  agent: Child,
  signal: AbortSignal,
  lastLines: () => string[],
): Promise<void> {
  let exited = false;
  void agent.exited.then(() => {
    exited = true;
  });
  while (!signal.aborted) {
    if (exited) {
      const exit = await agent.exited;
      await sleep(50); // let the last lines of its output arrive
      throw new StepError(
        'failed',
        `the agent exited before it was healthy (exit code ${exit.code ?? exit.signal}):\n${lastLines().join('\n') || 'it printed nothing'}`,
      );
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1_000) });
      const body = (await response.json()) as { status?: string };
      if (body.status === 'Healthy' || body.status === 'HealthyBusy') return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new StepError('cancelled', 'stopped before the agent was healthy');
}
