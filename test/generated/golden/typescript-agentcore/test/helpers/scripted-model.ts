import { Model, type ModelStreamEvent } from '@strands-agents/sdk';

/** One model turn: text to say, or a tool to call with its input. */
export type Turn = { text: string } | { tool: string; input: Record<string, unknown> };

/**
 * A test model that plays a script instead of calling a provider: no network, deterministic. It
 * speaks the same stream events a real model does, so the agent loop and the server run for real.
 */
export class ScriptedModel extends Model {
  /** What each model call was given: the system prompt, the tools, and the conversation's texts so far. */
  readonly requests: { systemPrompt: unknown; toolNames: string[]; texts: string[] }[] = [];
  private config: { modelId: string } = { modelId: 'scripted-test-model' };

  constructor(private readonly turns: Turn[]) {
    super();
  }

  updateConfig(config: { modelId?: string }): void {
    this.config = { ...this.config, ...config };
  }

  getConfig() {
    return this.config;
  }

  async *stream(messages: { content: readonly unknown[] }[], options?: { systemPrompt?: unknown; toolSpecs?: { name: string }[] }): AsyncIterable<ModelStreamEvent> {
    const texts = messages.flatMap((m) => m.content.flatMap((block) => (typeof (block as { text?: unknown }).text === 'string' ? [(block as { text: string }).text] : [])));
    this.requests.push({ systemPrompt: options?.systemPrompt, toolNames: (options?.toolSpecs ?? []).map((t) => t.name), texts });
    const turn = this.turns.shift() ?? { text: 'Done.' };
    yield { type: 'modelMessageStartEvent', role: 'assistant' };
    if ('tool' in turn) {
      yield { type: 'modelContentBlockStartEvent', start: { type: 'toolUseStart', name: turn.tool, toolUseId: `tool-${this.requests.length}` } };
      yield { type: 'modelContentBlockDeltaEvent', delta: { type: 'toolUseInputDelta', input: JSON.stringify(turn.input) } };
      yield { type: 'modelContentBlockStopEvent' };
      yield { type: 'modelMessageStopEvent', stopReason: 'toolUse' };
    } else {
      yield { type: 'modelContentBlockStartEvent' };
      for (const word of turn.text.split(/(?<= )/)) yield { type: 'modelContentBlockDeltaEvent', delta: { type: 'textDelta', text: word } };
      yield { type: 'modelContentBlockStopEvent' };
      yield { type: 'modelMessageStopEvent', stopReason: 'endTurn' };
    }
    yield { type: 'modelMetadataEvent', usage: { inputTokens: 12, outputTokens: 7, totalTokens: 19 } };
  }
}
