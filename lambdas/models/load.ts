import data from '../../registry-data/models.json' with { type: 'json' };
import { ModelRegistry } from './registry.ts';

let registry: ModelRegistry | undefined;

/** The registry from `registry-data/models.json`, validated on first use and then reused. */
export function loadModelRegistry(): ModelRegistry {
  registry ??= ModelRegistry.fromData(data);
  return registry;
}
