import { UpstreamError } from '../core/errors.ts';
import type { ArtifactStore } from '../core/ports.ts';
import type { DeploymentPhase } from './model.ts';
import { endpointOf, stackRequest } from './plan.ts';
import type { DeployCloud, DeployExecutionInput, DeploymentRecord, DeploymentRepository } from './ports.ts';
import type { DeploySettings } from './service.ts';

// The task states of the deployment workflow (lib/workflows/deployment.asl.json): each loads the
// deployment, drives one AWS service through the DeployCloud port, and records the phase it reached,
// so `GET` shows progress at any time. The state machine does the waiting between checks.

export interface DeployTaskDeps {
  deployments: DeploymentRepository;
  store: ArtifactStore;
  cloud: DeployCloud;
  settings: DeploySettings;
  now?: () => Date;
}

/** What passes between the workflow's states: which deployment, and what the last check found. */
export interface DeployState extends DeployExecutionInput {
  build?: 'in-progress' | 'succeeded' | 'failed';
  stack?: 'in-progress' | 'complete' | 'failed';
  error?: { Error?: string; Cause?: string };
}

/** A deployment another one has replaced; the workflow of the old one stops at its next state. */
class SupersededError extends Error {}

async function load(deps: DeployTaskDeps, input: DeployExecutionInput) {
  const stored = await deps.deployments.get(input.sessionId, input.target);
  if (!stored || stored.value.id !== input.deploymentId)
    throw new SupersededError(`deployment ${input.deploymentId} is no longer the latest`);
  return stored;
}

async function save(
  deps: DeployTaskDeps,
  stored: { value: DeploymentRecord; version: number },
  change: Partial<DeploymentRecord> & { phase: DeploymentPhase },
): Promise<DeploymentRecord> {
  const at = (deps.now?.() ?? new Date()).toISOString();
  const previous = stored.value;
  const record: DeploymentRecord = {
    ...previous,
    ...change,
    updatedAt: at,
    phases:
      change.phase === previous.phase ? previous.phases : [...previous.phases, { phase: change.phase, at }],
  };
  if (!(await deps.deployments.put(record, stored.version)))
    throw new UpstreamError(`deployment ${previous.id} changed while it was being recorded`);
  return record;
}

/** A reason as a builder reads it: one line, bounded. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 500);

export const deployTasks = {
  /** Creates the ECR repository (container targets) and starts the CodeBuild build of the image or package. */
  async startBuild(input: DeployState, deps: DeployTaskDeps): Promise<DeployState> {
    const stored = await load(deps, input);
    const record = stored.value;
    const container = record.target !== 'lambda';
    const repositoryUri = container
      ? await deps.cloud.ensureRepository(record.repositoryName ?? '')
      : undefined;
    const packageKey = container ? undefined : `deployments/${record.sessionId}/${record.id}/function.zip`;
    const buildId = await deps.cloud.startImageBuild({
      sourceKey: `${deps.settings.artifactsBucket}/${record.sourceKey}`,
      projectFolder: record.projectFolder,
      target: record.target,
      token: record.id,
      ...(container ? { repositoryName: record.repositoryName ?? '', imageTag: record.id } : { packageKey }),
    });
    await save(deps, stored, {
      phase: 'building-image',
      buildId,
      ...(repositoryUri ? { imageUri: `${repositoryUri}:${record.id}` } : {}),
      ...(packageKey ? { packageKey } : {}),
    });
    return { sessionId: input.sessionId, target: input.target, deploymentId: input.deploymentId };
  },

  /** Where the build is: building, pushing (CodeBuild's post-build phase), done or failed with its reason. */
  async checkBuild(input: DeployState, deps: DeployTaskDeps): Promise<DeployState> {
    const stored = await load(deps, input);
    const state = await deps.cloud.imageBuild(stored.value.buildId ?? '');
    const next = { sessionId: input.sessionId, target: input.target, deploymentId: input.deploymentId };
    if (state.status === 'failed') {
      await save(deps, stored, {
        phase: 'failed',
        reason: oneLine(
          `the ${stored.value.target === 'lambda' ? 'package' : 'image'} build failed in CodeBuild${state.currentPhase ? ` (${state.currentPhase} phase)` : ''}: ${state.reason ?? 'see the build logs'}`,
        ),
      });
      return { ...next, build: 'failed' };
    }
    const pushing = ['POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING', 'COMPLETED'].includes(
      state.currentPhase ?? '',
    );
    const phase: DeploymentPhase = state.status === 'succeeded' || pushing ? 'pushing' : 'building-image';
    if (phase !== stored.value.phase) await save(deps, stored, { phase });
    return { ...next, build: state.status };
  },

  /** Creates or updates the agent's stack from the generated template, with the image or package just built. */
  async deployStack(input: DeployState, deps: DeployTaskDeps): Promise<DeployState> {
    const stored = await load(deps, input);
    const record = stored.value;
    const zip = await deps.store.get(record.sourceKey);
    if (!zip) throw new Error(`the project of generation ${record.generationId} is no longer stored`);
    const request = stackRequest(zip, record.projectFolder, {
      target: record.target,
      stackName: record.stackName,
      sessionId: record.sessionId,
      artifactsBucket: deps.settings.artifactsBucket,
      ...(record.repositoryName ? { repositoryName: record.repositoryName } : {}),
      ...(record.imageUri ? { imageUri: record.imageUri } : {}),
      ...(record.packageKey ? { packageKey: record.packageKey } : {}),
      ...(deps.settings.network ? { network: deps.settings.network } : {}),
    });
    await deps.cloud.deployStack(request);
    await save(deps, stored, { phase: 'deploying-stack' });
    return { sessionId: input.sessionId, target: input.target, deploymentId: input.deploymentId };
  },

  /** Where the stack is: settled (its outputs and endpoint recorded), still going, or failed with the event that did. */
  async checkStack(input: DeployState, deps: DeployTaskDeps): Promise<DeployState> {
    const stored = await load(deps, input);
    const state = await deps.cloud.stack(stored.value.stackName);
    const next = { sessionId: input.sessionId, target: input.target, deploymentId: input.deploymentId };
    if (state.status === 'failed') {
      await save(deps, stored, {
        phase: 'failed',
        reason: oneLine(
          `the CloudFormation stack ${stored.value.stackName} failed: ${state.reason ?? 'see its events'}`,
        ),
      });
    } else if (state.status === 'complete') {
      const endpoint = endpointOf(stored.value.target, state.outputs);
      await save(deps, stored, {
        phase: 'complete',
        outputs: state.outputs,
        ...(endpoint ? { endpoint } : {}),
      });
    }
    return { ...next, stack: state.status };
  },

  /** Any other error of a state (caught by the workflow): the deployment failed, with that error's message. */
  async recordFailure(input: DeployState, deps: DeployTaskDeps): Promise<DeployState> {
    const stored = await load(deps, input).catch((error: unknown) => {
      if (error instanceof SupersededError) return undefined;
      throw error;
    });
    if (stored && stored.value.phase !== 'failed' && stored.value.phase !== 'complete')
      await save(deps, stored, { phase: 'failed', reason: oneLine(failureReason(input.error)) });
    return { sessionId: input.sessionId, target: input.target, deploymentId: input.deploymentId };
  },
};

/** The message of a Lambda error as Step Functions reports it (`Cause` is its JSON), else its name. */
function failureReason(error: DeployState['error']): string {
  if (!error) return 'the deployment workflow failed';
  try {
    const cause = JSON.parse(error.Cause ?? '') as { errorMessage?: string };
    if (cause.errorMessage) return cause.errorMessage;
  } catch {
    // not JSON: a service integration's cause is plain text
  }
  return error.Cause || error.Error || 'the deployment workflow failed';
}

export type DeployTask = keyof typeof deployTasks;

/** Runs one task state of the workflow by name. */
export function runDeployTask(task: string, input: unknown, deps: DeployTaskDeps): Promise<DeployState> {
  const fn = deployTasks[task as DeployTask];
  if (!fn) throw new Error(`no deployment task ${task}`);
  return fn(input as DeployState, deps);
}
