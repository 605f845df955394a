import type { z } from 'zod';
import type { RunJob } from './events.ts';

/**
 * The task handed to the runner program: the job, and where its result and events go. The platform
 * writes it to the artifact store; `runner/main.ts` reads it (locally or as a Fargate task).
 */
export interface RunnerTask {
  job: z.input<typeof RunJob>;
  /** The record the result completes (a conversation's turns are runs of their own). */
  record: { kind: 'build' | 'run' | 'conversation' | 'evaluation'; id: string };
  /** A WebSocket connection that receives every event. */
  connectionId?: string;
  /** Whose run it is and where its history lives: the scope of its credentials (AWS). */
  owner?: string;
  sessionId?: string;
  generationId?: string;
  /**
   * An `evaluate` job's evaluation: the model id the agent invokes (its turns' price), the registry
   * model that judges (judge assertions), and the earlier run it is compared with.
   */
  evaluation?: { modelId?: string; judgeModelId?: string; previousId?: string };
}
