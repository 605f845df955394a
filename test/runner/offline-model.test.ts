import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type Message,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startModelGateway } from '../../runner/model-gateway.ts';
import { argumentsFor, offlineBackend, offlineTurn } from '../../runner/offline-model.ts';

const calculator: Tool = {
  toolSpec: {
    name: 'calculator',
    description: 'Evaluate an expression',
    inputSchema: {
      json: {
        type: 'object',
        properties: { expression: { type: 'string' } },
        required: ['expression'],
      },
    },
  },
};

describe('offline model (Bedrock Converse APIs)', () => {
  let model: RunningGateway;
  let client: BedrockRuntimeClient;
  beforeAll(async () => {
    model = await startModelGateway(offlineBackend());
    client = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: model.url,
      credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await model.close();
  });

  it('streams text through real event-stream framing that the AWS SDK decodes', async () => {
    const response = await client.send(
      new ConverseStreamCommand({
        modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
        messages: [{ role: 'user', content: [{ text: 'Hello "there" {braces} `tick` ünïcode' }] }],
      }),
    );
    const types: string[] = [];
    let text = '';
    let usage: { inputTokens?: number; outputTokens?: number } | undefined;
    for await (const event of response.stream ?? []) {
      const type = Object.keys(event).find((k) => k !== '$unknown') ?? '?';
      types.push(type);
      if (event.contentBlockDelta?.delta?.text) text += event.contentBlockDelta.delta.text;
      if (event.metadata) usage = event.metadata.usage;
      if (event.messageStop) expect(event.messageStop.stopReason).toBe('end_turn');
    }
    expect(types[0]).toBe('messageStart');
    expect(types.filter((t) => t === 'contentBlockDelta').length).toBeGreaterThan(3);
    expect(types.slice(-2)).toEqual(['messageStop', 'metadata']);
    expect(text).toContain('offline model');
    expect(text).toContain('us.anthropic.claude-sonnet-4-20250514-v1:0');
    expect(text).toContain('Hello "there" {braces} `tick` ünïcode');
    expect(usage?.inputTokens).toBeGreaterThan(0);
    expect(usage?.outputTokens).toBeGreaterThan(0);
  });

  it('calls a tool the user names, then reports its result', async () => {
    const messages: Message[] = [
      { role: 'user', content: [{ text: 'Use the calculator on "2 + 3 * 4" please' }] },
    ];
    const first = await client.send(
      new ConverseStreamCommand({ modelId: 'm', messages, toolConfig: { tools: [calculator] } }),
    );
    let toolUse: { toolUseId?: string; name?: string } | undefined;
    let input = '';
    let stop: string | undefined;
    for await (const event of first.stream ?? []) {
      if (event.contentBlockStart?.start?.toolUse) toolUse = event.contentBlockStart.start.toolUse;
      if (event.contentBlockDelta?.delta?.toolUse) input += event.contentBlockDelta.delta.toolUse.input;
      if (event.messageStop) stop = event.messageStop.stopReason;
    }
    expect(toolUse?.name).toBe('calculator');
    expect(JSON.parse(input)).toEqual({ expression: '2 + 3 * 4' });
    expect(stop).toBe('tool_use');

    messages.push(
      {
        role: 'assistant',
        content: [
          { toolUse: { toolUseId: toolUse?.toolUseId, name: 'calculator', input: JSON.parse(input) } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            toolResult: {
              toolUseId: toolUse?.toolUseId,
              content: [{ json: { result: '14' } }],
              status: 'success',
            },
          },
        ],
      },
    );
    const second = await client.send(
      new ConverseCommand({ modelId: 'm', messages, toolConfig: { tools: [calculator] } }),
    );
    expect(second.stopReason).toBe('end_turn');
    const answer = second.output?.message?.content?.[0]?.text ?? '';
    expect(answer).toContain('The calculator tool returned (success)');
    expect(answer).toContain('14');
    expect(answer).toContain('offline model');
  });

  it('refuses a request without messages as Bedrock does (ValidationException)', async () => {
    await expect(client.send(new ConverseCommand({ modelId: 'm', messages: [] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('loops on tool calls under the runaway directive, and fills schema arguments', () => {
    const request = {
      messages: [
        { role: 'user' as const, content: [{ text: '[[offline:loop]] go' }] },
        {
          role: 'assistant' as const,
          content: [{ toolUse: { toolUseId: 'a', name: 'calculator', input: {} } }],
        },
        { role: 'user' as const, content: [{ toolResult: { toolUseId: 'a', content: [] } }] },
      ],
      toolConfig: { tools: [calculator] },
    };
    expect(offlineTurn(request as never, 'm')).toMatchObject({ kind: 'tool', name: 'calculator' });
    expect(
      argumentsFor(
        {
          name: 't',
          inputSchema: {
            json: {
              properties: {
                n: { type: 'integer', minimum: 5 },
                mode: { enum: ['a', 'b'] },
                q: { type: 'string' },
              },
              required: ['n', 'mode', 'q'],
            },
          },
        },
        'find 3 things',
      ),
    ).toEqual({ n: 5, mode: 'a', q: 'find 3 things' });
  });

  it('repeats the first question of a conversation in later answers, deterministically', () => {
    const user = (text: string) => ({ role: 'user' as const, content: [{ text }] });
    const assistant = (text: string) => ({ role: 'assistant' as const, content: [{ text }] });
    const one = offlineTurn({ messages: [user('My name is Ada.')] } as never, 'm');
    expect(one).toMatchObject({ kind: 'text' });
    expect(one.kind === 'text' && one.text).not.toContain('Earlier in this conversation');
    const three = offlineTurn(
      {
        messages: [user('My name is Ada.'), assistant('a'), user('And yours?'), assistant('b'), user('Bye')],
      } as never,
      'm',
    );
    expect(three).toEqual(
      offlineTurn(
        {
          messages: [
            user('My name is Ada.'),
            assistant('a'),
            user('And yours?'),
            assistant('b'),
            user('Bye'),
          ],
        } as never,
        'm',
      ),
    );
    expect(three.kind === 'text' && three.text).toContain(
      'You asked: "Bye". Earlier in this conversation you asked: "My name is Ada." (2 earlier questions).',
    );
  });
});
