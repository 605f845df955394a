import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as { messages: { role: string; content?: string | null }[] };
      const results = body.messages.filter((m) => m.role === 'tool');
      const last = body.messages.at(-1);
      if (last?.role === 'tool') toolResults.push(String(last.content ?? ''));
      const step = script[results.length] ?? { text: 'The script is over.' };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
      if ('tool' in step) {
        send({
          choices: [
            {
              delta: {
                tool_calls: [
                  {
                    index: 0,
                    id: `call_${results.length + 1}`,
                    function: { name: step.tool, arguments: JSON.stringify(step.input) },
                  },
                ],
              },
              finish_reason: 'tool_calls',
            },
          ],
        });
      } else {
        send({ choices: [{ delta: { content: step.text }, finish_reason: 'stop' }] });
      }
      send({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 5 } });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    toolResults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
