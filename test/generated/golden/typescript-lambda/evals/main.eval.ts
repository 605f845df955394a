import { readFileSync } from 'node:fs';
import { Agent } from '@strands-agents/sdk';
import { expect, it } from 'vitest';
import { createAgent } from '../src/agent.js';
import { loadConfig } from '../src/config.js';
import { createModel } from '../src/model.js';
import { closeTools, createTools } from '../src/tools/index.js';
import { JUDGE_PROMPT, loadSuite, type Price, report, runSuite, summarise } from './runner.js';

// `npm run eval`: runs evals/main.yaml (or EVAL_SUITE) against the configured model and fails below
// the suite's thresholds. Judge assertions are graded by the same model; EVAL_JUDGE=off skips them.
const file = process.env.EVAL_SUITE ?? 'evals/main.yaml';

it(`evaluation suite ${file}`, async () => {
  const config = await loadConfig();
  const tools = createTools(config);
  const suite = loadSuite(readFileSync(file, 'utf8'));
  const price = JSON.parse(readFileSync('evals/model-price.json', 'utf8')) as Price;
  try {
    const runs = await runSuite(suite, {
      createAgent: () => createAgent(config, { tools }),
      ...(process.env.EVAL_JUDGE === 'off'
        ? {}
        : {
            judge: async (prompt: string) =>
              String(await new Agent({ model: createModel(config), systemPrompt: JUDGE_PROMPT, tools: [], printer: false }).invoke(prompt)),
          }),
      price,
    });
    console.log(report(suite, runs));
    expect(summarise(suite, runs).reasons).toEqual([]);
  } finally {
    await closeTools(tools);
  }
}, 1_800_000);
