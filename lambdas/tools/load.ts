import data from '../../registry-data/tools.json' with { type: 'json' };
import { ToolRegistry } from './registry.ts';

let registry: ToolRegistry | undefined;

/** The registry from `registry-data/tools.json`, validated on first use and then reused. */
export function loadToolRegistry(): ToolRegistry {
  registry ??= ToolRegistry.fromData(data);
  return registry;
}
