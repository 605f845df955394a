import { setTimeout as sleep } from 'node:timers/promises';
import type { ConverseEvent, ConverseRequest, ModelBackend } from './model-gateway.ts';

/**
 * The offline model: a deterministic stand-in for Amazon Bedrock that speaks the Converse and
 * ConverseStream APIs (`POST /model/{modelId}/converse[-stream]`), the latter with real
 * `application/vnd.amazon.eventstream` framing, so a generated agent's unmodified `BedrockModel`
 * talks to it when `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` points here. It never calls out and never
 * pretends to be a real model: every answer says it comes from the offline model.
 *
 * Behaviour, for a given conversation:
 * - the user names one of the agent's tools (e.g. "use calculator on "2 + 3"") → it calls that tool
 *   once, with arguments built from the tool's JSON schema and the prompt (a quoted part of the
 *   prompt fills string arguments, the first number fills numeric ones);
 * - the last message holds tool results → it reports them in text;
 * - otherwise → a short text answer echoing the request, streamed in several deltas; in a conversation
 *   (earlier user turns in the messages the agent sends) it also repeats the first of them, so a test
 *   sees that the agent kept its conversation: `Earlier in this conversation you asked: "…"`.
 * Directives for testing the harness: `[[offline:loop]]` in the first user message makes it call a
 * tool on every turn, forever (a runaway agent); `[[offline:slow]]` in the first or the last user
 * message waits 250 ms between deltas.
 */
export const OFFLINE_MODEL_LABEL = 'offline model';

type Message = NonNullable<ConverseRequest['messages']>[number];
interface ToolSpec {
  name: string;
  description?: string;
  inputSchema?: { json?: JsonSchema };
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  default?: unknown;
}

/** What the model answers: text, or one tool call. */
export type OfflineTurn =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; toolUseId: string; name: string; input: Record<string, unknown> };

const textOf = (message: Message | undefined) => (message?.content ?? []).map((b) => b.text ?? '').join('');

const normalise = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

/** The deterministic policy; exported so tests can state what the agent will see. */
export function offlineTurn(request: ConverseRequest, modelId: string): OfflineTurn {
  const messages = request.messages ?? [];
  const tools = (request.toolConfig?.tools ?? []).flatMap((t) =>
    t.toolSpec?.name ? [t.toolSpec as ToolSpec] : [],
  );
  const firstUser = textOf(messages.find((m) => m.role === 'user'));
  const last = messages.at(-1);
  const loop = firstUser.includes('[[offline:loop]]');
  const turn = messages.filter((m) => m.role === 'assistant').length + 1;
  const toolUseId = `tooluse_offline_${turn}`;

  const results = (last?.content ?? []).flatMap((b) => (b.toolResult ? [b.toolResult] : []));
  if (loop && tools.length > 0) {
    const tool = tools[(turn - 1) % tools.length] as ToolSpec;
    return { kind: 'tool', toolUseId, name: tool.name, input: argumentsFor(tool, firstUser) };
  }
  if (results.length > 0) {
    const names = new Map<string, string>();
    for (const m of messages)
      for (const b of m.content) if (b.toolUse) names.set(b.toolUse.toolUseId, b.toolUse.name);
    const lines = results.map((r) => {
      const body = JSON.stringify(r.content ?? []);
      const shown = body.length > 300 ? `${body.slice(0, 300)}…` : body;
      return `The ${names.get(r.toolUseId) ?? 'tool'} tool returned (${r.status ?? 'success'}): ${shown}`;
    });
    return { kind: 'text', text: `${lines.join('\n')}\n(Answered by the ${OFFLINE_MODEL_LABEL}.)` };
  }
  const prompt = textOf(last);
  const wanted = normalise(prompt);
  const tool = tools.find((t) => wanted.includes(normalise(t.name)));
  if (tool && last?.role === 'user') {
    return { kind: 'tool', toolUseId, name: tool.name, input: argumentsFor(tool, prompt) };
  }
  const echoed = prompt.length > 200 ? `${prompt.slice(0, 200)}…` : prompt;
  const toolNote =
    tools.length > 0
      ? ` Name one of my tools (${tools.map((t) => t.name).join(', ')}) to see a tool call.`
      : '';
  // Earlier turns of the conversation: user messages with text (tool results are user messages too).
  const asked = messages.filter((m) => m.role === 'user' && textOf(m).trim() !== '');
  const first = asked.length > 1 ? textOf(asked[0]) : undefined;
  const memory =
    first !== undefined
      ? ` Earlier in this conversation you asked: "${first.length > 200 ? `${first.slice(0, 200)}…` : first}" (${asked.length - 1} earlier ${asked.length === 2 ? 'question' : 'questions'}).`
      : '';
  return {
    kind: 'text',
    text: `This is the ${OFFLINE_MODEL_LABEL}, standing in for ${modelId}. You asked: "${echoed}".${memory}${toolNote} Connect Amazon Bedrock for real answers.`,
  };
}

/** Arguments that satisfy a tool's JSON schema, taken from the prompt where it can. */
export function argumentsFor(tool: ToolSpec, prompt: string): Record<string, unknown> {
  const schema = tool.inputSchema?.json ?? {};
  const quoted = /["“`']([^"”`']+)["”`']/.exec(prompt)?.[1];
  const number = /-?\d+(\.\d+)?/.exec(prompt)?.[0];
  const value = (property: JsonSchema): unknown => {
    if (property.default !== undefined) return property.default;
    if (property.enum && property.enum.length > 0) return property.enum[0];
    const type = Array.isArray(property.type) ? property.type[0] : property.type;
    switch (type) {
      case 'number':
      case 'integer':
        return Math.max(Number(number ?? 1), property.minimum ?? -Infinity);
      case 'boolean':
        return false;
      case 'array':
        return [];
      case 'object':
        return {};
      default:
        return quoted ?? prompt.replace(/\[\[offline:\w+\]\]/g, '').trim();
    }
  };
  const input: Record<string, unknown> = {};
  for (const name of schema.required ?? []) input[name] = value(schema.properties?.[name] ?? {});
  return input;
}

export const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** Splits text into word-sized deltas, whitespace kept, so streaming is visible. */
export function chunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

/** The offline model as a gateway backend: deterministic Converse stream events for a request. */
export function offlineBackend(): ModelBackend {
  return {
    info: { kind: 'offline', label: OFFLINE_MODEL_LABEL },
    async *stream(modelId: string, request: ConverseRequest): AsyncIterable<ConverseEvent> {
      const started = Date.now();
      const turn = offlineTurn(request, modelId);
      const messages = request.messages ?? [];
      // In the first message (the whole run) or the last one (this turn of a conversation).
      const slow = [messages.find((m) => m.role === 'user'), messages.at(-1)].some((m) =>
        textOf(m).includes('[[offline:slow]]'),
      );
      const pace = async () => {
        if (slow) await sleep(250);
      };
      const inputTokens = estimateTokens(JSON.stringify([request.system ?? [], messages]));
      const outputTokens = estimateTokens(turn.kind === 'text' ? turn.text : JSON.stringify(turn.input));
      yield { type: 'messageStart', payload: { role: 'assistant' } };
      if (turn.kind === 'text') {
        for (const text of chunks(turn.text)) {
          yield { type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text } } };
          await pace();
        }
      } else {
        yield {
          type: 'contentBlockStart',
          payload: {
            contentBlockIndex: 0,
            start: { toolUse: { toolUseId: turn.toolUseId, name: turn.name } },
          },
        };
        yield {
          type: 'contentBlockDelta',
          payload: { contentBlockIndex: 0, delta: { toolUse: { input: JSON.stringify(turn.input) } } },
        };
      }
      yield { type: 'contentBlockStop', payload: { contentBlockIndex: 0 } };
      yield { type: 'messageStop', payload: { stopReason: turn.kind === 'tool' ? 'tool_use' : 'end_turn' } };
      yield {
        type: 'metadata',
        payload: {
          usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
          metrics: { latencyMs: Date.now() - started },
        },
      };
    },
  };
}
