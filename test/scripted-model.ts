import { startScriptedOpenAi } from './scripted-openai.ts';

/** One step of the script: a tool call the model makes, or its closing answer. */
export type ScriptStep = { tool: string; input: Record<string, unknown> } | { text: string };

export interface ScriptedModel {
  /** The OpenAI-compatible base URL (`…/v1`). */
  baseUrl: string;
  /** Every tool result the model was sent, in order: what the agent's tools answered. */
  toolResults: string[];
  close(): Promise<void>;
}

/**
 * A tool-calling model that follows a script, behind an OpenAI-compatible chat-completions endpoint
 * (as Ollama or vLLM serve one): each request gets the next step, told by how many tool results the
 * conversation already holds. It stands in for a model an attacker steers: the script is the attack.
 */
export async function startScriptedModel(script: ScriptStep[]): Promise<ScriptedModel> {
  const toolResults: string[] = [];
  const endpoint = await startScriptedOpenAi((request) => {
    const results = request.messages.filter((m) => m.role === 'tool');
    const last = request.messages.at(-1);
    if (last?.role === 'tool') toolResults.push(String(last.content ?? ''));
    const step = script[results.length] ?? { text: 'The script is over.' };
    return 'tool' in step ? { toolCalls: [{ name: step.tool, arguments: step.input }] } : { text: step.text };
  });
  return { baseUrl: endpoint.baseUrl, toolResults, close: endpoint.close };
}
