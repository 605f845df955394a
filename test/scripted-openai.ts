import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the stand-in: text, or tool calls (name and arguments). */
export type ScriptedTurn = { text: string } | { toolCalls: { name: string; arguments: unknown }[] };

export interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: { role: string; content?: unknown; tool_calls?: unknown[] }[];
  tools?: { function: { name: string } }[];
}

/**
 * A scripted OpenAI-compatible chat-completions server (as Ollama, vLLM or LiteLLM serve
 * `/v1/chat/completions`), for tests: `script` picks each answer from the request, and every request
 * is kept. Streams server-sent events when asked, as the real endpoints do.
 */
export async function startScriptedOpenAi(
  script: (request: ChatRequest, index: number) => ScriptedTurn,
  options: {
    /** How long the stand-in "thinks" before it answers a request (a slow model, for tests of long runs). */
    delayMs?: (request: ChatRequest, index: number) => number;
  } = {},
): Promise<{ baseUrl: string; requests: ChatRequest[]; close: () => Promise<void> }> {
  const requests: ChatRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    const request = JSON.parse(Buffer.concat(chunks).toString()) as ChatRequest;
    requests.push(request);
    const turn = script(request, requests.length - 1);
    const delay = options.delayMs?.(request, requests.length - 1) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const toolCalls =
      'toolCalls' in turn
        ? turn.toolCalls.map((call, index) => ({
            index,
            id: `call_${requests.length}_${index}`,
            type: 'function',
            function: { name: call.name, arguments: JSON.stringify(call.arguments) },
          }))
        : undefined;
    const finish = toolCalls ? 'tool_calls' : 'stop';
    const usage = { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 };
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          model: request.model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: 'text' in turn ? turn.text : null,
                tool_calls: toolCalls,
              },
              finish_reason: finish,
            },
          ],
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (delta: unknown, finishReason: string | null = null) =>
      res.write(
        `data: ${JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion.chunk',
          model: request.model,
          choices: [{ index: 0, delta, finish_reason: finishReason }],
        })}\n\n`,
      );
    send({ role: 'assistant' });
    if ('text' in turn) send({ content: turn.text });
    else send({ tool_calls: toolCalls });
    send({}, finish);
    res.write(`data: ${JSON.stringify({ choices: [], usage })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
