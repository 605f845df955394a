import { describe, expect, it } from 'vitest';
import type { TestRun } from '../../lambdas/testing/model.ts';
import { OtlpTraces, toOtlp } from '../../lambdas/testing/otlp.ts';
import { priceOf, RunCost, registryModel, runCost, totalCost } from '../../lambdas/testing/run-cost.ts';

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';

describe('the cost of a run', () => {
  it("prices tokens at the model's registry price, exactly, and says when the offline model produced them", () => {
    const model = registryModel(HAIKU);
    if (!model) throw new Error('Claude Haiku 4.5 is in the registry');
    // $1 per 1M input tokens and $5 per 1M output tokens: 1,234 × 1 + 567 × 5 = 4,069 micro-dollars.
    const cost = runCost({ inputTokens: 1_234, outputTokens: 567 }, model, true);
    expect(RunCost.parse(cost)).toEqual({
      modelId: HAIKU,
      modelName: 'Claude Haiku 4.5',
      inputTokens: 1_234,
      outputTokens: 567,
      usd: 0.004069,
      hypothetical: true,
      asOf: model.asOf,
      source: model.source,
    });
    expect(runCost({ inputTokens: 0, outputTokens: 0 }, model, false)).toMatchObject({
      usd: 0,
      hypothetical: false,
    });
  });

  it('finds the model behind a cross-Region profile id, sums a conversation, and prices nothing unknown', () => {
    const turn = priceOf({
      modelId: `us.${HAIKU}`,
      metrics: { inputTokens: 1_000, outputTokens: 100 },
      model: { kind: 'offline' },
    });
    expect(turn).toMatchObject({ modelId: HAIKU, usd: 0.0015, hypothetical: true });
    expect(
      priceOf({ modelId: 'no.such-model', metrics: { inputTokens: 1, outputTokens: 1 } }),
    ).toBeUndefined();
    expect(priceOf({ modelId: HAIKU })).toBeUndefined();
    const both = totalCost([turn as RunCost, turn as RunCost]);
    expect(both).toMatchObject({ inputTokens: 2_000, outputTokens: 200, usd: 0.003, hypothetical: true });
    expect(totalCost([])).toBeUndefined();
  });
});

describe('a run trace as OpenTelemetry JSON', () => {
  it('has the invocation as root and each model and tool call as its child, with GenAI attributes', () => {
    const run: TestRun = {
      id: 'run-1',
      buildId: 'b',
      generationId: 'g',
      modelId: HAIKU,
      input: 'hi',
      status: 'succeeded',
      expiresAt: '2026-01-01T01:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:02.000Z',
      metrics: {
        totalLatencyMs: 1_500,
        timeToFirstTokenMs: 100,
        installMs: 0,
        buildMs: 0,
        inputTokens: 30,
        outputTokens: 10,
        toolCalls: 1,
        exitCode: null,
        status: 'succeeded',
      },
      trace: [
        {
          kind: 'model',
          name: HAIKU,
          startMs: 100,
          durationMs: 200,
          inputTokens: 10,
          outputTokens: 5,
          stopReason: 'tool_use',
        },
        {
          kind: 'tool',
          name: 'calculator',
          toolUseId: 't1',
          startMs: 320,
          durationMs: 30,
          input: { expression: '1+1' },
          resultBytes: 42,
          status: 'success',
        },
        {
          kind: 'model',
          name: HAIKU,
          startMs: 400,
          durationMs: 300,
          inputTokens: 20,
          outputTokens: 5,
          stopReason: 'end_turn',
        },
      ],
    };
    const otlp = OtlpTraces.parse(toOtlp(run));
    const spans = otlp.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(spans.map((s) => s.name)).toEqual([
      'invoke_agent',
      `chat ${HAIKU}`,
      'execute_tool calculator',
      `chat ${HAIKU}`,
    ]);
    const [root, model, tool] = spans;
    expect(spans.slice(1).every((s) => s.parentSpanId === root?.spanId && s.traceId === root?.traceId)).toBe(
      true,
    );
    // Placed inside the root: the runner's 1.5 s end at the run's finish.
    expect(model?.startTimeUnixNano).toBe(String((Date.parse('2026-01-01T00:00:00.500Z') + 100) * 1_000_000));
    expect(model?.attributes).toContainEqual({ key: 'gen_ai.usage.input_tokens', value: { intValue: '10' } });
    expect(tool?.attributes).toContainEqual({
      key: 'agent_builder.tool.result_bytes',
      value: { intValue: '42' },
    });
    expect(toOtlp(run)).toEqual(otlp); // the same export every time
  });
});
