import { randomUUID } from 'node:crypto';
import { AgentSpec } from '../agent-spec/schema.ts';
import { ConflictError, DeployUnavailableError, NotFoundError, UpstreamError } from '../core/errors.ts';
import { type Features, requireFeature } from '../core/flags/guard.ts';
import type { ArtifactStore } from '../core/ports.ts';
import type { GenerationRepository } from '../generate/ports.ts';
import type { SessionRepository } from '../sessions/ports.ts';
import { type Deployment, FINISHED_PHASES, type SessionDeployments } from './model.ts';
import { deployBlocker, repositoryName, stackName } from './plan.ts';
import type { DeploymentRecord, DeploymentRepository, DeployWorkflow } from './ports.ts';

/** What the platform deploys with, from its configuration. */
export interface DeploySettings {
  region: string;
  artifactsBucket: string;
  /** ECS Fargate agents go into this VPC and these subnets (the operator's choice); unset: not offered. */
  network?: { vpcId: string; subnetIds: string[] };
}

export interface DeploymentDeps {
  sessions: Pick<SessionRepository, 'get'>;
  generations: Pick<GenerationRepository, 'getGeneration'>;
  store: ArtifactStore;
  deployments: DeploymentRepository;
  features: Features;
  /** The deployment workflow; absent where the platform is not running in an AWS account (npm start). */
  workflow?: DeployWorkflow;
  settings: DeploySettings;
  now?: () => Date;
}

/** The deployment workflow's own timeout (lib/workflows/deployment.asl.json), plus a margin. */
const WORKFLOW_TIMEOUT_MS = (7_200 + 300) * 1000;

/** Said where the platform runs on this machine: it has no account to deploy into. */
export const NOT_IN_AWS =
  'Deploying from the platform needs the platform running in your AWS account with the deploy-to-account feature on; run the commands below instead.';
const FEATURE_OFF =
  'Deploying from the platform is not turned on for you (the operator enables the deploy-to-account feature); run the commands below instead.';

/** A deployment as the API shows it: none of the workflow's own state. */
export function deploymentView(record: DeploymentRecord): Deployment {
  const {
    owner: _owner,
    sourceKey: _sourceKey,
    projectFolder: _projectFolder,
    repositoryName: _repositoryName,
    imageUri: _imageUri,
    packageKey: _packageKey,
    buildId: _buildId,
    executionArn: _executionArn,
    ...view
  } = record;
  return view;
}

async function ownedSession(deps: DeploymentDeps, owner: string, sessionId: string) {
  const session = await deps.sessions.get(sessionId);
  if (!session || session.owner !== owner) throw new NotFoundError(`no session ${sessionId}`);
  return session;
}

/** A session's deployments, and whether the platform offers to deploy for this builder, and why not. */
export async function listDeployments(
  deps: DeploymentDeps,
  owner: string,
  sessionId: string,
): Promise<SessionDeployments> {
  await ownedSession(deps, owner, sessionId);
  const deployments = (await deps.deployments.list(sessionId)).map(deploymentView);
  if (!deps.workflow)
    return { available: false, unavailable: { reason: 'not-in-aws', message: NOT_IN_AWS }, deployments };
  const feature = await deps.features.evaluate('deploy-to-account', { sub: owner });
  if (!feature.enabled)
    return { available: false, unavailable: { reason: 'feature-off', message: FEATURE_OFF }, deployments };
  return { available: true, deployments };
}

/** The latest deployment of the session's agent to one target. */
export async function getDeployment(
  deps: DeploymentDeps,
  owner: string,
  sessionId: string,
  target: Deployment['target'],
): Promise<Deployment> {
  await ownedSession(deps, owner, sessionId);
  const stored = await deps.deployments.get(sessionId, target);
  if (!stored) throw new NotFoundError(`the agent of session ${sessionId} was never deployed to ${target}`);
  return deploymentView(stored.value);
}

/**
 * Deploys one version of the session's agent into the platform's account: records the deployment as
 * queued and starts the workflow (CodeBuild image, ECR, CloudFormation). One stack per session and
 * target: deploying again updates it, and waits until the one going has finished.
 */
export async function startDeployment(
  deps: DeploymentDeps,
  owner: string,
  sessionId: string,
  generationId: string,
): Promise<Deployment> {
  await ownedSession(deps, owner, sessionId);
  // Where the platform is not in an account there is nothing to turn on: say so before the flag.
  const workflow = deps.workflow;
  if (!workflow) throw new DeployUnavailableError(NOT_IN_AWS);
  await requireFeature(deps, 'deploy-to-account', { sub: owner });
  const generation = await deps.generations.getGeneration(generationId);
  if (!generation || generation.owner !== owner || generation.sessionId !== sessionId)
    throw new NotFoundError(`no generation ${generationId} of session ${sessionId}`);
  const spec = AgentSpec.safeParse(generation.spec);
  if (generation.status !== 'SUCCEEDED' || !spec.success || !generation.artifactPrefix)
    throw new ConflictError(`generation ${generationId} has no project to deploy; generate again first`);
  const { target } = spec.data.deployment;
  const current = await deps.deployments.get(sessionId, target);
  const nowMs = (deps.now?.() ?? new Date()).getTime();
  // The workflow stops after two hours; a deployment silent for longer than that is not still going.
  const going =
    current !== undefined &&
    !FINISHED_PHASES.includes(current.value.phase) &&
    nowMs - Date.parse(current.value.updatedAt) < WORKFLOW_TIMEOUT_MS;
  if (current && going)
    throw new ConflictError(
      `a deployment of this agent to ${target} is still going (${current.value.phase}); wait until it ends`,
    );
  if (target === 'ecs-fargate' && !deps.settings.network)
    throw new DeployUnavailableError(
      'ECS Fargate agents need a VPC and subnets, which the operator has not set (AgentVpcId and AgentSubnetIds at deploy time); run the commands below instead',
    );
  const sourceKey = `${generation.artifactPrefix}/project.zip`;
  const zip = await deps.store.get(sourceKey);
  if (!zip) throw new NotFoundError(`the project of generation ${generationId} is no longer stored`);
  const projectFolder = generation.name ?? spec.data.name;
  const blocker = deployBlocker(zip, projectFolder, target);
  if (blocker) throw new DeployUnavailableError(blocker);

  const now = new Date(nowMs).toISOString();
  const record: DeploymentRecord = {
    id: randomUUID(),
    owner,
    sessionId,
    generationId,
    ...(generation.version ? { version: generation.version } : {}),
    target,
    region: deps.settings.region,
    stackName: current?.value.stackName ?? stackName(projectFolder, sessionId, target),
    update: current !== undefined,
    phase: 'queued',
    outputs: current?.value.outputs ?? {},
    ...(current?.value.endpoint ? { endpoint: current.value.endpoint } : {}),
    phases: [{ phase: 'queued', at: now }],
    createdAt: now,
    updatedAt: now,
    sourceKey,
    projectFolder,
    ...(target === 'lambda'
      ? {}
      : { repositoryName: current?.value.repositoryName ?? repositoryName(projectFolder, sessionId) }),
  };
  const version = current?.version ?? 0;
  if (!(await deps.deployments.put(record, version)))
    throw new ConflictError('another deployment of this agent started at the same time; look at it first');
  let executionArn: string;
  try {
    executionArn = await workflow.start({ sessionId, target, deploymentId: record.id });
  } catch {
    const failed: DeploymentRecord = {
      ...record,
      phase: 'failed',
      reason: 'the deployment workflow could not be started; try again',
      phases: [...record.phases, { phase: 'failed', at: (deps.now?.() ?? new Date()).toISOString() }],
    };
    await deps.deployments.put(failed, version + 1);
    throw new UpstreamError('the deployment workflow could not be started; try again');
  }
  await deps.deployments.put({ ...record, executionArn }, version + 1);
  return deploymentView(record);
}
