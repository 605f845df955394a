#!/usr/bin/env node
// The `agent-builder` executable: runs the prebuilt CLI bundle (dist/cli, built by `npm ci` and
// rebuilt here when a source changed since), with Node's compile cache so later starts skip parsing.
// Without esbuild (an install without dev dependencies) it runs the TypeScript sources through tsx.
import module from 'node:module';

module.enableCompileCache?.();
const { cliEntry } = await import('../scripts/cli-bundle.mjs');
let entry;
try {
  entry = await cliEntry();
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
}
if (entry) {
  await import(new URL(`file://${entry}`).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
