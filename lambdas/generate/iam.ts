import type { ProjectContext } from './project.ts';

/**
 * IAM for a generated agent, least privilege: the model it calls, its log group, X-Ray, its metrics
 * namespace, its secrets and each selected tool's actions from the tool registry. Resources are
 * CloudFormation `Fn::Sub` strings so the same statements serve every template. A statement whose
 * resource is `*` carries `comment`, saying why AWS requires it; the YAML writer prints it above the
 * statement.
 */
export interface Statement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
  comment?: string;
}

const sub = (text: string) => ({ 'Fn::Sub': text });

/** A value placed inside Fn::Sub: `${` would start a substitution, so it is escaped as `${!`. */
export function subLiteral(value: string): string {
  return value.replaceAll('${', '${!');
}

function sidFor(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
    .slice(0, 60);
}

/** Resource patterns from the tool registry, placeholders filled (`{region}`, `{config.bucket}`, …). */
export function toolResource(pattern: string, settings: Record<string, unknown>): unknown {
  if (pattern === '*') return '*';
  const text = pattern
    .replace(/\{config\.(\w+)\}/g, (_m, name: string) => subLiteral(String(settings[name] ?? '')))
    .replaceAll('{region}', '${AWS::Region}')
    .replaceAll('{account}', '${AWS::AccountId}')
    .replaceAll('{partition}', '${AWS::Partition}');
  return sub(text);
}

export function modelStatements(context: ProjectContext): Statement[] {
  const { model } = context;
  if (model.provider !== 'bedrock') return [];
  const actions = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
  if (model.invocationId === model.id) {
    return [
      {
        Sid: 'InvokeModel',
        Effect: 'Allow',
        Action: actions,
        Resource: sub(`arn:\${AWS::Partition}:bedrock:\${AWS::Region}::foundation-model/${model.id}`),
      },
    ];
  }
  return [
    {
      Sid: 'InvokeModelThroughInferenceProfile',
      Effect: 'Allow',
      Action: actions,
      Resource: [
        sub(
          `arn:\${AWS::Partition}:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${model.invocationId}`,
        ),
        sub(`arn:\${AWS::Partition}:bedrock:*::foundation-model/${model.id}`),
      ],
      comment:
        'The cross-Region inference profile may serve the request from any Region of its geography, so AWS requires the foundation-model permission in each of them: the Region segment is * while the model stays fixed.',
    },
  ];
}

export function toolStatements(
  context: ProjectContext,
  toolIam: Map<string, { actions: string[]; resources: string[]; why: string }[]>,
): Statement[] {
  return context.tools.flatMap((tool) =>
    (toolIam.get(tool.id) ?? []).map((statement, index) => {
      const resources = statement.resources.map((r) => toolResource(r, tool.settings));
      return {
        Sid: sidFor(`${tool.id} ${index + 1}`),
        Effect: 'Allow' as const,
        Action: statement.actions,
        Resource: resources.length === 1 ? resources[0] : resources,
        ...(statement.resources.includes('*') ? { comment: `${tool.name}: ${statement.why}` } : {}),
      };
    }),
  );
}

export function observabilityStatements(logGroupArn: unknown, metricsNamespace: string): Statement[] {
  return [
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: logGroupArn,
    },
    {
      Sid: 'XRayTracing',
      Effect: 'Allow',
      Action: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
      ],
      Resource: '*',
      comment: 'X-Ray has no resource-level permissions for these actions, so AWS requires "*".',
    },
    {
      Sid: 'PutMetricsInOwnNamespace',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricData'],
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': metricsNamespace } },
      comment:
        'PutMetricData has no resource-level permissions, so AWS requires "*"; the condition limits it to this agent\'s namespace.',
    },
  ];
}

export function secretStatements(context: ProjectContext, secretArns: unknown): Statement[] {
  if (context.secretNames.length === 0) return [];
  return [
    {
      Sid: 'ReadOwnSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: secretArns,
    },
  ];
}

export function ecrPullStatements(repositoryArn: unknown): Statement[] {
  return [
    {
      Sid: 'PullImage',
      Effect: 'Allow',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: repositoryArn,
    },
    {
      Sid: 'EcrAuthorizationToken',
      Effect: 'Allow',
      Action: ['ecr:GetAuthorizationToken'],
      Resource: '*',
      comment: 'ecr:GetAuthorizationToken is account-wide: AWS requires "*" for it.',
    },
  ];
}
