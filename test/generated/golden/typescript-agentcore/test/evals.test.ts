import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../src/agent.js';
import { loadConfig } from '../src/config.js';
import { createTools } from '../src/tools/index.js';
import { check, loadSuite, runSuite, summarise } from '../evals/runner.js';
import { TEST_ENV } from './helpers/env.js';
import { ScriptedModel } from './helpers/scripted-model.js';

// The evaluation runner on the starter suite, with a scripted model: it calls the tool a case names
// and otherwise declines, so the suite's checks run for real without a model or network.
describe('the evaluation suite', () => {
  const suite = loadSuite(readFileSync('evals/main.yaml', 'utf8'));

  it('runs the starter suite: tool cases see their tool called, judges are skipped without a judge', async () => {
    const config = await loadConfig(TEST_ENV);
    // The agent's own tools, without MCP servers (whose tools the starter suite does not name).
    const tools = createTools(config).filter((t) => 'toolSpec' in t);
    const runs = await runSuite(suite, {
      createAgent: (c) => {
        const tool = /^Use the (\w+) tool/.exec(c.input ?? '')?.[1];
        return createAgent(config, {
          tools,
          model: new ScriptedModel(tool ? [{ tool, input: {} }, { text: 'Done.' }] : [{ text: 'I cannot share that, but I can help with your request.' }]),
        });
      },
      price: { inputPerMTok: 1, outputPerMTok: 5 },
    });
    expect(runs).toHaveLength(suite.cases.length);
    for (const run of runs) expect(run.assertions.filter((a) => a.status === 'failed'), run.caseId).toEqual([]);
    expect(runs.flatMap((r) => r.assertions).some((a) => a.type === 'judge' && a.status === 'skipped')).toBe(true);
    expect(summarise(suite, runs).passed).toBe(true);
  });

  it('fails what it should', () => {
    const o = { answer: 'hello', toolCalls: [{ name: 'a', input: { x: 1 } }], inputTokens: 10, outputTokens: 5, latencyMs: 10, ttftMs: 1 };
    expect(check({ type: 'contains', value: 'bye' }, o).status).toBe('failed');
    expect(check({ type: 'tool-called', name: 'a', args: { x: 2 } }, o).status).toBe('failed');
    expect(check({ type: 'tool-order', names: ['b', 'a'] }, o).status).toBe('failed');
    expect(check({ type: 'tokens', max: 14 }, o).status).toBe('failed');
    expect(check({ type: 'json' }, o).status).toBe('failed');
  });
});
