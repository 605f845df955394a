import {
  type CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { BatchGetBuildsCommand, type CodeBuildClient, StartBuildCommand } from '@aws-sdk/client-codebuild';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type {
  DeployCloud,
  DeployExecutionInput,
  DeployWorkflow,
  ImageBuildRequest,
  ImageBuildState,
  StackRequest,
  StackState,
} from './ports.ts';

/** The deployment workflow: a Step Functions standard state machine, one execution per deployment. */
export class StepFunctionsDeployWorkflow implements DeployWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: DeployExecutionInput): Promise<string> {
    const result = await this.client.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: input.deploymentId,
        input: JSON.stringify(input),
      }),
    );
    return result.executionArn ?? '';
  }
}

/** What the adapter is given: the clients, the CodeBuild project, and the role CloudFormation acts with. */
export interface AwsDeployCloudOptions {
  codebuild: CodeBuildClient;
  ecr: ECRClient;
  cloudformation: CloudFormationClient;
  projectName: string;
  stackRoleArn: string;
}

const FAILED_STACK = /(FAILED|ROLLBACK_COMPLETE|ROLLBACK_FAILED)$/;

/** CodeBuild, ECR and CloudFormation through the AWS SDK. */
export class AwsDeployCloud implements DeployCloud {
  constructor(private readonly options: AwsDeployCloudOptions) {}

  async ensureRepository(name: string): Promise<string> {
    try {
      const found = await this.options.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
      const uri = found.repositories?.[0]?.repositoryUri;
      if (uri) return uri;
    } catch (error) {
      if (!(error instanceof RepositoryNotFoundException)) throw error;
    }
    const created = await this.options.ecr.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: 'IMMUTABLE',
        encryptionConfiguration: { encryptionType: 'AES256' },
      }),
    );
    return created.repository?.repositoryUri ?? '';
  }

  async startImageBuild(request: ImageBuildRequest): Promise<string> {
    const env = (name: string, value: string) => ({ name, value, type: 'PLAINTEXT' as const });
    const result = await this.options.codebuild.send(
      new StartBuildCommand({
        projectName: this.options.projectName,
        sourceTypeOverride: 'S3',
        sourceLocationOverride: request.sourceKey,
        idempotencyToken: request.token,
        environmentVariablesOverride: [
          env('PROJECT_FOLDER', request.projectFolder),
          env('TARGET', request.target),
          ...(request.repositoryName ? [env('REPOSITORY_NAME', request.repositoryName)] : []),
          ...(request.imageTag ? [env('IMAGE_TAG', request.imageTag)] : []),
          ...(request.packageKey ? [env('PACKAGE_KEY', request.packageKey)] : []),
        ],
      }),
    );
    return result.build?.id ?? '';
  }

  async imageBuild(buildId: string): Promise<ImageBuildState> {
    const result = await this.options.codebuild.send(new BatchGetBuildsCommand({ ids: [buildId] }));
    const build = result.builds?.[0];
    if (!build) return { status: 'failed', reason: `CodeBuild has no build ${buildId}` };
    const phase = build.currentPhase;
    if (build.buildStatus === 'IN_PROGRESS')
      return { status: 'in-progress', ...(phase ? { currentPhase: phase } : {}) };
    if (build.buildStatus === 'SUCCEEDED') return { status: 'succeeded', currentPhase: 'COMPLETED' };
    const failed = build.phases?.find((p) => p.phaseStatus && p.phaseStatus !== 'SUCCEEDED');
    const context = failed?.contexts?.map((c) => c.message).find(Boolean);
    return {
      status: 'failed',
      ...(failed?.phaseType ? { currentPhase: failed.phaseType } : {}),
      reason: context ?? `the build ended ${build.buildStatus ?? 'without a status'}`,
    };
  }

  async deployStack(request: StackRequest): Promise<'created' | 'updated' | 'unchanged'> {
    const common = {
      StackName: request.stackName,
      TemplateBody: request.templateBody,
      Parameters: Object.entries(request.parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Capabilities: ['CAPABILITY_IAM' as const],
      RoleARN: this.options.stackRoleArn,
    };
    const exists = await this.describe(request.stackName);
    // A stack whose first creation failed cannot be updated; CloudFormation wants it deleted first.
    if (exists?.StackStatus === 'ROLLBACK_COMPLETE')
      throw new Error(
        `the stack ${request.stackName} failed to create before; delete it (aws cloudformation delete-stack --stack-name ${request.stackName}) and deploy again`,
      );
    if (!exists) {
      await this.options.cloudformation.send(new CreateStackCommand({ ...common, OnFailure: 'ROLLBACK' }));
      return 'created';
    }
    try {
      await this.options.cloudformation.send(new UpdateStackCommand(common));
      return 'updated';
    } catch (error) {
      if (/No updates are to be performed/.test((error as Error).message)) return 'unchanged';
      throw error;
    }
  }

  async stack(stackName: string): Promise<StackState> {
    const stack = await this.describe(stackName);
    if (!stack) return { status: 'failed', reason: `the stack ${stackName} does not exist`, outputs: {} };
    const status = stack.StackStatus ?? '';
    const outputs = Object.fromEntries(
      (stack.Outputs ?? []).flatMap((o) =>
        o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [],
      ),
    );
    if (status.endsWith('_IN_PROGRESS')) return { status: 'in-progress', outputs };
    if (FAILED_STACK.test(status) || status === 'UPDATE_ROLLBACK_COMPLETE') {
      const events = await this.options.cloudformation.send(
        new DescribeStackEventsCommand({ StackName: stackName }),
      );
      // Newest first: this operation's events go back to the stack's own "User Initiated" start.
      const operation: NonNullable<typeof events.StackEvents> = [];
      for (const e of events.StackEvents ?? []) {
        if (e.LogicalResourceId === stackName && e.ResourceStatusReason === 'User Initiated') break;
        operation.push(e);
      }
      const first = operation
        .filter((e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceStatusReason)
        .at(-1);
      return {
        status: 'failed',
        reason: first
          ? `${first.LogicalResourceId}: ${first.ResourceStatusReason}`
          : (stack.StackStatusReason ?? status),
        outputs,
      };
    }
    return { status: 'complete', outputs };
  }

  private async describe(stackName: string) {
    try {
      const result = await this.options.cloudformation.send(
        new DescribeStacksCommand({ StackName: stackName }),
      );
      return result.Stacks?.[0];
    } catch (error) {
      if (/does not exist/.test((error as Error).message)) return undefined;
      throw error;
    }
  }
}
