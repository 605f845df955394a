import { StateMachine } from 'aws-local-stepfunctions';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentTarget } from '../../lambdas/agent-spec/schema.ts';
import { DeployUnavailableError, FeatureNotEnabledError, NotFoundError } from '../../lambdas/core/errors.ts';
import type { FeatureState, Features, FlagKey } from '../../lambdas/core/flags/guard.ts';
import type { Deployment } from '../../lambdas/deployments/model.ts';
import type {
  DeployCloud,
  DeployExecutionInput,
  DeploymentRecord,
  DeploymentRepository,
  ImageBuildRequest,
  ImageBuildState,
  StackRequest,
  StackState,
} from '../../lambdas/deployments/ports.ts';
import {
  type DeploymentDeps,
  getDeployment,
  listDeployments,
  NOT_IN_AWS,
  startDeployment,
} from '../../lambdas/deployments/service.ts';
import { type DeployTaskDeps, runDeployTask } from '../../lambdas/deployments/workflow.ts';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import { zipProject } from '../../lambdas/generate/zip.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { assertValidSpec } from '../../lambdas/registries/validate.ts';
import type { Session } from '../../lambdas/sessions/model.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import definition from '../../lib/workflows/deployment.asl.json' with { type: 'json' };
import { MemorySessions, MemoryTestStore } from '../fakes.ts';

const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
const SESSION = '3f2b8c1e-0000-4000-8000-000000000001';

/** Deployments in memory, with the DynamoDB repository's version-conditional writes. */
class MemoryDeployments implements DeploymentRepository {
  readonly items = new Map<string, { value: DeploymentRecord; version: number }>();
  async get(sessionId: string, target: DeploymentTarget) {
    const item = this.items.get(`${sessionId}/${target}`);
    return item ? structuredClone(item) : undefined;
  }
  async list(sessionId: string) {
    return [...this.items.entries()].filter(([k]) => k.startsWith(`${sessionId}/`)).map(([, v]) => v.value);
  }
  async put(record: DeploymentRecord, expectedVersion: number) {
    const key = `${record.sessionId}/${record.target}`;
    if ((this.items.get(key)?.version ?? 0) !== expectedVersion) return false;
    this.items.set(key, { value: structuredClone(record), version: expectedVersion + 1 });
    return true;
  }
}

/** CodeBuild, ECR and CloudFormation as scripted answers, remembering what they were asked. */
class StandInCloud implements DeployCloud {
  readonly repositories = new Set<string>();
  readonly builds: ImageBuildRequest[] = [];
  readonly stackRequests: StackRequest[] = [];
  readonly stacks = new Map<string, number>();
  buildStates: ImageBuildState[] = [
    { status: 'in-progress', currentPhase: 'BUILD' },
    { status: 'in-progress', currentPhase: 'POST_BUILD' },
    { status: 'succeeded', currentPhase: 'COMPLETED' },
  ];
  stackStates: StackState[] = [
    { status: 'in-progress', outputs: {} },
    {
      status: 'complete',
      outputs: { FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/', FunctionName: 'f' },
    },
  ];
  private buildCalls = 0;
  private stackCalls = 0;

  async ensureRepository(name: string) {
    this.repositories.add(name);
    return `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}`;
  }
  async startImageBuild(request: ImageBuildRequest) {
    this.builds.push(request);
    this.buildCalls = 0;
    return `agent-build:${this.builds.length}`;
  }
  async imageBuild() {
    const state = this.buildStates[Math.min(this.buildCalls, this.buildStates.length - 1)];
    this.buildCalls += 1;
    return state ?? { status: 'failed' as const };
  }
  async deployStack(request: StackRequest) {
    this.stackRequests.push(request);
    this.stackCalls = 0;
    const existed = this.stacks.has(request.stackName);
    this.stacks.set(request.stackName, (this.stacks.get(request.stackName) ?? 0) + 1);
    return existed ? ('updated' as const) : ('created' as const);
  }
  async stack() {
    const state = this.stackStates[Math.min(this.stackCalls, this.stackStates.length - 1)];
    this.stackCalls += 1;
    return state ?? { status: 'failed' as const, outputs: {} };
  }
}

const flags = (on: Partial<Record<FlagKey, boolean>>): Features => ({
  source: 'test',
  async evaluate(key: FlagKey) {
    const enabled = on[key] ?? false;
    return {
      key,
      name: key,
      description: '',
      enabled,
      variant: enabled ? 'on' : 'off',
      reason: 'STATIC',
    } as FeatureState;
  },
  async list() {
    return [];
  },
});

async function world(
  target: DeploymentTarget,
  options: { flag?: boolean; inAws?: boolean; tools?: string[] } = {},
) {
  const { spec } = assertValidSpec(
    {
      name: 'Refund helper',
      model: 'amazon.nova-lite-v1:0',
      systemPrompt: 'Be brief.',
      tools: options.tools ?? ['calculator'],
      deployment: { target, region: 'eu-west-1' },
    },
    registries,
  );
  const project = await generateAgentProject(spec, registries);
  const store = new MemoryTestStore();
  await store.put('generations/g1/project.zip', zipProject(project.metadata.name, project.files));
  await store.putGeneration({
    id: 'g1',
    owner: 'alice',
    sessionId: SESSION,
    status: 'SUCCEEDED',
    name: project.metadata.name,
    files: project.metadata.files,
    spec,
    version: 2,
    artifactPrefix: 'generations/g1',
    createdAt: '2026-01-01T00:00:00Z',
  });
  const sessions = new MemorySessions();
  await sessions.create({
    id: SESSION,
    owner: 'alice',
    title: 'Refund helper',
    phase: 'DEPLOYMENT',
    answers: {},
    selections: {},
    messages: [],
    generationIds: ['g1'],
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  } as Session);
  const deployments = new MemoryDeployments();
  const cloud = new StandInCloud();
  const started: DeployExecutionInput[] = [];
  const settings = {
    region: 'eu-west-1',
    artifactsBucket: 'platform-artifacts',
    network: { vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'] },
  };
  const deps: DeploymentDeps = {
    sessions,
    generations: store,
    store,
    deployments,
    features: flags({ 'deploy-to-account': options.flag ?? true }),
    ...(options.inAws === false
      ? {}
      : {
          workflow: {
            async start(input: DeployExecutionInput) {
              started.push(input);
              return `arn:aws:states:eu-west-1:123456789012:execution:deploy:${input.deploymentId}`;
            },
          },
        }),
    settings,
  };
  const taskDeps: DeployTaskDeps = { deployments, store, cloud, settings };
  return { deps, taskDeps, cloud, deployments, started, store };
}

/** Runs the workflow's ASL file to its end, its Task states running the tasks with the stand-ins, no waiting. */
async function runWorkflow(input: DeployExecutionInput, taskDeps: DeployTaskDeps, seen: string[] = []) {
  const machine = new StateMachine(
    JSON.parse(
      JSON.stringify(definition).replaceAll(
        '${DeployTaskFunctionArn}',
        'arn:aws:lambda:eu-west-1:123456789012:function:deploy-tasks',
      ),
    ),
    { validationOptions: { checkArn: false } },
  );
  const handler = async (payload: unknown) => {
    const { task, input: state } = payload as { task: string; input: unknown };
    const result = await runDeployTask(task, state, taskDeps);
    const stored = await taskDeps.deployments.get(input.sessionId, input.target);
    if (stored) seen.push(stored.value.phase);
    return result as never;
  };
  const tasks = Object.entries(definition.States)
    .filter(([, s]) => s.Type === 'Task')
    .map(([name]) => name);
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(tasks.map((name) => [name, handler])),
      waitTimeOverrides: { WaitForBuild: 0, WaitForStack: 0 },
      retryIntervalOverrides: {},
    },
  });
  return execution.result.catch((error: unknown) => error);
}

const phasesOf = (d: Deployment) => d.phases.map((p) => p.phase);

describe('Deploy to this account: start and progress', () => {
  it('starts the workflow for an owned version and answers queued with a stable stack name', async () => {
    const w = await world('lambda');
    const deployment = await startDeployment(w.deps, 'alice', SESSION, 'g1');
    expect(deployment).toMatchObject({ phase: 'queued', target: 'lambda', version: 2, update: false });
    expect(deployment.stackName).toBe('agentbuilder-refund-helper-3f2b8c1e-lambda');
    expect(w.started).toEqual([{ sessionId: SESSION, target: 'lambda', deploymentId: deployment.id }]);
    // What the API shows carries none of the workflow's own state.
    expect(Object.keys(deployment)).not.toContain('owner');
    expect(Object.keys(deployment)).not.toContain('sourceKey');
  });

  it('goes queued → building → pushing → deploying → complete, and records the endpoint and outputs', async () => {
    const w = await world('lambda');
    const started = await startDeployment(w.deps, 'alice', SESSION, 'g1');
    const seen: string[] = [];
    await runWorkflow(w.started[0] as DeployExecutionInput, w.taskDeps, seen);
    // After each task: started, BUILD, POST_BUILD (the push), succeeded, stack started, in progress, complete.
    expect(seen).toEqual([
      'building-image',
      'building-image',
      'pushing',
      'pushing',
      'deploying-stack',
      'deploying-stack',
      'complete',
    ]);
    const done = await getDeployment(w.deps, 'alice', SESSION, 'lambda');
    expect(phasesOf(done)).toEqual(['queued', 'building-image', 'pushing', 'deploying-stack', 'complete']);
    expect(done.endpoint).toBe('https://abc.lambda-url.eu-west-1.on.aws/');
    expect(done.outputs.FunctionName).toBe('f');
    expect(done.id).toBe(started.id);
    // The Lambda package is built from the project zip and deployed from the platform's bucket.
    expect(w.cloud.builds[0]).toMatchObject({
      sourceKey: 'platform-artifacts/generations/g1/project.zip',
      projectFolder: 'refund-helper',
      target: 'lambda',
      packageKey: `deployments/${SESSION}/${started.id}/function.zip`,
    });
    expect(w.cloud.stackRequests[0]?.parameters).toEqual({
      AgentName: 'refund-helper-3f2b8c1e',
      CodeBucket: 'platform-artifacts',
      CodeKey: `deployments/${SESSION}/${started.id}/function.zip`,
    });
    expect(JSON.parse(w.cloud.stackRequests[0]?.templateBody ?? '{}').Resources.Function.Type).toBe(
      'AWS::Lambda::Function',
    );
  });

  it('pushes an AgentCore image to the agent repository and adds the runtime to the role template', async () => {
    const w = await world('agentcore');
    w.cloud.stackStates = [
      {
        status: 'complete',
        outputs: {
          AgentRuntimeArn: 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/r-1',
          RuntimeRoleArn: 'arn:role',
        },
      },
    ];
    const started = await startDeployment(w.deps, 'alice', SESSION, 'g1');
    await runWorkflow(w.started[0] as DeployExecutionInput, w.taskDeps);
    expect([...w.cloud.repositories]).toEqual(['agentbuilder/refund-helper-3f2b8c1e']);
    expect(w.cloud.builds[0]).toMatchObject({
      repositoryName: 'agentbuilder/refund-helper-3f2b8c1e',
      imageTag: started.id,
    });
    const request = w.cloud.stackRequests[0];
    const template = JSON.parse(request?.templateBody ?? '{}');
    expect(template.Resources.Runtime).toMatchObject({
      Type: 'AWS::BedrockAgentCore::Runtime',
      Properties: {
        AgentRuntimeArtifact: { ContainerConfiguration: { ContainerUri: { Ref: 'ImageUri' } } },
        RoleArn: { 'Fn::GetAtt': ['RuntimeRole', 'Arn'] },
      },
    });
    expect(template.Resources.Runtime.Properties.AgentRuntimeName).toMatch(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/);
    expect(template.Resources.Runtime.Properties.EnvironmentVariables.MODEL_ID).toMatch(/nova-lite/);
    expect(request?.parameters.ImageUri).toBe(
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/agentbuilder/refund-helper-3f2b8c1e:${started.id}`,
    );
    const done = await getDeployment(w.deps, 'alice', SESSION, 'agentcore');
    expect(done.endpoint).toBe('arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/r-1');
  });

  it('gives an ECS Fargate stack the image and the operator’s network', async () => {
    const w = await world('ecs-fargate');
    w.cloud.stackStates = [
      { status: 'complete', outputs: { ServiceUrl: 'http://internal-agent.elb.amazonaws.com' } },
    ];
    await startDeployment(w.deps, 'alice', SESSION, 'g1');
    await runWorkflow(w.started[0] as DeployExecutionInput, w.taskDeps);
    expect(w.cloud.stackRequests[0]?.parameters).toMatchObject({
      AgentName: 'refund-helper-3f2b8c1e',
      VpcId: 'vpc-1',
      SubnetIds: 'subnet-a,subnet-b',
      RepositoryName: 'agentbuilder/refund-helper-3f2b8c1e',
    });
    expect((await getDeployment(w.deps, 'alice', SESSION, 'ecs-fargate')).endpoint).toBe(
      'http://internal-agent.elb.amazonaws.com',
    );
  });
});

describe('Deploy to this account: failures', () => {
  it('records a failed image build with CodeBuild’s phase and reason, and never touches CloudFormation', async () => {
    const w = await world('agentcore');
    w.cloud.buildStates = [
      {
        status: 'failed',
        currentPhase: 'BUILD',
        reason: 'Error while executing command: docker build. Reason: exit status 1',
      },
    ];
    await startDeployment(w.deps, 'alice', SESSION, 'g1');
    await runWorkflow(w.started[0] as DeployExecutionInput, w.taskDeps);
    const failed = await getDeployment(w.deps, 'alice', SESSION, 'agentcore');
    expect(failed.phase).toBe('failed');
    expect(failed.reason).toBe(
      'the image build failed in CodeBuild (BUILD phase): Error while executing command: docker build. Reason: exit status 1',
    );
    expect(w.cloud.stackRequests).toEqual([]);
  });

  it('records a failed stack with the CloudFormation event that failed', async () => {
    const w = await world('lambda');
    w.cloud.stackStates = [
      {
        status: 'failed',
        reason: 'Function: Resource handler returned message: "Code storage limit exceeded"',
        outputs: {},
      },
    ];
    await startDeployment(w.deps, 'alice', SESSION, 'g1');
    await runWorkflow(w.started[0] as DeployExecutionInput, w.taskDeps);
    const failed = await getDeployment(w.deps, 'alice', SESSION, 'lambda');
    expect(failed.phase).toBe('failed');
    expect(failed.reason).toContain(
      'the CloudFormation stack agentbuilder-refund-helper-3f2b8c1e-lambda failed',
    );
    expect(failed.reason).toContain('Code storage limit exceeded');
  });

  it('records any other error of a state as the failure, with its message', async () => {
    const w = await world('lambda');
    w.cloud.deployStack = async () => {
      throw new Error('the stack agentbuilder-x failed to create before; delete it and deploy again');
    };
    await startDeployment(w.deps, 'alice', SESSION, 'g1');
    await runWorkflow(w.started[0] as DeployExecutionInput, w.taskDeps);
    const failed = await getDeployment(w.deps, 'alice', SESSION, 'lambda');
    expect(failed.phase).toBe('failed');
    expect(failed.reason).toMatch(/failed to create before; delete it and deploy again/);
  });
});

describe('Deploy to this account: again, and who may', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeEach(async () => {
    w = await world('lambda');
  });

  it('deploying twice updates the same stack rather than making another', async () => {
    const first = await startDeployment(w.deps, 'alice', SESSION, 'g1');
    await runWorkflow(w.started[0] as DeployExecutionInput, w.taskDeps);
    const second = await startDeployment(w.deps, 'alice', SESSION, 'g1');
    expect(second).toMatchObject({ stackName: first.stackName, update: true, phase: 'queued' });
    await runWorkflow(w.started[1] as DeployExecutionInput, w.taskDeps);
    expect(w.cloud.stackRequests.map((r) => r.stackName)).toEqual([first.stackName, first.stackName]);
    expect(w.cloud.stacks.get(first.stackName)).toBe(2);
    const listed = await listDeployments(w.deps, 'alice', SESSION);
    expect(listed.deployments.map((d) => d.id)).toEqual([second.id]);
  });

  it('refuses a second deployment while one is going (409)', async () => {
    await startDeployment(w.deps, 'alice', SESSION, 'g1');
    await expect(startDeployment(w.deps, 'alice', SESSION, 'g1')).rejects.toMatchObject({
      type: 'conflict',
      statusCode: 409,
    });
  });

  it('lets a deployment start again once the one before has been silent past the workflow’s timeout', async () => {
    const first = await startDeployment(w.deps, 'alice', SESSION, 'g1');
    const later = { ...w.deps, now: () => new Date(Date.parse(first.updatedAt) + 3 * 3_600_000) };
    const second = await startDeployment(later, 'alice', SESSION, 'g1');
    expect(second).toMatchObject({ stackName: first.stackName, update: true, phase: 'queued' });
  });

  it('answers 404 to someone who does not own the session or the version', async () => {
    await expect(startDeployment(w.deps, 'mallory', SESSION, 'g1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getDeployment(w.deps, 'mallory', SESSION, 'lambda')).rejects.toBeInstanceOf(NotFoundError);
    await expect(listDeployments(w.deps, 'mallory', SESSION)).rejects.toBeInstanceOf(NotFoundError);
    await expect(startDeployment(w.deps, 'alice', SESSION, 'no-such-generation')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(w.started).toEqual([]);
  });

  it('answers 403 feature-not-enabled when the operator has not turned the flag on, and says so in the list', async () => {
    const off = await world('lambda', { flag: false });
    const refused = await startDeployment(off.deps, 'alice', SESSION, 'g1').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FeatureNotEnabledError);
    expect(refused).toMatchObject({ statusCode: 403, type: 'feature-not-enabled' });
    expect(off.started).toEqual([]);
    expect(await listDeployments(off.deps, 'alice', SESSION)).toMatchObject({
      available: false,
      unavailable: { reason: 'feature-off' },
    });
  });

  it('does not pretend to deploy where the platform is not in AWS: 409 deploy-unavailable, and the list says why', async () => {
    const local = await world('lambda', { inAws: false });
    expect(await listDeployments(local.deps, 'alice', SESSION)).toEqual({
      available: false,
      unavailable: { reason: 'not-in-aws', message: NOT_IN_AWS },
      deployments: [],
    });
    const refused = await startDeployment(local.deps, 'alice', SESSION, 'g1').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DeployUnavailableError);
    expect(refused).toMatchObject({ statusCode: 409, type: 'deploy-unavailable' });
    expect(await local.deployments.list(SESSION)).toEqual([]);
    // With the flag off too, what the builder needs to hear is that this platform cannot deploy.
    const localOff = await world('lambda', { inAws: false, flag: false });
    await expect(startDeployment(localOff.deps, 'alice', SESSION, 'g1')).rejects.toMatchObject({
      type: 'deploy-unavailable',
    });
  });

  it('refuses an agent that needs secrets only the builder can give, saying to use the commands', async () => {
    const secrets = await world('lambda', { tools: ['calculator', 'tavily_search'] });
    const refused = await startDeployment(secrets.deps, 'alice', SESSION, 'g1').catch((e: unknown) => e);
    expect(refused).toMatchObject({ type: 'deploy-unavailable' });
    expect((refused as Error).message).toMatch(/secrets/);
  });

  it('refuses an ECS Fargate agent when the operator set no network for agents', async () => {
    const ecs = await world('ecs-fargate');
    const { network: _network, ...noNetwork } = ecs.deps.settings;
    const refused = await startDeployment({ ...ecs.deps, settings: noNetwork }, 'alice', SESSION, 'g1').catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ type: 'deploy-unavailable' });
    expect((refused as Error).message).toMatch(/AgentVpcId/);
  });
});
