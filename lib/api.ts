import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type Feature, routeList } from '../lambdas/routes.ts';
import { PlatformFunction } from './agent-function.ts';
import { RUNNER_TASKS, suppress } from './nag.ts';

export interface ApiProps {
  table: dynamodb.ITableV2;
  bucket: s3.IBucket;
  stateMachine: sfn.IStateMachine;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
  /** Extra environment per feature (the test runner's settings for `testing`). */
  featureEnvironment?: Partial<Record<Feature, Record<string, string>>>;
  /**
   * The Bedrock inference profile the model-backed consultant calls; its geography prefix must match
   * the stack's Region (`us.` for US Regions, `eu.` for Europe, `apac.` for Asia Pacific).
   * @default 'us.anthropic.claude-haiku-4-5-20251001-v1:0'
   */
  consultantModel?: string;
}

/** The HTTP API, built from the route table: one Lambda per feature, JWT auth, throttling, access logs. */
export class Api extends Construct {
  public readonly httpApi: apigw.HttpApi;
  public readonly functions: Record<Feature, PlatformFunction>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const data = { TABLE_NAME: props.table.tableName, ARTIFACTS_BUCKET: props.bucket.bucketName };
    const workflow = { ...data, GENERATION_STATE_MACHINE_ARN: props.stateMachine.stateMachineArn };
    const consultantModel = props.consultantModel ?? 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
    const environment: Record<Feature, Record<string, string>> = {
      health: {},
      models: {},
      tools: {},
      cost: {},
      // The consultation answers with a model on Bedrock; without access it falls back to the rules.
      sessions: { ...workflow, CONSULTANT: 'bedrock', CONSULTANT_BEDROCK_MODEL: consultantModel },
      generate: workflow,
      testing: {
        ...data,
        // Operator caps (lambdas/core/config.ts): what one builder may ask of a run, and how many
        // runner tasks may go at once per builder and in total.
        TEST_MAX_RUN_MS: '300000',
        TEST_MAX_BUILD_MS: '900000',
        TEST_MAX_MEMORY_MB: '2048',
        TEST_MAX_CONCURRENT_PER_USER: '3',
        TEST_MAX_CONCURRENT_TOTAL: '50',
        COGNITO_ISSUER: `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${props.userPool.userPoolId}`,
        COGNITO_CLIENT_ID: props.userPoolClient.userPoolClientId,
      },
      rollout: {},
      deployments: data,
    };
    for (const [feature, extra] of Object.entries(props.featureEnvironment ?? {}))
      Object.assign(environment[feature as Feature], extra);
    this.functions = Object.fromEntries(
      (Object.keys(environment) as Feature[]).map((feature) => [
        feature,
        new PlatformFunction(this, `${feature.charAt(0).toUpperCase()}${feature.slice(1)}Function`, {
          feature,
          // Request and rollout metrics as CloudWatch embedded metric format (lambdas/core/adapters/metrics.ts).
          environment: { METRICS: 'emf', ...environment[feature] },
          withTemplates: feature === 'generate' || feature === 'sessions',
          withApiReference: feature === 'health',
          ...(feature === 'generate' || feature === 'sessions' || feature === 'testing'
            ? { timeout: Duration.seconds(29) }
            : {}),
        }),
      ]),
    ) as Record<Feature, PlatformFunction>;
    for (const feature of ['sessions', 'generate'] as const) {
      props.table.grantReadWriteData(this.functions[feature]);
      props.bucket.grantRead(this.functions[feature]);
      props.stateMachine.grantStartSyncExecution(this.functions[feature]);
    }
    // Deleting an agent removes its generations' files and its builds' and runs' files, nothing else.
    props.bucket.grantDelete(this.functions.sessions, 'generations/*');
    props.bucket.grantDelete(this.functions.sessions, 'tests/*');
    // The consultant's one model: its inference profile here (the Lambda swaps a us./eu./apac. prefix
    // for the stack's own geography), and the model in the Regions the profile routes to.
    const stack = Stack.of(this);
    const foundationModel = consultantModel.replace(/^(us|eu|apac|global)\./, '');
    const profiles = /^(us|eu|apac)\./.test(consultantModel)
      ? ['us', 'eu', 'apac'].map((geography) => `${geography}.${foundationModel}`)
      : [consultantModel];
    this.functions.sessions.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ConsultantModel',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: [
          ...profiles.map(
            (profile) =>
              `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${profile}`,
          ),
          `arn:${stack.partition}:bedrock:*::foundation-model/${foundationModel}`,
        ],
      }),
    );
    // A third-party model (Anthropic's) is subscribed to in AWS Marketplace on its first invocation;
    // the caller needs these two actions for that (Bedrock user guide, "Request access to models").
    // Marketplace has no resource-level permissions for them.
    this.functions.sessions.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ConsultantModelFirstUse',
        actions: ['aws-marketplace:ViewSubscriptions', 'aws-marketplace:Subscribe'],
        resources: ['*'],
      }),
    );
    suppress(this.functions.sessions, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "The consultant's one model in whichever Region its cross-Region inference profile routes to; and aws-marketplace ViewSubscriptions and Subscribe, which have no resource-level permissions.",
        appliesTo: [
          { regex: '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):bedrock:\\*::foundation-model\\/[^*]+$/g' },
          'Resource::*',
        ],
      },
    ]);
    suppress(this.functions.testing, [RUNNER_TASKS]);
    // Feedback is stored beside the generations and test runs it rates (and checks their owner).
    props.table.grantReadWriteData(this.functions.rollout);
    // Deployments are recorded in the session's partition; the project zip is read to check it.
    props.table.grantReadWriteData(this.functions.deployments);
    props.bucket.grantRead(this.functions.deployments, 'generations/*');
    props.table.grantReadWriteData(this.functions.testing);
    props.bucket.grantRead(this.functions.testing);
    props.bucket.grantPut(this.functions.testing, 'tests/*');

    const authorizer = new HttpJwtAuthorizer(
      'CognitoJwt',
      `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${props.userPool.userPoolId}`,
      {
        jwtAudience: [props.userPoolClient.userPoolClientId],
      },
    );
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Agent Builder Platform API',
      createDefaultStage: true,
    });
    const integrations = new Map<Feature, HttpLambdaIntegration>();
    for (const route of routeList) {
      let integration = integrations.get(route.feature);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.feature}Integration`, this.functions[route.feature]);
        integrations.set(route.feature, integration);
      }
      const added = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        ...(route.auth ? { authorizer } : {}),
      });
      if (!route.auth)
        for (const r of added)
          suppress(r, [
            {
              id: 'AwsSolutions-APIG4',
              reason: `${route.method} ${route.path} is public by design (health, the OpenAPI document and its reference page); it reads no user data.`,
            },
          ]);
    }
    const stage = this.httpApi.defaultStage?.node.defaultChild as apigw.CfnStage;
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    stage.defaultRouteSettings = {
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      detailedMetricsEnabled: true,
    };
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        route: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        sub: '$context.authorizer.claims.sub',
      }),
    };
  }
}
