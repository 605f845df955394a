import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AGENT_PREFIX } from '../lambdas/deployments/plan.ts';
import { ECR_PUSH_ACTIONS } from '../lambdas/generate/iam.ts';
import { PlatformFunction } from './agent-function.ts';
import { DATA_GRANTS, suppress } from './nag.ts';
import { taskStateMachine } from './task-workflow.ts';

const regex = (pattern: string) => ({ regex: `/${pattern}/g` });
/** An ARN's partition, Region and account as nag sees them: tokens, or resolved when the stack has an env. */
const PARTITION = '(<AWS::Partition>|aws[a-z-]*)';
const REGION = '(<AWS::Region>|[a-z0-9-]+)';
const ACCOUNT = '(<AWS::AccountId>|[0-9]{12})';

export interface DeployWorkflowProps {
  table: dynamodb.ITableV2;
  bucket: s3.IBucket;
  /** The VPC and subnets (comma-separated) ECS Fargate agents go into; empty: ECS agents are not deployed. */
  agentNetwork: { vpcId: string; subnetIds: string };
}

/**
 * The build the platform runs for an agent, from the generated project's zip (one folder, named
 * $PROJECT_FOLDER): an ARM64 image pushed to the agent's ECR repository, or for a Lambda agent its
 * package (the project's own deploy/lambda/package.sh) uploaded to the artifacts bucket.
 */
const AGENT_BUILDSPEC = {
  version: '0.2',
  phases: {
    pre_build: {
      commands: [
        'cd "$CODEBUILD_SRC_DIR/$PROJECT_FOLDER"',
        'if [ "$TARGET" != lambda ]; then REPOSITORY_URI="$AWS_ACCOUNT_ID.dkr.ecr.$AWS_DEFAULT_REGION.amazonaws.com/$REPOSITORY_NAME"; aws ecr get-login-password | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}"; fi',
      ],
    },
    build: {
      commands: [
        'cd "$CODEBUILD_SRC_DIR/$PROJECT_FOLDER"',
        'if [ "$TARGET" = lambda ]; then bash deploy/lambda/package.sh; else docker build --tag "$REPOSITORY_URI:$IMAGE_TAG" .; fi',
      ],
    },
    post_build: {
      commands: [
        'cd "$CODEBUILD_SRC_DIR/$PROJECT_FOLDER"',
        '[ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ]',
        'if [ "$TARGET" = lambda ]; then aws s3 cp deploy/lambda/function.zip "s3://$ARTIFACTS_BUCKET/$PACKAGE_KEY"; else docker push "$REPOSITORY_URI:$IMAGE_TAG"; fi',
      ],
    },
  },
};

/**
 * "Deploy to this account": a standard state machine (lib/workflows/deployment.asl.json) whose task
 * Lambda builds an agent's image in CodeBuild, pushes it to ECR and creates or updates the agent's
 * CloudFormation stack with a role of its own. Everything it may touch is named with the agents'
 * prefix: ECR repositories `agentbuilder/*`, stacks and the roles in them `agentbuilder-*`.
 */
export class DeployWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly taskFunction: PlatformFunction;
  public readonly buildProject: codebuild.Project;
  /** The role CloudFormation acts with when it creates or updates an agent's stack. */
  public readonly stackRole: iam.Role;
  /** What the `deployments` HTTP Lambda needs to start the workflow. */
  public readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: DeployWorkflowProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (service: string, resource: string, region = stack.region) =>
      `arn:${stack.partition}:${service}:${region}:${stack.account}:${resource}`;
    const repositories = arn('ecr', `repository/${AGENT_PREFIX}/*`);
    const stacks = arn('cloudformation', `stack/${AGENT_PREFIX}-*/*`);
    const agentRoles = arn('iam', `role/${AGENT_PREFIX}-*`, '');

    this.buildProject = new codebuild.Project(this, 'AgentBuild', {
      description: 'Builds agent images (ARM64) and Lambda packages for Deploy to this account',
      source: codebuild.Source.s3({ bucket: props.bucket, path: 'generations/' }),
      buildSpec: codebuild.BuildSpec.fromObject(AGENT_BUILDSPEC),
      environment: {
        buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2_STANDARD_3_0,
        computeType: codebuild.ComputeType.SMALL,
        privileged: true,
        environmentVariables: {
          AWS_ACCOUNT_ID: { value: stack.account },
          ARTIFACTS_BUCKET: { value: props.bucket.bucketName },
        },
      },
      timeout: Duration.minutes(30),
      logging: {
        cloudWatch: {
          logGroup: new logs.LogGroup(this, 'BuildLogs', {
            retention: logs.RetentionDays.ONE_MONTH,
            removalPolicy: RemovalPolicy.DESTROY,
          }),
        },
      },
    });
    // The build reads generated projects and writes Lambda packages; it pushes to agent repositories only.
    props.bucket.grantRead(this.buildProject, 'generations/*');
    props.bucket.grantPut(this.buildProject, 'deployments/*');
    this.buildProject.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PushAgentImages',
        actions: [...ECR_PUSH_ACTIONS, 'ecr:GetDownloadUrlForLayer'],
        resources: [repositories],
      }),
    );
    this.buildProject.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'EcrSignIn', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    );

    // CloudFormation creates the agent's resources with this role, never with the Lambda's own.
    this.stackRole = new iam.Role(this, 'AgentStackRole', {
      description: 'CloudFormation creates and updates agent stacks (agentbuilder-*) with this role',
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
    });
    this.stackRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AgentRoles',
        actions: [
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:GetRole',
          'iam:UpdateRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:PutRolePolicy',
          'iam:GetRolePolicy',
          'iam:DeleteRolePolicy',
          'iam:TagRole',
          'iam:UntagRole',
        ],
        resources: [agentRoles],
      }),
    );
    this.stackRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PassAgentRolesToTheirService',
        actions: ['iam:PassRole'],
        resources: [agentRoles],
        conditions: {
          StringEquals: {
            'iam:PassedToService': [
              'bedrock-agentcore.amazonaws.com',
              'ecs-tasks.amazonaws.com',
              'lambda.amazonaws.com',
            ],
          },
        },
      }),
    );
    this.stackRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AgentResources',
        // What the generated templates declare: the AgentCore runtime, the ECS cluster, service, task
        // definition, load balancer and security groups, the Lambda function and its URL, log groups,
        // the ECS agent's session bucket. Most of these services have no resource-level permissions
        // for creating (an id is made by the service), so they are scoped by the stack's own role.
        actions: [
          'bedrock-agentcore:CreateAgentRuntime',
          'bedrock-agentcore:UpdateAgentRuntime',
          'bedrock-agentcore:DeleteAgentRuntime',
          'bedrock-agentcore:GetAgentRuntime',
          'bedrock-agentcore:TagResource',
          'ecs:CreateCluster',
          'ecs:DeleteCluster',
          'ecs:DescribeClusters',
          'ecs:RegisterTaskDefinition',
          'ecs:DeregisterTaskDefinition',
          'ecs:DescribeTaskDefinition',
          'ecs:CreateService',
          'ecs:UpdateService',
          'ecs:DeleteService',
          'ecs:DescribeServices',
          'ecs:TagResource',
          'elasticloadbalancing:CreateLoadBalancer',
          'elasticloadbalancing:DeleteLoadBalancer',
          'elasticloadbalancing:ModifyLoadBalancerAttributes',
          'elasticloadbalancing:CreateTargetGroup',
          'elasticloadbalancing:DeleteTargetGroup',
          'elasticloadbalancing:ModifyTargetGroupAttributes',
          'elasticloadbalancing:CreateListener',
          'elasticloadbalancing:DeleteListener',
          'elasticloadbalancing:ModifyListener',
          'elasticloadbalancing:Describe*',
          'elasticloadbalancing:AddTags',
          'ec2:CreateSecurityGroup',
          'ec2:DeleteSecurityGroup',
          'ec2:AuthorizeSecurityGroupIngress',
          'ec2:AuthorizeSecurityGroupEgress',
          'ec2:RevokeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupEgress',
          'ec2:Describe*',
          'ec2:CreateTags',
          'lambda:CreateFunction',
          'lambda:DeleteFunction',
          'lambda:GetFunction',
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
          'lambda:CreateFunctionUrlConfig',
          'lambda:UpdateFunctionUrlConfig',
          'lambda:DeleteFunctionUrlConfig',
          'lambda:GetFunctionUrlConfig',
          'lambda:TagResource',
          'logs:CreateLogGroup',
          'logs:DeleteLogGroup',
          'logs:PutRetentionPolicy',
          'logs:DescribeLogGroups',
          'logs:TagResource',
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:PutBucketPublicAccessBlock',
          's3:PutEncryptionConfiguration',
          's3:PutBucketPolicy',
          's3:PutLifecycleConfiguration',
          's3:PutBucketTagging',
        ],
        resources: ['*'],
      }),
    );
    // A Lambda agent's code is read from the package its build uploaded.
    props.bucket.grantRead(this.stackRole, 'deployments/*');

    this.taskFunction = new PlatformFunction(this, 'Tasks', {
      feature: 'deployments',
      handler: 'taskHandler',
      timeout: Duration.minutes(1),
      environment: {
        TABLE_NAME: props.table.tableName,
        ARTIFACTS_BUCKET: props.bucket.bucketName,
        DEPLOY_BUILD_PROJECT: this.buildProject.projectName,
        DEPLOY_STACK_ROLE_ARN: this.stackRole.roleArn,
        DEPLOY_VPC_ID: props.agentNetwork.vpcId,
        DEPLOY_SUBNET_IDS: props.agentNetwork.subnetIds,
      },
    });
    props.table.grantReadWriteData(this.taskFunction);
    props.bucket.grantRead(this.taskFunction, 'generations/*');
    this.taskFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'AgentBuilds',
        actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'],
        resources: [this.buildProject.projectArn],
      }),
    );
    this.taskFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'AgentRepositories',
        actions: ['ecr:CreateRepository', 'ecr:DescribeRepositories'],
        resources: [repositories],
      }),
    );
    this.taskFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'AgentStacks',
        actions: [
          'cloudformation:CreateStack',
          'cloudformation:UpdateStack',
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackEvents',
        ],
        resources: [stacks],
      }),
    );
    // The only role it may hand over is CloudFormation's; the agents' roles are passed by that one.
    this.stackRole.grantPassRole(this.taskFunction.grantPrincipal);

    this.stateMachine = taskStateMachine(this, {
      definitionFile: 'deployment.asl.json',
      substitution: 'DeployTaskFunctionArn',
      taskFunction: this.taskFunction,
      type: sfn.StateMachineType.STANDARD,
      timeout: Duration.hours(2),
    });

    const agentRepositories = regex(
      `^Resource::arn:${PARTITION}:ecr:${REGION}:${ACCOUNT}:repository\\/agentbuilder\\/\\*$`,
    );
    suppress(this.buildProject, [
      {
        id: 'AwsSolutions-CB4',
        reason:
          "The project keeps no build artifacts of its own: it pushes images to ECR (encrypted at rest) and Lambda packages to the platform's artifacts bucket (encrypted, private); CodeBuild's AWS-managed key covers its logs.",
      },
      DATA_GRANTS,
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "Pushes to the agents' ECR repositories only (agentbuilder/*, one per agent, made as agents are deployed); ecr:GetAuthorizationToken has no resource-level permissions; CodeBuild's own log group and report groups of this project.",
        appliesTo: [
          agentRepositories,
          'Resource::*',
          regex(
            `^Resource::arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:\\/aws\\/codebuild\\/<DeployWorkflowAgentBuild[0-9A-F]+>:\\*$`,
          ),
          regex(
            `^Resource::arn:${PARTITION}:codebuild:${REGION}:${ACCOUNT}:report-group\\/<DeployWorkflowAgentBuild[0-9A-F]+>-\\*$`,
          ),
        ],
      },
    ]);
    suppress(this.stackRole, [
      DATA_GRANTS,
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "CloudFormation's role for agent stacks: IAM only on roles named agentbuilder-* (CloudFormation names them after the stack), passed only to the agent's own service; creating ECS, load balancer, EC2 security group, Lambda, log group, S3 and AgentCore resources has no resource-level permissions until they exist (their ids are made by the service); Describe* are read-only.",
        appliesTo: [
          'Resource::*',
          'Action::ec2:Describe*',
          'Action::elasticloadbalancing:Describe*',
          regex(`^Resource::arn:${PARTITION}:iam::${ACCOUNT}:role\\/agentbuilder-\\*$`),
        ],
      },
    ]);
    suppress(this.taskFunction, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "Creates and reads the agents' ECR repositories (agentbuilder/*) and their CloudFormation stacks (agentbuilder-*), whose names are made per agent.",
        appliesTo: [
          agentRepositories,
          regex(
            `^Resource::arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack\\/agentbuilder-\\*\\/\\*$`,
          ),
        ],
      },
    ]);
    suppress(this.stateMachine, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The state machine invokes its one task Lambda (any of its versions) and writes logs and traces: CloudWatch Logs delivery and X-Ray actions have no resource-level permissions.',
        appliesTo: ['Resource::*', regex('^Resource::<DeployWorkflowTasks[0-9A-F]+\\.Arn>:\\*$')],
      },
    ]);
    this.environment = { DEPLOY_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn };
  }

  /** Lets the `deployments` HTTP Lambda start deployments. */
  grantStart(grantee: iam.IGrantable): void {
    this.stateMachine.grantStartExecution(grantee);
  }
}
