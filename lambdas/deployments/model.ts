import { z } from 'zod';
import { DeploymentTarget } from '../agent-spec/schema.ts';
import { IdParams } from '../core/contract.ts';

/**
 * Where a deployment is: waiting for the workflow, building the image (or the Lambda package) in
 * CodeBuild, pushing it, creating or updating the CloudFormation stack, then complete or failed.
 */
export const DeploymentPhase = z.enum([
  'queued',
  'building-image',
  'pushing',
  'deploying-stack',
  'complete',
  'failed',
]);
export type DeploymentPhase = z.infer<typeof DeploymentPhase>;

/** Phases after which nothing more happens. */
export const FINISHED_PHASES: readonly DeploymentPhase[] = ['complete', 'failed'];

/** The latest deployment of a session's agent to one target in the platform's own account. */
export const Deployment = z.object({
  id: z.string(),
  sessionId: z.string(),
  generationId: z.string(),
  /** The version of the agent deployed (v1, v2, …). */
  version: z.number().int().positive().optional(),
  target: DeploymentTarget,
  region: z.string(),
  /** The CloudFormation stack: one per session and target, so deploying again updates it. */
  stackName: z.string(),
  /** True when this deployment updated a stack an earlier one created. */
  update: z.boolean(),
  phase: DeploymentPhase,
  /** Why it failed: the CodeBuild phase or the CloudFormation event that did. */
  reason: z.string().optional(),
  /** Where to call the agent: the function URL, the load balancer URL or the AgentCore runtime ARN. */
  endpoint: z.string().optional(),
  /** The stack's outputs once it is complete. */
  outputs: z.record(z.string(), z.string()),
  /** Each phase the deployment went through, with when it began. */
  phases: z.array(z.object({ phase: DeploymentPhase, at: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Deployment = z.infer<typeof Deployment>;

/** Why the platform cannot deploy for this builder, when it cannot. */
export const DeployUnavailable = z.object({
  reason: z.enum(['not-in-aws', 'feature-off']),
  message: z.string(),
});

/** A session's deployments, and whether "Deploy to this account" is offered. */
export const SessionDeployments = z.object({
  available: z.boolean(),
  unavailable: DeployUnavailable.optional(),
  deployments: z.array(Deployment),
});
export type SessionDeployments = z.infer<typeof SessionDeployments>;

/** Deploy one version (a successful generation of the session) to the account. */
export const StartDeploymentBody = z.object({ generationId: z.string().min(1).max(100) }).strict();

export const DeploymentParams = IdParams.extend({ target: DeploymentTarget });
