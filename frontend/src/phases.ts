import { PHASES, type Phase } from './types.ts';

/**
 * One name per phase, the same in the progress bar, the pills, the step button and the tab the phase
 * opens (the Cost tab opens with the Model phase and has no phase of its own).
 */
export const PHASE_LABELS: Record<Phase, string> = {
  REQUIREMENTS: 'Requirements',
  ARCHITECTURE: 'Model',
  IMPLEMENTATION: 'Tools',
  CODE_GENERATION: 'Code',
  TESTING: 'Testing',
  DEPLOYMENT: 'Deployment',
  COMPLETE: 'Complete',
};

/** The builder's tabs, each opened by a phase of the session. */
export const TABS = [
  { key: 'requirements', label: PHASE_LABELS.REQUIREMENTS, phase: 'REQUIREMENTS' },
  { key: 'model', label: PHASE_LABELS.ARCHITECTURE, phase: 'ARCHITECTURE' },
  { key: 'tools', label: PHASE_LABELS.IMPLEMENTATION, phase: 'IMPLEMENTATION' },
  { key: 'code', label: PHASE_LABELS.CODE_GENERATION, phase: 'CODE_GENERATION' },
  { key: 'cost', label: 'Cost', phase: 'ARCHITECTURE' },
  { key: 'testing', label: PHASE_LABELS.TESTING, phase: 'TESTING' },
  { key: 'deploy', label: PHASE_LABELS.DEPLOYMENT, phase: 'DEPLOYMENT' },
] as const satisfies readonly { key: string; label: string; phase: Phase }[];
export type TabKey = (typeof TABS)[number]['key'];

export const phaseIndex = (phase: Phase) => PHASES.indexOf(phase);
export const tabEnabled = (tab: (typeof TABS)[number], phase: Phase) =>
  phaseIndex(phase) >= phaseIndex(tab.phase);
