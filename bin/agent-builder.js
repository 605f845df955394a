#!/usr/bin/env node
// The `agent-builder` executable: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
