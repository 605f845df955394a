import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AGENT_STATEMENTS, type ResourceSlot, SECRET_NAMES } from './permissions.js';

const PROJECT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The agent and exactly the permissions it needs (the same as deploy/cloudformation). */
export class AgentStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const secretArns = SECRET_NAMES.length > 0
      ? new CfnParameter(this, 'SecretArns', { type: 'CommaDelimitedList', description: `Secret ARNs for ${SECRET_NAMES.join(', ')}, in order` }).valueAsList
      : [];
    const environment: Record<string, string> = { MODEL_ID: "us.anthropic.claude-haiku-4-5-20251001-v1:0", LOG_LEVEL: 'INFO' };
    SECRET_NAMES.forEach((name, index) => {
      environment[`${name}_SECRET_ID`] = Fn.select(index, secretArns);
    });
    // Every statement of the agent's role comes from permissions.ts (the same as deploy/cloudformation);
    // a slot is a resource of this stack, given by the caller.
    const agentPolicy = (slots: Partial<Record<ResourceSlot, string[]>>): iam.PolicyStatement[] =>
      AGENT_STATEMENTS.map(
        (s) =>
          new iam.PolicyStatement({
            sid: s.sid,
            actions: s.actions,
            resources: s.resources.flatMap((r) => {
              if (typeof r === 'string') return [r === '*' ? r : Fn.sub(r)];
              const values = slots[r.slot];
              if (!values) throw new Error(`permissions.ts needs ${r.slot}, which this stack does not give`);
              return values;
            }),
            ...(s.conditions ? { conditions: s.conditions } : {}),
          }),
      );

    // A VPC of its own with public subnets and no NAT gateway (cheapest); tasks get public IPs for egress.
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const image = new DockerImageAsset(this, 'Image', {
      directory: PROJECT_DIR,
      platform: Platform.LINUX_ARM64,
      exclude: ['node_modules', 'dist', '.venv', 'infra', 'deploy', '.git'],
    });
    // Conversations, shared by every task and kept across restarts (Strands' S3 session store).
    // Retained when the stack is deleted: it holds the users' conversations.
    const sessions = new s3.Bucket(this, 'SessionBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ prefix: 'sessions/', expiration: Duration.days(30) }],
    });
    const service = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Service', {
      vpc,
      cpu: 256,
      memoryLimitMiB: 2048,
      desiredCount: 1,
      publicLoadBalancer: false,
      assignPublicIp: true,
      taskSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskImageOptions: {
        image: ecs.ContainerImage.fromDockerImageAsset(image),
        containerPort: 8080,
        environment: { ...environment, AWS_REGION: this.region, SESSION_BUCKET: sessions.bucketName },
        logDriver: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'agent' }),
      },
    });
    service.targetGroup.configureHealthCheck({ path: '/ping', healthyHttpCodes: '200' });
    for (const statement of agentPolicy({ logGroupArn: [logGroup.logGroupArn], secretArns, sessionBucketArn: [sessions.bucketArn], sessionObjectsArn: [sessions.arnForObjects('sessions/*')] })) service.taskDefinition.addToTaskRolePolicy(statement);
    new CfnOutput(this, 'ServiceUrl', { value: `http://${service.loadBalancer.loadBalancerDnsName}` });
  }
}
