import { App, Aspects, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { FLAG_KEYS } from '../../lambdas/core/flags/features.ts';
import { routeList } from '../../lambdas/routes.ts';
import { PlatformStack } from '../../lib/platform-stack.ts';

let template: Template;
const routeFeatures = () => [...new Set(routeList.map((r) => r.feature))];
let stack: Stack;

beforeAll(() => {
  // Bundling skipped: esbuild output is not what these assertions are about (bin/app.ts bundles for real).
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new PlatformStack(app, 'TestPlatform');
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  template = Template.fromStack(stack);
}, 120_000);

describe('PlatformStack', () => {
  it('passes cdk-nag AwsSolutions with every suppression justified', () => {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => e.entry.data)).toEqual([]);
  });

  it('routes every API route to its feature Lambda, with the JWT authorizer except health and OpenAPI', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(routes)
      .map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey)
      .filter((key) => !key.startsWith('$')); // the WebSocket API's routes are asserted below
    expect(keys.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
    for (const resource of Object.values(routes)) {
      const { RouteKey, AuthorizationType } = (
        resource as { Properties: { RouteKey: string; AuthorizationType?: string } }
      ).Properties;
      if (RouteKey.startsWith('$')) continue;
      const route = routeList.find((r) => `${r.method} ${r.path}` === RouteKey);
      expect(AuthorizationType ?? 'NONE', RouteKey).toBe(route?.auth === false ? 'NONE' : 'JWT');
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
  });

  it('runs one ARM64 Node.js 22 Lambda per feature, plus the workflow tasks, the stream and the task-stopped rule, all traced', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: 'nodejs22.x' },
    });
    expect(Object.keys(functions).length).toBe(13);
    for (const fn of Object.values(functions)) {
      expect((fn as { Properties: { Architectures: string[] } }).Properties.Architectures).toEqual(['arm64']);
      expect((fn as { Properties: { TracingConfig: unknown } }).Properties.TracingConfig).toEqual({
        Mode: 'Active',
      });
    }
  });

  it('keeps data encrypted and private: table with PITR and GSI1, bucket with block public access and TLS only', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'GSI1' })],
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
      SSESpecification: { SSEEnabled: true },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('throttles the API and logs its access', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('runs generation as an Express state machine from the shared ASL file, with logs and tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      DefinitionSubstitutions: { GenerateTaskFunctionArn: Match.anyValue() },
    });
  });

  it('grants only what each Lambda needs: models, tools and cost get no data access', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const forFunction = (name: string) =>
      Object.entries(policies)
        .filter(([id]) => id.startsWith(`Api${name}FunctionServiceRoleDefaultPolicy`))
        .flatMap(
          ([, p]) =>
            (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } })
              .Properties.PolicyDocument.Statement,
        )
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    for (const name of ['Models', 'Tools', 'Cost']) {
      expect(
        forFunction(name).filter((a) => a.startsWith('dynamodb:') || a.startsWith('s3:')),
        name,
      ).toEqual([]);
    }
    expect(forFunction('Sessions')).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'states:StartSyncExecution']),
    );
    expect(forFunction('Generate')).not.toContain('s3:PutObject');
    // Only the sessions Lambda deletes (an agent's files), only under generations/ and tests/.
    expect(forFunction('Generate').filter((a) => a.startsWith('s3:Delete'))).toEqual([]);
    const deletes = Object.entries(policies)
      .filter(([id]) => id.startsWith('ApiSessionsFunctionServiceRoleDefaultPolicy'))
      .flatMap(
        ([, p]) =>
          (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
            .Statement,
      )
      .filter((s) => JSON.stringify(s).includes('s3:DeleteObject'));
    expect(deletes.map((s) => JSON.stringify(s)).join()).toMatch(
      /generations\/\*.*tests\/\*|tests\/\*.*generations\/\*/,
    );
  });

  it('lets the consultation call its one Bedrock model, and no other function call Bedrock', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CONSULTANT: 'bedrock',
          CONSULTANT_BEDROCK_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        }),
      },
    });
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.entries(policies).flatMap(([id, p]) =>
      (
        p as {
          Properties: {
            PolicyDocument: { Statement: { Sid?: string; Action: unknown; Resource: unknown }[] };
          };
        }
      ).Properties.PolicyDocument.Statement.map((s) => ({ id, ...s })),
    );
    const bedrock = statements.filter(
      (s) => JSON.stringify(s.Action).includes('bedrock:') && s.id.startsWith('Api'),
    );
    expect(bedrock.map((s) => s.id)).toEqual([
      expect.stringMatching(/^ApiSessionsFunctionServiceRoleDefaultPolicy/),
    ]);
    const resources = JSON.stringify(bedrock[0]?.Resource);
    expect(resources).toContain('inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(resources).toContain('foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(resources).not.toContain('foundation-model/*');
    // The first call of a third-party model subscribes to it in AWS Marketplace.
    const marketplace = statements.filter(
      (s) => JSON.stringify(s.Action).includes('aws-marketplace:') && s.id.startsWith('Api'),
    );
    expect(marketplace.map((s) => s.id)).toEqual([expect.stringMatching(/^ApiSessionsFunctionServiceRole/)]);
    expect(marketplace[0]?.Action).toEqual([
      'aws-marketplace:ViewSubscriptions',
      'aws-marketplace:Subscribe',
    ]);
  });

  it('has a dashboard and alarms on API errors, generation success rate and Lambda errors', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('Fewer than 90% of generations'),
    });
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThanOrEqual(9);
  });
});

describe('TestRunner', () => {
  it('runs the runner image as an ARM64 Fargate task with its own log group', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'runner',
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
          Environment: Match.arrayWith([
            Match.objectLike({ Name: 'WEBSOCKET_ENDPOINT' }),
            { Name: 'HAS_AWS_CREDENTIALS', Value: 'true' },
          ]),
        }),
      ],
    });
    const logGroups = template.findResources('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
    });
    expect(Object.keys(logGroups).some((id) => id.includes('TestRunnerRunnerLogs'))).toBe(true);
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('gives runner tasks no data permissions of their own: the run role has them, issued per run by the Lambdas that start tasks', () => {
    const roles = template.findResources('AWS::IAM::Policy');
    const statements = (match: string) =>
      Object.entries(roles)
        .filter(([id]) => id.includes(match))
        .flatMap(
          ([, policy]) =>
            (policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } })
              .Properties.PolicyDocument.Statement,
        )
        .flatMap((statement) => [statement.Action].flat());
    expect(
      statements('RunnerTaskTaskRole').filter((a) => /^(dynamodb|s3|execute-api|bedrock):/.test(a)),
    ).toEqual([]);
    const task = statements('TestRunnerRunRole');
    expect(task).toEqual(
      expect.arrayContaining([
        'bedrock:InvokeModel',
        'bedrock:InvokeModelWithResponseStream',
        'execute-api:ManageConnections',
        'dynamodb:PutItem',
        's3:PutObject',
        'aws-marketplace:Subscribe',
      ]),
    );
    expect(task).not.toContain('ecs:RunTask');
    // The test feature's Lambda may start, watch and stop runner tasks, and pass their roles.
    const starter = statements('ApiTestingFunction');
    expect(starter).toEqual(
      expect.arrayContaining([
        'ecs:RunTask',
        'ecs:DescribeTasks',
        'ecs:StopTask',
        'iam:PassRole',
        'sts:AssumeRole',
      ]),
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: 'What runner tasks may touch, narrowed per run by a session policy',
      MaxSessionDuration: 43200,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          TEST_BACKEND: 'ecs',
          RUNNER_CONTAINER_NAME: 'runner',
          RUNNER_TASK_DEFINITION_ARN: Match.anyValue(),
          RUNNER_SUBNETS: Match.anyValue(),
          RUNNER_RUN_ROLE_ARN: Match.anyValue(),
          RUNNER_TABLE_ARN: Match.anyValue(),
          RUNNER_BUCKET_ARN: Match.anyValue(),
          RUNNER_CONNECTIONS_ARN: Match.anyValue(),
        }),
      },
    });
  });

  it("lets an evaluation's runner task write its records: the run role writes the table and the tests/ prefix only; the task-stopped Lambda fails it", () => {
    type Statement = { Action: string | string[]; Resource: unknown };
    const statements = (match: string) =>
      Object.entries(template.findResources('AWS::IAM::Policy'))
        .filter(([id]) => id.includes(match))
        .flatMap(
          ([, policy]) =>
            (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
              .PolicyDocument.Statement,
        );
    const resources = (list: Statement[], action: string) =>
      list
        .filter((s) => [s.Action].flat().some((a) => a === action || a === `${action}*`))
        .flatMap((s) => [s.Resource].flat());
    const text = (resource: unknown) => JSON.stringify(resource);
    const run = statements('TestRunnerRunRole');
    // Evaluation records (EVALRUN#, their history entries) are items of the table, and nothing else.
    const items = resources(run, 'dynamodb:PutItem').map(text);
    expect(items.length).toBeGreaterThan(0);
    for (const resource of items) expect(resource).toMatch(/Table/);
    // Large results go under the run's own tests/<id>/ prefix (the session policy narrows it per task).
    const objects = resources(run, 's3:PutObject').map(text);
    expect(objects.some((r) => r.includes('/tests/*'))).toBe(true);
    for (const resource of objects) expect(resource).toMatch(/\/(tests|runner-cache)\/\*/);
    // A stopped evaluation task is failed by the task-stopped Lambda: it reads the stored task, writes the record.
    const stopped = statements('TaskStoppedFunction');
    expect(resources(stopped, 'dynamodb:PutItem').length).toBeGreaterThan(0);
    expect(resources(stopped, 's3:GetObject').map(text).join()).toContain('/tests/*');
  });

  it('serves the stream as a WebSocket API whose $connect, $default and $disconnect reach the stream Lambda', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET' });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey)
      .filter((key) => key.startsWith('$'));
    expect(routes.sort()).toEqual(['$connect', '$default', '$disconnect']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'live', AutoDeploy: true });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.wsHandler' });
  });

  it('lets runner tasks (and the agents they run) out on HTTPS only, and nothing in', () => {
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const [runnerId, runner] =
      Object.entries(groups).find(([id]) => id.includes('RunnerSecurityGroup')) ?? [];
    expect(runnerId).toBeDefined();
    const props = (
      runner as { Properties: { SecurityGroupIngress?: unknown[]; SecurityGroupEgress?: unknown[] } }
    ).Properties;
    expect(props.SecurityGroupIngress ?? []).toEqual([]);
    expect(props.SecurityGroupEgress).toEqual([
      {
        CidrIp: '0.0.0.0/0',
        Description: 'HTTPS to package registries and AWS APIs',
        FromPort: 443,
        IpProtocol: 'tcp',
        ToPort: 443,
      },
    ]);
    // No other rule widens it afterwards.
    const extra = [
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')),
    ].filter(
      (r) =>
        JSON.stringify(r).includes(runnerId ?? '?') && !JSON.stringify(r).includes('SourceSecurityGroupId'),
    );
    expect(extra).toEqual([]);
  });

  it('reaches Bedrock Runtime privately through a VPC endpoint open to runner tasks only', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.bedrock-runtime']] },
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
    });
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const endpointGroup = Object.entries(groups).find(([id]) => id.includes('BedrockEndpointSecurityGroup'));
    expect(endpointGroup).toBeDefined();
    const [endpointId = '?', endpoint] = endpointGroup ?? [];
    const ingress = [
      ...((endpoint as { Properties: { SecurityGroupIngress?: unknown[] } } | undefined)?.Properties
        .SecurityGroupIngress ?? []),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter((r) => JSON.stringify(r).includes(endpointId))
        .map((r) => (r as { Properties: unknown }).Properties),
    ];
    expect(ingress).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringContaining('RunnerSecurityGroup'), 'GroupId'] },
      }),
    ]);
  });

  it("gives the runner container no credentials of its own and keeps the task's roles apart", () => {
    const definitions = template.findResources('AWS::ECS::TaskDefinition');
    const runner = Object.values(definitions)[0] as {
      Properties: {
        TaskRoleArn: unknown;
        ExecutionRoleArn: unknown;
        ContainerDefinitions: { Environment?: { Name: string }[]; Secrets?: unknown[] }[];
      };
    };
    expect(JSON.stringify(runner.Properties.TaskRoleArn)).not.toEqual(
      JSON.stringify(runner.Properties.ExecutionRoleArn),
    );
    const names = runner.Properties.ContainerDefinitions.flatMap((c) =>
      (c.Environment ?? []).map((e) => e.Name),
    );
    expect(names.filter((n) => /^AWS_(ACCESS|SECRET|SESSION)|SECRET|TOKEN|PASSWORD/.test(n))).toEqual([]);
    expect(runner.Properties.ContainerDefinitions.flatMap((c) => c.Secrets ?? [])).toEqual([]);
  });

  it('records runner tasks that stop badly, through an ECS task-state rule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: Match.objectLike({ lastStatus: ['STOPPED'] }),
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.taskStoppedHandler' });
  });
});

describe('WebSite', () => {
  it('serves the app from a private bucket through CloudFront Origin Access Control only', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Origins: [
          Match.objectLike({
            OriginAccessControlId: Match.anyValue(),
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', Compress: true }),
        // SPA routing: client-side paths answer the app.
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
      }),
    });
    // Every bucket blocks public access; the site bucket's policy grants CloudFront alone, for this distribution.
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(
        (bucket as { Properties: { PublicAccessBlockConfiguration: unknown } }).Properties
          .PublicAccessBlockConfiguration,
      ).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('sends security headers with every response', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.anyValue(), Override: true },
          StrictTransportSecurity: Match.objectLike({
            AccessControlMaxAgeSec: 63072000,
            IncludeSubdomains: true,
          }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
        }),
      }),
    });
    // The policy names the Region's API endpoints, so it is a join; its literal parts say what is allowed.
    const policy = JSON.stringify(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      'connect-src',
      'wss://*.execute-api.',
    ])
      expect(policy).toContain(directive);
  });

  it('deploys the built app with a config.json holding the API, stream and Cognito ids, and lets its origin call the API', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    const properties = (
      deployments[0] as {
        Properties: { SourceMarkers: Record<string, unknown>[]; DistributionPaths: string[] };
      }
    ).Properties;
    expect(properties.DistributionPaths).toEqual(['/*']);
    const markers = JSON.stringify(properties.SourceMarkers);
    expect(markers).toContain('ApiHttpApi');
    expect(markers).toContain('TestRunnerStreamApi');
    expect(markers).toContain('AuthUsersWebApp');
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
      }),
    });
    expect(Object.keys(template.findOutputs('WebAppUrl'))).toEqual(['WebAppUrl']);
  });
});

describe('feature flags in AppConfig', () => {
  it('deploys registry-data/flags.json as a feature-flag profile, gradually, watched by rollback alarms', async () => {
    const { readFileSync } = await import('node:fs');
    template.resourceCountIs('AWS::AppConfig::Application', 1);
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', {
      Type: 'AWS.AppConfig.FeatureFlags',
    });
    const versions = template.findResources('AWS::AppConfig::HostedConfigurationVersion');
    const content = Object.values(versions).map(
      (v) => (v as { Properties: { Content: string } }).Properties.Content,
    );
    expect(content.map((c) => JSON.parse(c))).toEqual([
      JSON.parse(readFileSync(new URL('../../registry-data/flags.json', import.meta.url), 'utf8')),
    ]);
    template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
      GrowthType: 'LINEAR',
      GrowthFactor: 20,
      DeploymentDurationInMinutes: 20,
      FinalBakeTimeInMinutes: 10,
    });
    template.resourceCountIs('AWS::AppConfig::Deployment', 1);
    const env = Object.values(template.findResources('AWS::AppConfig::Environment'))[0] as {
      Properties: { Monitors: { AlarmArn: unknown; AlarmRoleArn: unknown }[] };
    };
    // API 5xx, generation success, and the composite of every flag's `on` variant error rate
    // (AppConfig takes at most five monitors).
    expect(env.Properties.Monitors.length).toBe(3);
    const composite = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'))[0] as {
      Properties: { AlarmRule: unknown };
    };
    expect(JSON.stringify(composite.Properties.AlarmRule).match(/ALARM\(/g)).toHaveLength(FLAG_KEYS.length);
    for (const monitor of env.Properties.Monitors) expect(monitor.AlarmRoleArn).toBeDefined();
  });

  it('lets every API Lambda read that one profile, and tells it where the profile is', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { APPCONFIG_FLAGS_PROFILE: Match.anyValue() } } },
    });
    expect(Object.keys(functions).length).toBe(routeFeatures().length);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadFeatureFlags',
            Action: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
            Resource: Match.not(Match.stringLikeRegexp('\\*')),
          }),
        ]),
      },
    });
  });
});

describe('the rollout dashboard', () => {
  it('shows every flag’s variants side by side and per-route latency percentiles, from the platform’s EMF metrics', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(
      Object.values(dashboards).map((d) => (d as { Properties: unknown }).Properties),
    );
    for (const flag of FLAG_KEYS) {
      for (const variant of ['on', 'off'])
        expect(body).toContain(
          `\\"flag\\",\\"${flag}\\",\\"service\\",\\"agent-builder\\",\\"variant\\",\\"${variant}\\"`,
        );
      expect(body).toContain(`${flag}: builder satisfaction by variant`);
    }
    for (const name of [
      'GenerationSucceeded',
      'TestRunFailed',
      'EvaluationSucceeded',
      'FeedbackDown',
      'ServerErrors',
    ])
      expect(body).toContain(`\\"AgentBuilder\\",\\"${name}\\"`);
    for (const p of ['p50', 'p95', 'p99']) expect(body).toContain(`API latency ${p} per route (ms)`);
  });

  it('alarms on each flag’s `on` variant failing, notifying the alarm topic', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmDescription: Match.stringLikeRegexp('roll the flag back') },
    });
    expect(Object.keys(alarms)).toHaveLength(FLAG_KEYS.length);
    for (const alarm of Object.values(alarms))
      expect((alarm as { Properties: { AlarmActions: unknown[] } }).Properties.AlarmActions).toHaveLength(1);
  });
});

describe('cdk synth', () => {
  it('synthesises offline with no AWS account, bundling every Lambda with esbuild', async () => {
    const { execFile } = await import('node:child_process');
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const out = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'no-such-profile-offline',
    };
    await new Promise<void>((resolve, reject) =>
      execFile(
        'npx',
        ['cdk', 'synth', '--quiet', '--output', out],
        { env, maxBuffer: 64 * 1024 * 1024 },
        (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve()),
      ),
    );
    try {
      expect(readdirSync(out)).toContain('AgentBuilderPlatform.template.json');
    } finally {
      // The cloud assembly holds every bundled Lambda (tens of MB): not left behind in /tmp.
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
