import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { platformConfig } from '../../lambdas/core/config.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import { zipProject } from '../../lambdas/generate/zip.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { priceOf } from '../../lambdas/testing/run-cost.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { chooseBackend } from '../../runner/backends.ts';
import type { RunEvent, RunResult } from '../../runner/events.ts';
import { runJob, scrubbedEnv, type Turn } from '../../runner/harness.ts';
import type { Output } from './format.ts';
import { readSpec } from './generate.ts';

/** The messages of a chat: `--input` once, or each line typed (until EOF or /exit). */
async function* messages(
  input: string | undefined,
  stdin: NodeJS.ReadableStream,
  prompt: () => void,
): AsyncGenerator<string> {
  if (input !== undefined) {
    yield input;
    return;
  }
  const lines = createInterface({ input: stdin, terminal: false });
  prompt();
  for await (const line of lines) {
    const text = line.trim();
    if (text === '/exit') break;
    if (text) yield text;
    else prompt();
  }
  lines.close();
}

/**
 * `agent-builder test --spec FILE`: generates the spec's project, builds it with the runner's harness
 * (the same install, compile, sandbox and model gateway as the platform's test runs; the build is
 * kept by the project's content hash, so an unchanged spec is not built again), starts its agent once
 * and chats with it: each line typed is a turn with the same runtime session id, answered as it
 * streams. `--input TEXT` asks once and exits.
 */
export function testCommand(
  io: Output,
  setExit: (code: number) => void,
  stdin: NodeJS.ReadableStream = process.stdin,
): Command {
  return new Command('test')
    .description(
      "Build an AgentSpec's project and chat with its agent in the terminal (--input for one answer)",
    )
    .requiredOption('--spec <file>', 'the AgentSpec file (YAML or JSON)')
    .option('--input <text>', 'one message: print the answer and exit')
    .action(async (opts: { spec: string; input?: string }) => {
      if (opts.input !== undefined && !opts.input.trim())
        throw new ValidationError('--input is empty; give the agent something to answer');
      const spec = readSpec(opts.spec);
      const models = loadModelRegistry();
      const project = await generateAgentProject(spec, { models, tools: loadToolRegistry() });
      const zip = zipProject(project.metadata.name, project.files);
      const digest = createHash('sha256').update(zip).digest('hex').slice(0, 24);
      const work = mkdtempSync(join(tmpdir(), 'agent-builder-test-'));
      const zipPath = join(work, 'project.zip');
      writeFileSync(zipPath, zip);
      const config = platformConfig();
      const backend = chooseBackend(config);
      const modelId = /^MODEL_ID=(.+)$/m.exec(project.files['.env.example'] ?? '')?.[1]?.trim();
      io.err(`${project.metadata.name}: ${project.metadata.language}, answered by the ${backend.info.label}`);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      let turn = 0;
      let failed = false;
      const prompt = () => {
        if (opts.input === undefined) io.err('you> (a message, or /exit)');
      };
      const text: string[] = [];
      try {
        const result = await runJob(
          {
            mode: 'serve',
            runId: `cli-${digest}`,
            project: { zipPath },
            // Content-addressed: the same project is built once and reused.
            buildKey: `cli-${digest}`,
            input: '',
            env: {},
            limits: {
              timeoutMs: 120_000,
              buildTimeoutMs: 900_000,
              memoryMb: 1_024,
              maxOutputBytes: 16_777_216,
              cpuSeconds: 3_600,
              maxProcesses: 256,
              maxOpenFiles: 1_024,
            },
            idleTimeoutMs: 3_600_000,
          },
          {
            cacheDir: resolve(config.RUNNER_CACHE_DIR),
            backend,
            toolEnv: scrubbedEnv(process.env),
            fetchProject: async () => readFileSync(zipPath),
            emit: (event: RunEvent) => {
              if (event.type === 'status') io.err(`… ${event.message}`);
              else if (event.type === 'text') text.push(event.text);
              else if (event.type === 'tool_call')
                io.err(`→ ${event.name}(${JSON.stringify(event.input ?? {})})`);
              else if (event.type === 'tool_result') io.err(`← ${event.status}`);
            },
            turns: (stop: AbortSignal) =>
              (async function* (): AsyncGenerator<Turn> {
                for await (const input of messages(opts.input, stdin, prompt)) {
                  if (stop.aborted) return;
                  turn += 1;
                  yield {
                    runId: `cli-turn-${turn}`,
                    input,
                    requestedAt: new Date().toISOString(),
                    signal: abort.signal,
                  };
                }
              })(),
            onTurn: async (answer: RunResult) => {
              io.out(`agent> ${text.join('') || answer.output}`);
              text.length = 0;
              const cost = priceOf({ modelId, metrics: answer.metrics, model: answer.model });
              const ttft = answer.metrics.requestToFirstTokenMs ?? answer.metrics.timeToFirstTokenMs;
              io.err(
                `(${answer.status}${answer.reason ? `: ${answer.reason}` : ''} · ${answer.metrics.totalLatencyMs} ms · first token ${ttft ?? '—'} ms · ${answer.metrics.inputTokens}/${answer.metrics.outputTokens} tokens${cost ? ` · ${cost.hypothetical ? 'would cost' : 'cost'} $${cost.usd} on ${cost.modelName}` : ''})`,
              );
              if (answer.status !== 'succeeded') failed = true;
              prompt();
            },
          },
          abort.signal,
        );
        if (result.status !== 'succeeded' && result.status !== 'cancelled') {
          io.err(`the test run ended: ${result.status}${result.reason ? `: ${result.reason}` : ''}`);
          failed = true;
        }
      } finally {
        process.off('SIGINT', onSignal);
        rmSync(work, { recursive: true, force: true });
      }
      if (failed) setExit(1);
    });
}
