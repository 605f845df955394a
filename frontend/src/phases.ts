import { PHASES, type Phase } from './types.ts';

export const PHASE_LABELS: Record<Phase, string> = {
  REQUIREMENTS: 'Requirements',
  ARCHITECTURE: 'Architecture',
  IMPLEMENTATION: 'Implementation',
  CODE_GENERATION: 'Code generation',
  TESTING: 'Testing',
  DEPLOYMENT: 'Deployment',
  COMPLETE: 'Complete',
};

/** The builder's tabs, each opened by a phase of the session. */
export const TABS = [
  { key: 'requirements', label: 'Requirements', phase: 'REQUIREMENTS' },
  { key: 'model', label: 'Model Selection', phase: 'ARCHITECTURE' },
  { key: 'tools', label: 'Tool Selection', phase: 'IMPLEMENTATION' },
  { key: 'code', label: 'Generated Code', phase: 'CODE_GENERATION' },
  { key: 'cost', label: 'Cost Estimate', phase: 'ARCHITECTURE' },
  { key: 'testing', label: 'Testing', phase: 'TESTING' },
] as const satisfies readonly { key: string; label: string; phase: Phase }[];
export type TabKey = (typeof TABS)[number]['key'];

export const phaseIndex = (phase: Phase) => PHASES.indexOf(phase);
export const tabEnabled = (tab: (typeof TABS)[number], phase: Phase) =>
  phaseIndex(phase) >= phaseIndex(tab.phase);
