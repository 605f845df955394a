import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCommand } from '../../bin/cli/test.ts';

// `agent-builder test --spec FILE`: the spec's project built by the runner's harness (content-addressed
// build, the shared dependency cache), its agent started once and answering each message in turn.
let specFile = '';
beforeAll(() => {
  process.env.TEST_MODEL = 'offline';
  specFile = join(mkdtempSync(join(tmpdir(), 'cli-test-')), 'agent.json');
  writeFileSync(
    specFile,
    JSON.stringify({
      name: 'Terminal chat',
      description: 'Chats and does sums',
      language: 'typescript',
      model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
      systemPrompt: 'Be brief.',
      tools: ['calculator'],
    }),
  );
});

async function run(args: string[], stdin = Readable.from([])) {
  let out = '';
  let err = '';
  let code = 0;
  const command = testCommand(
    {
      out: (t) => {
        out += `${t}\n`;
      },
      err: (t) => {
        err += `${t}\n`;
      },
      binary: () => undefined,
    },
    (c) => {
      code = c;
    },
    stdin,
  );
  command.exitOverride();
  await command.parseAsync(args, { from: 'user' });
  return { out, err, code };
}

describe('agent-builder test', () => {
  it('answers one --input, with its tool call, time to first token and what it would cost', async () => {
    const { out, err, code } = await run([
      '--spec',
      specFile,
      '--input',
      'Please use the calculator on "6 * 7"',
    ]);
    expect(code, err).toBe(0);
    expect(out).toContain('"result":"42"');
    expect(err).toContain('→ calculator({"expression":"6 * 7"})');
    expect(err).toMatch(/first token \d+ ms/);
    expect(err).toMatch(/would cost \$[\d.]+ on Claude Haiku 4\.5/);
  }, 600_000);

  it('chats: each line a turn to the same agent, which keeps the conversation, until /exit', async () => {
    const stdin = Readable.from(['My name is Ada.\n', '\n', 'Who am I?\n', '/exit\n', 'never sent\n']);
    const { out, err, code } = await run(['--spec', specFile], stdin);
    expect(code, err).toBe(0);
    const answers = out.split('\n').filter((l) => l.startsWith('agent> '));
    expect(answers).toHaveLength(2);
    expect(answers[1]).toContain('Earlier in this conversation you asked: "My name is Ada."');
    // The unchanged project was not built again: its finished build was used.
    expect(err).toContain('using the finished build');
    expect(out).not.toContain('never sent');
  }, 600_000);
});
