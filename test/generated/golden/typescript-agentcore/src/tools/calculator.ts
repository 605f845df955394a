import { tool } from '@strands-agents/sdk';
import { create, all } from 'mathjs';
import { z } from 'zod';
import type { AgentConfig } from '../config.js';

// A restricted mathjs instance: expressions are parsed and evaluated, never run as code.
const math = create({ ...all });
const evaluate = math.evaluate.bind(math);
math.import(
  {
    import: () => { throw new Error('import is disabled'); },
    createUnit: () => { throw new Error('createUnit is disabled'); },
    evaluate: () => { throw new Error('evaluate is disabled'); },
    parse: () => { throw new Error('parse is disabled'); },
    simplify: () => { throw new Error('simplify is disabled'); },
    derivative: () => { throw new Error('derivative is disabled'); },
  },
  { override: true },
);

/** Calculator: Evaluate arithmetic and mathematical expressions exactly, without running code. */
export function createCalculatorTool(_config: AgentConfig) {
  return tool({
    name: 'calculator',
    description: 'Evaluate a mathematical expression exactly, e.g. "17.5% * 2340 + 12" or "sqrt(2) * sin(pi / 4)".',
    inputSchema: z.object({ expression: z.string().min(1).max(1000).describe('a math expression, e.g. "17.5% * 2340" or "sqrt(2) * sin(pi / 4)"') }),
    callback: ({ expression }) => {
      try {
        return { expression, result: math.format(evaluate(expression), { precision: 14 }) };
      } catch (error) {
        return { expression, error: error instanceof Error ? error.message : String(error) };
      }
    },
  });
}
