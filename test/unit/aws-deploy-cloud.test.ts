import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { type ECRClient, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { AwsDeployCloud, StepFunctionsDeployWorkflow } from '../../lambdas/deployments/aws-deploy-cloud.ts';

/** A stand-in SDK client: answers each command by its class name, remembering what it was sent. */
function client<C>(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const fake = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      sent.push({ command: name, input: command.input });
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected ${name}`);
      return answer(command.input);
    },
  };
  return { client: fake as unknown as C, sent };
}

const cloud = (parts: { codebuild?: unknown; ecr?: unknown; cloudformation?: unknown }) =>
  new AwsDeployCloud({
    codebuild: (parts.codebuild ?? client({}).client) as CodeBuildClient,
    ecr: (parts.ecr ?? client({}).client) as ECRClient,
    cloudformation: (parts.cloudformation ?? client({}).client) as CloudFormationClient,
    projectName: 'AgentBuild',
    stackRoleArn: 'arn:aws:iam::123456789012:role/AgentStackRole',
  });

describe('AwsDeployCloud', () => {
  it('creates the agent repository only when it does not exist, encrypted with immutable tags', async () => {
    const ecr = client<ECRClient>({
      DescribeRepositoriesCommand: () => {
        throw new RepositoryNotFoundException({ message: 'not found', $metadata: {} });
      },
      CreateRepositoryCommand: (input) => ({
        repository: { repositoryUri: `123.dkr.ecr/${input.repositoryName}` },
      }),
    });
    expect(await cloud({ ecr: ecr.client }).ensureRepository('agentbuilder/x-1')).toBe(
      '123.dkr.ecr/agentbuilder/x-1',
    );
    expect(ecr.sent[1]?.input).toMatchObject({
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    });
  });

  it('starts the build from the project zip with its settings, idempotently', async () => {
    const cb = client<CodeBuildClient>({ StartBuildCommand: () => ({ build: { id: 'AgentBuild:1' } }) });
    const id = await cloud({ codebuild: cb.client }).startImageBuild({
      sourceKey: 'bucket/generations/g1/project.zip',
      projectFolder: 'refund-helper',
      target: 'agentcore',
      repositoryName: 'agentbuilder/refund-helper-1',
      imageTag: 'd1',
      token: 'd1',
    });
    expect(id).toBe('AgentBuild:1');
    expect(cb.sent[0]?.input).toMatchObject({
      projectName: 'AgentBuild',
      sourceTypeOverride: 'S3',
      sourceLocationOverride: 'bucket/generations/g1/project.zip',
      idempotencyToken: 'd1',
    });
    expect(cb.sent[0]?.input.environmentVariablesOverride).toContainEqual({
      name: 'REPOSITORY_NAME',
      value: 'agentbuilder/refund-helper-1',
      type: 'PLAINTEXT',
    });
  });

  it('reads a failed build’s phase and CodeBuild’s own message', async () => {
    const cb = client<CodeBuildClient>({
      BatchGetBuildsCommand: () => ({
        builds: [
          {
            buildStatus: 'FAILED',
            currentPhase: 'COMPLETED',
            phases: [
              { phaseType: 'PRE_BUILD', phaseStatus: 'SUCCEEDED' },
              {
                phaseType: 'BUILD',
                phaseStatus: 'FAILED',
                contexts: [{ message: 'Error while executing command: docker build. Reason: exit status 1' }],
              },
            ],
          },
        ],
      }),
    });
    expect(await cloud({ codebuild: cb.client }).imageBuild('AgentBuild:1')).toEqual({
      status: 'failed',
      currentPhase: 'BUILD',
      reason: 'Error while executing command: docker build. Reason: exit status 1',
    });
  });

  it('creates a new stack with the CloudFormation role, updates an existing one, and knows an empty update', async () => {
    let exists = false;
    let noChange = false;
    const cfn = client<CloudFormationClient>({
      DescribeStacksCommand: () => {
        if (!exists) throw new Error('Stack with id agentbuilder-x does not exist');
        return { Stacks: [{ StackStatus: 'UPDATE_COMPLETE' }] };
      },
      CreateStackCommand: () => ({ StackId: 'id' }),
      UpdateStackCommand: () => {
        if (noChange) throw new Error('No updates are to be performed.');
        return { StackId: 'id' };
      },
    });
    const c = cloud({ cloudformation: cfn.client });
    const request = { stackName: 'agentbuilder-x', templateBody: '{}', parameters: { ImageUri: 'u' } };
    expect(await c.deployStack(request)).toBe('created');
    expect(cfn.sent.find((s) => s.command === 'CreateStackCommand')?.input).toMatchObject({
      RoleARN: 'arn:aws:iam::123456789012:role/AgentStackRole',
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [{ ParameterKey: 'ImageUri', ParameterValue: 'u' }],
    });
    exists = true;
    expect(await c.deployStack(request)).toBe('updated');
    noChange = true;
    expect(await c.deployStack(request)).toBe('unchanged');
  });

  it('names the first event of this operation that failed, not an older one', async () => {
    const cfn = client<CloudFormationClient>({
      DescribeStacksCommand: () => ({ Stacks: [{ StackStatus: 'UPDATE_ROLLBACK_COMPLETE', Outputs: [] }] }),
      DescribeStackEventsCommand: () => ({
        StackEvents: [
          { LogicalResourceId: 'agentbuilder-x', ResourceStatus: 'UPDATE_ROLLBACK_COMPLETE' },
          {
            LogicalResourceId: 'Service',
            ResourceStatus: 'UPDATE_FAILED',
            ResourceStatusReason: 'Resource update cancelled',
          },
          {
            LogicalResourceId: 'TaskDefinition',
            ResourceStatus: 'UPDATE_FAILED',
            ResourceStatusReason: 'Invalid memory',
          },
          {
            LogicalResourceId: 'agentbuilder-x',
            ResourceStatus: 'UPDATE_IN_PROGRESS',
            ResourceStatusReason: 'User Initiated',
          },
          {
            LogicalResourceId: 'Old',
            ResourceStatus: 'CREATE_FAILED',
            ResourceStatusReason: 'an older failure',
          },
        ],
      }),
    });
    expect(await cloud({ cloudformation: cfn.client }).stack('agentbuilder-x')).toEqual({
      status: 'failed',
      reason: 'TaskDefinition: Invalid memory',
      outputs: {},
    });
  });

  it('starts one workflow execution per deployment, named by it', async () => {
    const sfn = client<SFNClient>({
      StartExecutionCommand: (input) => ({ executionArn: `arn:exec:${input.name}` }),
    });
    const workflow = new StepFunctionsDeployWorkflow(sfn.client, 'arn:sm');
    expect(await workflow.start({ sessionId: 's', target: 'lambda', deploymentId: 'd1' })).toBe(
      'arn:exec:d1',
    );
    expect(JSON.parse(String(sfn.sent[0]?.input.input))).toEqual({
      sessionId: 's',
      target: 'lambda',
      deploymentId: 'd1',
    });
  });
});
