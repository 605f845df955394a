import type { ProjectContext } from './generate.ts';
import type { ProjectPlan } from './typescript.ts';

export function pythonProject(_context: ProjectContext): ProjectPlan {
  throw new Error('python: in progress');
}
