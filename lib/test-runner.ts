import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { PlatformFunction, ROOT } from './agent-function.ts';
import { CONNECTIONS, DATA_GRANTS, RUNNER_TASKS, suppress } from './nag.ts';

export interface TestRunnerProps {
  table: dynamodb.ITableV2;
  bucket: s3.IBucket;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
}

/**
 * Test runs in AWS: the runner image (runner/Dockerfile) as an ARM64 Fargate task in private subnets,
 * its log group and roles; the WebSocket API (`$connect` with a Cognito token, `$default` messages,
 * `$disconnect`) whose stage the runner posts events to; and a rule that records runner tasks that
 * stop badly. `environment` and `grantStart()` give the `testing` feature's HTTP Lambda what it needs.
 */
export class TestRunner extends Construct {
  public readonly cluster: ecs.Cluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly webSocketApi: apigw.WebSocketApi;
  public readonly stage: apigw.WebSocketStage;
  public readonly logGroup: logs.LogGroup;
  public readonly securityGroup: ec2.SecurityGroup;
  /** Environment of a Lambda that starts runs (the `testing` feature). */
  public readonly environment: Record<string, string>;
  /** The stream (WebSocket) and task-stopped Lambdas, for alarms. */
  public readonly functions: { stream: PlatformFunction; taskStopped: PlatformFunction };
  /** Task-stopped events the Lambda could not handle after its retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The role every runner task's per-run credentials are issued from. */
  public readonly runRole: iam.Role;
  private readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: TestRunnerProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      // One NAT gateway: runner tasks reach npm, PyPI and Bedrock; nothing reaches them.
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'runners', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    this.vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    // Runner tasks (and the agents they run) get HTTPS out and nothing else: package registries and
    // AWS APIs; no inbound traffic at all. The model is reached privately through its VPC endpoint.
    this.securityGroup = new ec2.SecurityGroup(this, 'RunnerSecurityGroup', {
      vpc: this.vpc,
      description: 'Test runner tasks: no inbound traffic; outbound HTTPS only (registries, AWS APIs)',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to package registries and AWS APIs',
    );
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'BedrockEndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Bedrock Runtime endpoint: HTTPS from runner tasks only',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(443), 'HTTPS from runner tasks');
    this.vpc.addInterfaceEndpoint('BedrockRuntime', {
      service: ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
      privateDnsEnabled: true,
      // Not open to the whole VPC: runner tasks only (the rule above).
      open: false,
      securityGroups: [endpointSecurityGroup],
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    // The WebSocket API: its Lambda is the `testing` feature's `wsHandler`.
    const wsFunction = new PlatformFunction(this, 'StreamFunction', {
      feature: 'testing',
      handler: 'wsHandler',
      environment: {
        TABLE_NAME: props.table.tableName,
        ARTIFACTS_BUCKET: props.bucket.bucketName,
        COGNITO_ISSUER: `https://cognito-idp.${region}.amazonaws.com/${props.userPool.userPoolId}`,
        COGNITO_CLIENT_ID: props.userPoolClient.userPoolClientId,
      },
    });
    const integration = new WebSocketLambdaIntegration('StreamIntegration', wsFunction);
    this.webSocketApi = new apigw.WebSocketApi(this, 'StreamApi', {
      description: 'Agent Builder test-run stream (/ws/testing/stream)',
      connectRouteOptions: { integration },
      disconnectRouteOptions: { integration },
      defaultRouteOptions: { integration },
    });
    this.stage = new apigw.WebSocketStage(this, 'StreamStage', {
      webSocketApi: this.webSocketApi,
      stageName: 'live',
      autoDeploy: true,
      throttle: { rateLimit: 20, burstLimit: 40 },
    });
    const connectionsEndpoint = this.stage.callbackUrl;

    this.logGroup = new logs.LogGroup(this, 'RunnerLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'RunnerTask', {
      cpu: 1024,
      memoryLimitMiB: 4096,
      ephemeralStorageGiB: 30,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskDefinition.addContainer('runner', {
      containerName: 'runner',
      image: ecs.ContainerImage.fromAsset(ROOT, {
        file: 'runner/Dockerfile',
        platform: Platform.LINUX_ARM64,
      }),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'runner', logGroup: this.logGroup }),
      environment: {
        TABLE_NAME: props.table.tableName,
        ARTIFACTS_BUCKET: props.bucket.bucketName,
        WEBSOCKET_ENDPOINT: connectionsEndpoint,
        // The task role is the runner's credential: test runs answer with Amazon Bedrock.
        HAS_AWS_CREDENTIALS: 'true',
        TEST_MODEL: 'auto',
        // Each task starts with an empty disk: installed dependencies are shared through S3.
        RUNNER_REMOTE_CACHE: 'true',
        // The runner and its harness are root in the container so that each agent runs as a user of
        // its own (runner/sandbox.ts): it cannot read the runner's environment, where the path of the
        // task role's credentials endpoint is, nor reach the gateway's credentials.
        POWERTOOLS_SERVICE_NAME: 'agent-builder-runner',
      },
    });
    // The task role holds no data permissions: each task gets credentials of the run role, issued by
    // the Lambda that starts it with a session policy naming only that run's items, objects, cache
    // prefix and connection (lambdas/testing/run-credentials.ts). An evaluation's task (an `evaluate`
    // job) writes its EVALRUN# record and history entry, and a large result under tests/<id>/; it
    // calls its agent's model and its judge only.
    this.runRole = new iam.Role(this, 'RunRole', {
      assumedBy: new iam.AccountPrincipal(Stack.of(this).account),
      maxSessionDuration: Duration.hours(12),
      description: 'What runner tasks may touch, narrowed per run by a session policy',
    });
    const runRole = this.runRole;
    props.table.grantReadWriteData(runRole);
    props.bucket.grantRead(runRole);
    props.bucket.grantPut(runRole, 'tests/*');
    props.bucket.grantPut(runRole, 'runner-cache/*');
    this.webSocketApi.grantManageConnections(runRole);
    runRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeTheAgentsModel',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        // A test run may use any model of the registry, in any Region an inference profile routes to.
        resources: [
          'arn:aws:bedrock:*::foundation-model/*',
          `arn:aws:bedrock:${region}:${Stack.of(this).account}:inference-profile/*`,
        ],
      }),
    );
    // A third-party model (Anthropic's) is subscribed to in AWS Marketplace on its first invocation.
    runRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ModelFirstUse',
        actions: ['aws-marketplace:ViewSubscriptions', 'aws-marketplace:Subscribe'],
        resources: ['*'],
      }),
    );

    props.table.grantReadWriteData(wsFunction);
    props.bucket.grantReadWrite(wsFunction, 'tests/*');
    props.bucket.grantRead(wsFunction);
    this.webSocketApi.grantManageConnections(wsFunction);

    this.environment = {
      TEST_BACKEND: 'ecs',
      RUNNER_CLUSTER_ARN: this.cluster.clusterArn,
      RUNNER_TASK_DEFINITION_ARN: this.taskDefinition.taskDefinitionArn,
      RUNNER_CONTAINER_NAME: 'runner',
      RUNNER_SUBNETS: this.vpc.privateSubnets.map((s) => s.subnetId).join(','),
      RUNNER_SECURITY_GROUPS: this.securityGroup.securityGroupId,
      WEBSOCKET_ENDPOINT: connectionsEndpoint,
      RUNNER_RUN_ROLE_ARN: this.runRole.roleArn,
      RUNNER_TABLE_ARN: props.table.tableArn,
      RUNNER_BUCKET_ARN: props.bucket.bucketArn,
      RUNNER_CONNECTIONS_ARN: `arn:${Stack.of(this).partition}:execute-api:${region}:${Stack.of(this).account}:${this.webSocketApi.apiId}/${this.stage.stageName}`,
    };
    for (const [key, value] of Object.entries(this.environment)) wsFunction.addEnvironment(key, value);
    this.grantStart(wsFunction);

    // Runner tasks that stop badly (crash, out of memory, image pull) fail their build, run or evaluation.
    const stoppedFunction = new PlatformFunction(this, 'TaskStoppedFunction', {
      feature: 'testing',
      handler: 'taskStoppedHandler',
      environment: {
        TABLE_NAME: props.table.tableName,
        ARTIFACTS_BUCKET: props.bucket.bucketName,
        ...this.environment,
      },
    });
    props.table.grantReadWriteData(stoppedFunction);
    // The stopped task's own record of what it ran and for which connection.
    props.bucket.grantRead(stoppedFunction, 'tests/*');
    this.webSocketApi.grantManageConnections(stoppedFunction);
    this.deadLetterQueue = new sqs.Queue(this, 'RunnerStoppedDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.functions = { stream: wsFunction, taskStopped: stoppedFunction };
    new events.Rule(this, 'RunnerStopped', {
      description:
        'Runner tasks that stopped: failures are recorded on their build, run, conversation or evaluation',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [this.cluster.clusterArn], lastStatus: ['STOPPED'] },
      },
      targets: [
        new targets.LambdaFunction(stoppedFunction, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    suppress(wsFunction, [RUNNER_TASKS, CONNECTIONS]);
    suppress(stoppedFunction, [CONNECTIONS]);
    suppress(runRole, [
      DATA_GRANTS,
      CONNECTIONS,
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'aws-marketplace ViewSubscriptions and Subscribe (a third-party model on its first call) have no resource-level permissions.',
        appliesTo: ['Resource::*'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "A test run calls whichever model of the registry the builder's agent names, in any Region its cross-Region inference profile routes to.",
        appliesTo: [
          'Resource::arn:aws:bedrock:*::foundation-model/*',
          {
            regex:
              '/^Resource::arn:aws:bedrock:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):inference-profile\\/\\*$/g',
          },
        ],
      },
    ]);
    if (this.taskDefinition.executionRole)
      suppress(this.taskDefinition.executionRole, [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'ecr:GetAuthorizationToken (pulling the runner image) has no resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
      ]);
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      { id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the task-stopped rule.' },
    ]);
    NagSuppressions.addResourceSuppressions(
      this.taskDefinition,
      [
        {
          id: 'AwsSolutions-ECS2',
          reason:
            'The environment holds resource names and endpoints only, no secrets; the runner is configured per task through RUN_TASK_KEY.',
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(
      this.webSocketApi,
      [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'WebSocket $connect checks the Cognito token from ?token= in its Lambda (verifyToken: issuer, signature, app client) and refuses the connection otherwise.',
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(
      this.stage,
      [
        {
          id: 'AwsSolutions-APIG1',
          reason:
            'Every connection and message is logged by the stream Lambda (Powertools) with its connection id.',
        },
      ],
      true,
    );
  }

  /**
   * Lets `grantee` start, watch and stop runner tasks (RunTask, DescribeTasks, StopTask, PassRole), and
   * issue each task its run's credentials (AssumeRole on the run role).
   */
  grantStart(grantee: iam.IGrantable): void {
    this.taskDefinition.grantRun(grantee);
    this.runRole.grantAssumeRole(grantee.grantPrincipal);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
      resourceArns: [
        `arn:${Stack.of(this).partition}:ecs:${Stack.of(this).region}:${Stack.of(this).account}:task/${this.cluster.clusterName}/*`,
      ],
    });
  }
}
