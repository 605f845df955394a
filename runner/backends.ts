import {
  BedrockRuntimeClient,
  ConverseStreamCommand,
  type ConverseStreamCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import { AWS_RETRY } from '../lambdas/core/adapters/aws-retry.ts';
import { regionalModelId } from '../lambdas/core/aws-region.ts';
import type { PlatformConfig } from '../lambdas/core/config.ts';
import type { ModelInfo } from './events.ts';
import {
  type ContentBlock,
  type ConverseRequest,
  type ModelBackend,
  ModelBackendError,
} from './model-gateway.ts';

import { offlineBackend } from './offline-model.ts';
import { sseData } from './sse.ts';

/**
 * Amazon Bedrock behind the gateway: the agent's request is sent on with the runner's own credentials
 * (the Fargate task role, or the local AWS profile), so the agent process never holds any.
 */
export function bedrockBackend(options: {
  region: string;
  endpoint?: string;
  /** @default the default provider chain (task role, profile, environment) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}): ModelBackend {
  const client = new BedrockRuntimeClient({
    region: options.region,
    ...AWS_RETRY,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  return {
    info: { kind: 'bedrock', label: 'Amazon Bedrock' },
    async *stream(modelId, request, signal) {
      let response: ConverseStreamCommandOutput;
      try {
        response = await client.send(
          new ConverseStreamCommand({
            ...(request as object),
            modelId: regionalModelId(modelId, options.region),
          } as never),
          {
            abortSignal: signal,
          },
        );
      } catch (error) {
        const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        throw new ModelBackendError(
          e.$metadata?.httpStatusCode ?? 502,
          e.name ?? 'InternalServerException',
          e.message ?? String(error),
        );
      }
      for await (const event of response.stream ?? []) {
        for (const [type, payload] of Object.entries(event)) {
          if (type !== '$unknown' && payload) yield { type, payload: payload as Record<string, unknown> };
        }
      }
    },
  };
}

const ChatChunk = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number(),
                  id: z.string().nullish(),
                  function: z
                    .object({ name: z.string().nullish(), arguments: z.string().nullish() })
                    .nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

const STOP_REASONS: Record<string, string> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  length: 'max_tokens',
  content_filter: 'content_filtered',
};

/** A Converse request as OpenAI chat-completions messages and tools. */
export function toChatCompletion(request: ConverseRequest, model: string): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  const system = (request.system ?? []).map((s) => s.text ?? '').join('\n');
  if (system) messages.push({ role: 'system', content: system });
  const text = (blocks: ContentBlock[]) =>
    blocks
      .map((b) => b.text ?? '')
      .filter(Boolean)
      .join('\n');
  for (const message of request.messages ?? []) {
    if (message.role === 'assistant') {
      const calls = message.content.flatMap((b) => (b.toolUse ? [b.toolUse] : []));
      messages.push({
        role: 'assistant',
        content: text(message.content) || null,
        ...(calls.length > 0
          ? {
              tool_calls: calls.map((c) => ({
                id: c.toolUseId,
                type: 'function',
                function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) },
              })),
            }
          : {}),
      });
      continue;
    }
    for (const block of message.content) {
      if (block.toolResult) {
        const parts = (block.toolResult.content ?? []) as { text?: string; json?: unknown }[];
        messages.push({
          role: 'tool',
          tool_call_id: block.toolResult.toolUseId,
          content: parts.map((p) => p.text ?? JSON.stringify(p.json ?? p)).join('\n'),
        });
      }
    }
    const said = text(message.content);
    if (said) messages.push({ role: 'user', content: said });
  }
  const tools = (request.toolConfig?.tools ?? []).flatMap((t) =>
    t.toolSpec
      ? [
          {
            type: 'function',
            function: {
              name: t.toolSpec.name ?? '',
              description: t.toolSpec.description ?? '',
              parameters: t.toolSpec.inputSchema?.json ?? { type: 'object', properties: {} },
            },
          },
        ]
      : [],
  );
  const config = request.inferenceConfig ?? {};
  return {
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(tools.length > 0 ? { tools } : {}),
    ...(config.maxTokens ? { max_tokens: config.maxTokens } : {}),
    ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
    ...(config.topP !== undefined ? { top_p: config.topP } : {}),
    ...(config.stopSequences?.length ? { stop: config.stopSequences } : {}),
  };
}

/**
 * An OpenAI-compatible chat-completions endpoint (Ollama's `/v1`, vLLM, LiteLLM…) behind the gateway:
 * Converse requests are translated to chat completions and the streamed answer back to Converse events.
 */
export function openAiCompatibleBackend(options: {
  baseUrl: string;
  model: string;
  apiKey?: string;
}): ModelBackend {
  const base = options.baseUrl.replace(/\/+$/, '');
  const info: ModelInfo = {
    kind: 'openai-compatible',
    label: `OpenAI-compatible endpoint (${options.model} at ${new URL(base).host})`,
  };
  return {
    info,
    async *stream(_modelId, request, signal) {
      const started = Date.now();
      let response: Response;
      try {
        response = await fetch(`${base}/chat/completions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'text/event-stream',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify(toChatCompletion(request, options.model)),
          signal,
        });
      } catch (error) {
        throw new ModelBackendError(
          503,
          'ServiceUnavailableException',
          `${info.label} is unreachable: ${String(error)}`,
        );
      }
      if (!response.ok || !response.body) {
        const detail = (await response.text()).slice(0, 500);
        throw new ModelBackendError(
          response.status === 429 ? 429 : 502,
          response.status === 429 ? 'ThrottlingException' : 'ModelErrorException',
          `${info.label} answered ${response.status}: ${detail}`,
        );
      }
      yield { type: 'messageStart', payload: { role: 'assistant' } };
      let textOpen = false;
      const toolBlocks = new Map<number, number>(); // OpenAI tool call index → Converse block index
      let stopReason = 'end_turn';
      let usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
      for await (const data of sseData(response.body)) {
        if (data === '[DONE]') break;
        const parsed = ChatChunk.safeParse(JSON.parse(data));
        if (!parsed.success) continue;
        const chunk = parsed.data;
        if (chunk.usage) {
          const { prompt_tokens: input, completion_tokens: output } = chunk.usage;
          usage = { inputTokens: input, outputTokens: output, totalTokens: input + output };
        }
        for (const choice of chunk.choices) {
          if (choice.delta?.content) {
            textOpen = true;
            yield {
              type: 'contentBlockDelta',
              payload: { contentBlockIndex: 0, delta: { text: choice.delta.content } },
            };
          }
          for (const call of choice.delta?.tool_calls ?? []) {
            let block = toolBlocks.get(call.index);
            if (block === undefined) {
              block = toolBlocks.size + 1;
              toolBlocks.set(call.index, block);
              yield {
                type: 'contentBlockStart',
                payload: {
                  contentBlockIndex: block,
                  start: {
                    toolUse: { toolUseId: call.id ?? `tooluse_${block}`, name: call.function?.name ?? '' },
                  },
                },
              };
            }
            if (call.function?.arguments) {
              yield {
                type: 'contentBlockDelta',
                payload: { contentBlockIndex: block, delta: { toolUse: { input: call.function.arguments } } },
              };
            }
          }
          if (choice.finish_reason) stopReason = STOP_REASONS[choice.finish_reason] ?? 'end_turn';
        }
      }
      if (textOpen) yield { type: 'contentBlockStop', payload: { contentBlockIndex: 0 } };
      for (const block of toolBlocks.values())
        yield { type: 'contentBlockStop', payload: { contentBlockIndex: block } };
      yield { type: 'messageStop', payload: { stopReason } };
      yield { type: 'metadata', payload: { usage, metrics: { latencyMs: Date.now() - started } } };
    },
  };
}

/** The settings that choose the model behind test runs (from the platform configuration). */
export type ModelChoice = Pick<
  PlatformConfig,
  | 'TEST_MODEL'
  | 'AWS_REGION'
  | 'HAS_AWS_CREDENTIALS'
  | 'OPENAI_COMPATIBLE_BASE_URL'
  | 'OPENAI_COMPATIBLE_MODEL'
  | 'OPENAI_COMPATIBLE_API_KEY'
>;

/** Which model answers test runs (DESIGN.md): explicit choice, else Bedrock with credentials, else a configured endpoint, else offline. */
export function chooseBackend(choice: ModelChoice): ModelBackend {
  const openAi = () => {
    if (!choice.OPENAI_COMPATIBLE_BASE_URL || !choice.OPENAI_COMPATIBLE_MODEL) {
      throw new Error(
        'TEST_MODEL=openai-compatible needs OPENAI_COMPATIBLE_BASE_URL (e.g. http://localhost:11434/v1) and OPENAI_COMPATIBLE_MODEL (e.g. llama3.1)',
      );
    }
    return openAiCompatibleBackend({
      baseUrl: choice.OPENAI_COMPATIBLE_BASE_URL,
      model: choice.OPENAI_COMPATIBLE_MODEL,
      ...(choice.OPENAI_COMPATIBLE_API_KEY ? { apiKey: choice.OPENAI_COMPATIBLE_API_KEY } : {}),
    });
  };
  switch (choice.TEST_MODEL) {
    case 'offline':
      return offlineBackend();
    case 'bedrock':
      return bedrockBackend({ region: choice.AWS_REGION });
    case 'openai-compatible':
      return openAi();
    default:
      if (choice.HAS_AWS_CREDENTIALS === 'true') return bedrockBackend({ region: choice.AWS_REGION });
      if (choice.OPENAI_COMPATIBLE_BASE_URL && choice.OPENAI_COMPATIBLE_MODEL) return openAi();
      return offlineBackend();
  }
}

/** OLLAMA_HOST for Ollama-model agents: the configured OpenAI-compatible endpoint without its `/v1`. */
export function ollamaHostFor(choice: ModelChoice): string | undefined {
  return choice.OPENAI_COMPATIBLE_BASE_URL?.replace(/\/+$/, '').replace(/\/v1$/, '');
}
