import type { GenerationRecord } from '../sessions/ports.ts';
import type { GenerationInput } from './tasks.ts';

/** Runs the generation workflow to its end and returns what it recorded. */
export interface GenerationRunner {
  run(input: GenerationInput): Promise<GenerationRecord>;
}
