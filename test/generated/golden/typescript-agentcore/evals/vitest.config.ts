import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run eval` only: the evaluation suite calls the real model, so `npm test` never runs it.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: { include: ['evals/**/*.eval.ts'], testTimeout: 1_800_000 },
});
