import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TestRun } from './model.ts';

/** An OTLP attribute value (the JSON encoding's AnyValue, as much of it as a run's trace uses). */
const AnyValue = z.union([
  z.object({ stringValue: z.string() }),
  z.object({ intValue: z.string() }),
  z.object({ boolValue: z.boolean() }),
]);
const KeyValue = z.object({ key: z.string(), value: AnyValue });

const Span = z.object({
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  spanId: z.string().regex(/^[0-9a-f]{16}$/),
  parentSpanId: z.string().optional(),
  name: z.string(),
  /** 1 internal, 3 client (OTLP SpanKind). */
  kind: z.number().int(),
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  attributes: z.array(KeyValue),
  /** 0 unset, 1 ok, 2 error. */
  status: z.object({ code: z.number().int(), message: z.string().optional() }),
});

/** A run's trace as OpenTelemetry's OTLP/JSON (`ExportTraceServiceRequest`), for any OTLP viewer. */
export const OtlpTraces = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(KeyValue) }),
      scopeSpans: z.array(z.object({ scope: z.object({ name: z.string() }), spans: z.array(Span) })),
    }),
  ),
});
export type OtlpTraces = z.infer<typeof OtlpTraces>;

const hex = (text: string, length: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);
const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(Math.round(value)) } });

/**
 * A run as OTLP/JSON: one root span for the invocation, a child per model call (GenAI semantic
 * conventions: gen_ai.request.model, gen_ai.usage.input_tokens…) and per tool call
 * (gen_ai.tool.name…). Ids are derived from the run id, so an export is the same every time.
 */
export function toOtlp(run: TestRun): OtlpTraces {
  const traceId = hex(`trace:${run.id}`, 32);
  const rootId = hex(`span:${run.id}`, 16);
  const start = Date.parse(run.createdAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : start + (run.metrics?.totalLatencyMs ?? 0);
  const failed = run.status !== 'succeeded' && run.status !== 'RUNNING';
  const root = {
    traceId,
    spanId: rootId,
    name: 'invoke_agent',
    kind: 1,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(end),
    attributes: [
      str('gen_ai.operation.name', 'invoke_agent'),
      ...(run.modelId ? [str('gen_ai.request.model', run.modelId)] : []),
      ...(run.runtimeSessionId ? [str('session.id', run.runtimeSessionId)] : []),
      str('agent_builder.run.status', run.status),
      ...(run.metrics
        ? [
            int('gen_ai.usage.input_tokens', run.metrics.inputTokens),
            int('gen_ai.usage.output_tokens', run.metrics.outputTokens),
          ]
        : []),
    ],
    status: failed ? { code: 2, ...(run.reason ? { message: run.reason } : {}) } : { code: 1 },
  };
  // The runner's clock starts when it picked the run up; its spans are placed from the run's finish
  // backwards by its total latency, so they sit inside the root span however long the run queued.
  const origin = end - (run.metrics?.totalLatencyMs ?? 0);
  const spans = (run.trace ?? []).map((s, index) => {
    const spanStart = origin + s.startMs;
    const common = {
      traceId,
      spanId: hex(`span:${run.id}:${index}`, 16),
      parentSpanId: rootId,
      startTimeUnixNano: nanos(spanStart),
      endTimeUnixNano: nanos(spanStart + (s.durationMs ?? 0)),
    };
    if (s.kind === 'model')
      return {
        ...common,
        name: `chat ${s.name}`,
        kind: 3,
        attributes: [
          str('gen_ai.operation.name', 'chat'),
          str('gen_ai.request.model', s.name),
          int('gen_ai.usage.input_tokens', s.inputTokens),
          int('gen_ai.usage.output_tokens', s.outputTokens),
          ...(s.stopReason ? [str('gen_ai.response.finish_reasons', s.stopReason)] : []),
        ],
        status: s.error ? { code: 2, message: s.error } : { code: 1 },
      };
    return {
      ...common,
      name: `execute_tool ${s.name}`,
      kind: 1,
      attributes: [
        str('gen_ai.operation.name', 'execute_tool'),
        str('gen_ai.tool.name', s.name),
        str('gen_ai.tool.call.id', s.toolUseId),
        str('gen_ai.tool.call.arguments', JSON.stringify(s.input ?? {})),
        ...(s.resultBytes !== undefined ? [int('agent_builder.tool.result_bytes', s.resultBytes)] : []),
      ],
      status: s.error ? { code: 2, message: s.error } : { code: s.durationMs === null ? 0 : 1 },
    };
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'agent-builder-test-run')] },
        scopeSpans: [{ scope: { name: 'agent-builder-platform' }, spans: [root, ...spans] }],
      },
    ],
  };
}
