import { setupTracer } from '@strands-agents/sdk/telemetry';
import { createAgent } from './agent.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createServer } from './server.js';
import { createSessionStorage } from './sessions.js';
import { closeTools, createTools } from './tools/index.js';

const config = await loadConfig();
const logger = createLogger(config.LOG_LEVEL);

// Traces go to an OpenTelemetry collector when configured. Under ADOT (the AgentCore image starts
// node with its register module) the tracer provider is already set up and Strands' spans use it.
const underAdot = process.execArgv.some((arg) => arg.includes('aws-distro-opentelemetry-node-autoinstrumentation'));
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT && !underAdot) setupTracer({ exporters: { otlp: true } });

// One set of tools for every session: MCP servers start once, on first use, and stop on shutdown.
const tools = createTools(config);
const sessions = await createSessionStorage(config);
const server = createServer({
  createAgent: (sessionId) => createAgent(config, { tools, sessionId, sessions }),
  logger,
  maxInputChars: config.MAX_INPUT_CHARS,
  maxSessions: config.MAX_SESSIONS,
  restoreEachRequest: sessions !== undefined,
});
server.listen(config.PORT, '0.0.0.0', () => logger.info('agent listening', { port: config.PORT, model: config.MODEL_ID }));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info('shutting down', { signal });
    server.close(() => {
      void closeTools(tools).finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
