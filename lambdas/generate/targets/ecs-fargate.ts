import {
  agentRoleStatements,
  cfnPolicyDocument,
  ecsExecutionRoleStatements,
  keepsSessionsInS3,
  SESSION_PREFIX,
} from '../iam.ts';
import type { PlannedFile, ProjectContext } from '../project.ts';
import { containerFiles } from './container.ts';
import {
  cloudFormationFile,
  getAtt,
  PRIVATE_BUCKET_PROPERTIES,
  REPOSITORY_ARN,
  ref,
  runtimeEnvironment,
  SECRET_ARNS,
  secretParameters,
  serviceTrust,
  sub,
} from './shared.ts';

/** Amazon ECS Fargate: the container image and a service behind an Application Load Balancer. */
export function ecsFargateFiles(context: ProjectContext): PlannedFile[] {
  return [
    ...containerFiles(context),
    cloudFormationFile(
      'deploy/cloudformation/ecs-fargate.yaml',
      'ECS Fargate deployment',
      ecsTemplate(context),
      context,
    ),
  ];
}

function healthCheckCommand(context: ProjectContext): string[] {
  return context.spec.language === 'typescript'
    ? [
        'CMD-SHELL',
        'node -e "fetch(\'http://127.0.0.1:8080/ping\').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"',
      ]
    : [
        'CMD-SHELL',
        'python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen(\'http://127.0.0.1:8080/ping\').status==200 else 1)"',
      ];
}

/**
 * The agent keeps conversations in S3 (Strands' S3 session store), so every task behind the load
 * balancer, and a restarted one, carries a session on. The bucket is retained when the stack is
 * deleted: it holds the users' conversations.
 */
function sessionStore(context: ProjectContext) {
  if (!keepsSessionsInS3(context)) return undefined;
  return {
    resources: {
      SessionBucket: {
        Type: 'AWS::S3::Bucket',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          ...PRIVATE_BUCKET_PROPERTIES,
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          LifecycleConfiguration: {
            Rules: [
              { Id: 'ExpireSessions', Status: 'Enabled', Prefix: SESSION_PREFIX, ExpirationInDays: 30 },
            ],
          },
        },
      },
    },
    environment: [{ Name: 'SESSION_BUCKET', Value: ref('SessionBucket') }],
  };
}

function ecsTemplate(context: ProjectContext): object {
  const { cpu, memory } = context.fargate;
  const env = runtimeEnvironment(context);
  const sessions = sessionStore(context);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `The ${context.projectName} agent on Amazon ECS Fargate behind an Application Load Balancer`,
    Parameters: {
      AgentName: { Type: 'String', Default: context.projectName, AllowedPattern: '^[a-z0-9-]{1,32}$' },
      ImageUri: {
        Type: 'String',
        Description: 'The agent image in ECR (deploy/build-and-push.sh prints it)',
      },
      RepositoryName: { Type: 'String', Default: context.projectName },
      VpcId: { Type: 'AWS::EC2::VPC::Id' },
      SubnetIds: {
        Type: 'List<AWS::EC2::Subnet::Id>',
        Description: 'At least two subnets in different Availability Zones',
      },
      AssignPublicIp: {
        Type: 'String',
        Default: 'ENABLED',
        AllowedValues: ['ENABLED', 'DISABLED'],
        Description: 'DISABLED for private subnets with a NAT gateway',
      },
      LoadBalancerScheme: {
        Type: 'String',
        Default: 'internal',
        AllowedValues: ['internal', 'internet-facing'],
      },
      AllowedCidr: {
        Type: 'String',
        Default: '10.0.0.0/8',
        Description:
          'Who may call the agent (through the load balancer, or directly without one); it has no authentication of its own',
      },
      DesiredCount: { Type: 'Number', Default: 1, MinValue: 0 },
      ...secretParameters(context),
    },
    Resources: {
      ...sessions?.resources,
      LogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: sub('/ecs/${AgentName}'), RetentionInDays: 30 },
      },
      Cluster: {
        Type: 'AWS::ECS::Cluster',
        Properties: { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] },
      },
      ExecutionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: serviceTrust('ecs-tasks.amazonaws.com'),
          Policies: [
            {
              PolicyName: 'pull-and-log',
              PolicyDocument: cfnPolicyDocument(ecsExecutionRoleStatements(), {
                repositoryArn: REPOSITORY_ARN,
                logGroupArn: getAtt('LogGroup', 'Arn'),
              }),
            },
          ],
        },
      },
      TaskRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: serviceTrust('ecs-tasks.amazonaws.com'),
          Policies: [
            {
              PolicyName: 'agent',
              PolicyDocument: cfnPolicyDocument(agentRoleStatements(context), {
                logGroupArn: getAtt('LogGroup', 'Arn'),
                secretArns: SECRET_ARNS,
                sessionBucketArn: getAtt('SessionBucket', 'Arn'),
                sessionObjectsArn: sub(`\${SessionBucket.Arn}/${SESSION_PREFIX}*`),
              }),
            },
          ],
        },
      },
      TaskDefinition: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: ref('AgentName'),
          RequiresCompatibilities: ['FARGATE'],
          NetworkMode: 'awsvpc',
          Cpu: String(cpu),
          Memory: String(memory),
          RuntimePlatform: {
            CpuArchitecture: context.deployment.architecture === 'arm64' ? 'ARM64' : 'X86_64',
            OperatingSystemFamily: 'LINUX',
          },
          ExecutionRoleArn: getAtt('ExecutionRole', 'Arn'),
          TaskRoleArn: getAtt('TaskRole', 'Arn'),
          ContainerDefinitions: [
            {
              Name: 'agent',
              Image: ref('ImageUri'),
              Essential: true,
              PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
              Environment: [
                ...Object.entries(env).map(([Name, Value]) => ({ Name, Value })),
                ...(sessions?.environment ?? []),
              ],
              HealthCheck: {
                Command: healthCheckCommand(context),
                Interval: 30,
                Timeout: 5,
                Retries: 3,
                StartPeriod: 20,
              },
              LogConfiguration: {
                LogDriver: 'awslogs',
                Options: {
                  'awslogs-group': ref('LogGroup'),
                  'awslogs-region': ref('AWS::Region'),
                  'awslogs-stream-prefix': 'agent',
                },
              },
            },
          ],
        },
      },
      LoadBalancerSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Condition: 'WithLoadBalancer',
        Properties: {
          GroupDescription: 'Load balancer of the agent',
          VpcId: ref('VpcId'),
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: ref('AllowedCidr') }],
        },
      },
      ServiceSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'Agent tasks: only the load balancer reaches them',
          VpcId: ref('VpcId'),
          SecurityGroupIngress: [
            {
              IpProtocol: 'tcp',
              FromPort: 8080,
              ToPort: 8080,
              SourceSecurityGroupId: ref('LoadBalancerSecurityGroup'),
            },
          ],
        },
      },
      LoadBalancer: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Condition: 'WithLoadBalancer',
        Properties: {
          Scheme: ref('LoadBalancerScheme'),
          Subnets: ref('SubnetIds'),
          SecurityGroups: [ref('LoadBalancerSecurityGroup')],
          Type: 'application',
        },
      },
      TargetGroup: {
        Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
        Condition: 'WithLoadBalancer',
        Properties: {
          TargetType: 'ip',
          Port: 8080,
          Protocol: 'HTTP',
          VpcId: ref('VpcId'),
          HealthCheckPath: '/ping',
          TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
        },
      },
      Listener: {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Condition: 'WithLoadBalancer',
        Properties: {
          LoadBalancerArn: ref('LoadBalancer'),
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: ref('TargetGroup') }],
        },
      },
      // The service must wait for the listener when there is one; a handle that names it (or nothing)
      // keeps that dependency without breaking the stack when the load balancer is off.
      ListenerReady: {
        Type: 'AWS::CloudFormation::WaitConditionHandle',
        Metadata: { Listener: { 'Fn::If': ['WithLoadBalancer', ref('Listener'), ''] } },
      },
      Service: {
        Type: 'AWS::ECS::Service',
        DependsOn: ['ListenerReady'],
        Properties: {
          Cluster: ref('Cluster'),
          LaunchType: 'FARGATE',
          DesiredCount: ref('DesiredCount'),
          TaskDefinition: ref('TaskDefinition'),
          HealthCheckGracePeriodSeconds: { 'Fn::If': ['WithLoadBalancer', 60, ref('AWS::NoValue')] },
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              AssignPublicIp: ref('AssignPublicIp'),
              SecurityGroups: [ref('ServiceSecurityGroup')],
              Subnets: ref('SubnetIds'),
            },
          },
          LoadBalancers: [
            { ContainerName: 'agent', ContainerPort: 8080, TargetGroupArn: ref('TargetGroup') },
          ],
        },
      },
    },
    Outputs: {
      ServiceUrl: { Condition: 'WithLoadBalancer', Value: sub('http://${LoadBalancer.DNSName}') },
      ClusterName: { Value: ref('Cluster') },
      LogGroupName: { Value: ref('LogGroup') },
    },
  };
}
