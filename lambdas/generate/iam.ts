import type { PlannedFile, ProjectContext } from './project.ts';

// The one source of every IAM statement a generated project grants. Each role's statements are listed
// once, as data, and rendered twice: into the CloudFormation templates under deploy/cloudformation
// (cfnStatements) and into the CDK app's infra/lib/permissions.ts (cdkPermissionsFile), which
// infra/lib/agent-stack.ts turns into PolicyStatements without adding any of its own.

/**
 * A resource the template itself creates or receives, named by role because CloudFormation and CDK
 * spell it differently: `Fn::GetAtt LogGroup.Arn` in one, `logGroup.logGroupArn` in the other.
 */
export type ResourceSlot =
  | 'logGroupArn'
  | 'secretArns'
  | 'repositoryArn'
  | 'sessionBucketArn'
  | 'sessionObjectsArn';

/** `"*"`, a CloudFormation `Fn::Sub` pattern, or a {@link ResourceSlot}. */
export type PolicyResource = string | { slot: ResourceSlot };

/** One statement of least privilege. A `"*"` resource carries `why`, the reason AWS requires it. */
export interface PolicyStatement {
  sid: string;
  actions: string[];
  resources: PolicyResource[];
  conditions?: Record<string, Record<string, string>>;
  why?: string;
}

/**
 * A statement as CloudFormation takes it. `comment` is no IAM field: the YAML writer prints it above
 * the statement and drops it.
 */
export interface CfnStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
  comment?: string;
}

const ANY = '*';
const slot = (name: ResourceSlot): PolicyResource => ({ slot: name });

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
export function toolResource(pattern: string, settings: Record<string, unknown>): string {
  if (pattern === ANY) return ANY;
  return pattern
    .replace(/\{config\.(\w+)\}/g, (_m, name: string) => subLiteral(String(settings[name] ?? '')))
    .replaceAll('{region}', '${AWS::Region}')
    .replaceAll('{account}', '${AWS::AccountId}')
    .replaceAll('{partition}', '${AWS::Partition}');
}

/** Applying the spec's guardrail: Bedrock checks bedrock:ApplyGuardrail on it at each model call. */
function guardrailStatements(context: ProjectContext): PolicyStatement[] {
  const guardrail = context.spec.guardrail;
  if (!guardrail || context.model.provider !== 'bedrock') return [];
  const arn = guardrail.id.startsWith('arn:')
    ? subLiteral(guardrail.id)
    : `arn:\${AWS::Partition}:bedrock:\${AWS::Region}:\${AWS::AccountId}:guardrail/${guardrail.id}`;
  return [{ sid: 'ApplyGuardrail', actions: ['bedrock:ApplyGuardrail'], resources: [arn] }];
}

/** Invoking the chosen Bedrock model (directly, or through its cross-Region inference profile). */
export function modelStatements(context: ProjectContext): PolicyStatement[] {
  return [...invokeModelStatements(context), ...guardrailStatements(context)];
}

function invokeModelStatements(context: ProjectContext): PolicyStatement[] {
  const { model } = context;
  if (model.provider !== 'bedrock') return [];
  const actions = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
  if (model.invocationId === model.id) {
    return [
      {
        sid: 'InvokeModel',
        actions,
        resources: [`arn:\${AWS::Partition}:bedrock:\${AWS::Region}::foundation-model/${model.id}`],
      },
    ];
  }
  return [
    {
      sid: 'InvokeModelThroughInferenceProfile',
      actions,
      resources: [
        `arn:\${AWS::Partition}:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${model.invocationId}`,
        `arn:\${AWS::Partition}:bedrock:*::foundation-model/${model.id}`,
      ],
      why: 'The cross-Region inference profile may serve the request from any Region of its geography, so AWS requires the foundation-model permission in each of them: the Region segment is * while the model stays fixed.',
    },
  ];
}

/** Each selected tool's statements from the tool registry, its settings filled into the resources. */
export function toolStatements(context: ProjectContext): PolicyStatement[] {
  return context.tools.flatMap((tool) =>
    tool.iam.map((statement, index) => ({
      sid: sidFor(`${tool.id} ${index + 1}`),
      actions: statement.actions,
      resources: statement.resources.map((r) => toolResource(r, tool.settings)),
      ...(statement.resources.includes(ANY) ? { why: `${tool.name}: ${statement.why}` } : {}),
    })),
  );
}

/** The agent's own log streams, X-Ray, and metrics in its own namespace. */
export function observabilityStatements(
  logGroupArn: PolicyResource,
  metricsNamespace: string,
): PolicyStatement[] {
  return [
    {
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [logGroupArn],
    },
    {
      sid: 'XRayTracing',
      actions: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
      ],
      resources: [ANY],
      why: 'X-Ray has no resource-level permissions for these actions, so AWS requires "*".',
    },
    {
      sid: 'PutMetricsInOwnNamespace',
      actions: ['cloudwatch:PutMetricData'],
      resources: [ANY],
      conditions: { StringEquals: { 'cloudwatch:namespace': metricsNamespace } },
      why: 'PutMetricData has no resource-level permissions, so AWS requires "*"; the condition limits it to this agent\'s namespace.',
    },
  ];
}

/** Reading the agent's Secrets Manager secrets, when it has any. */
export function secretStatements(context: ProjectContext): PolicyStatement[] {
  if (context.secretNames.length === 0) return [];
  return [
    {
      sid: 'ReadOwnSecrets',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [slot('secretArns')],
    },
  ];
}

const AGENTCORE_ARN = 'arn:${AWS::Partition}:bedrock-agentcore:${AWS::Region}:${AWS::AccountId}';

/**
 * Fetching the keys kept in AgentCore Identity API key credential providers, with the workload access
 * token AgentCore Runtime gives each request: GetResourceApiKey on the token vault, its provider
 * collection and the providers themselves, and on the workload identity directory (the service
 * authorizes each level); and reading the secret AgentCore Identity keeps each key in.
 */
export function apiKeyProviderStatements(context: ProjectContext): PolicyStatement[] {
  if (context.apiKeyProviders.length === 0) return [];
  const providers = [...new Set(context.apiKeyProviders.map((p) => p.provider))];
  return [
    {
      sid: 'GetOwnApiKeysFromAgentCoreIdentity',
      actions: ['bedrock-agentcore:GetResourceApiKey'],
      resources: [
        `${AGENTCORE_ARN}:token-vault/default`,
        `${AGENTCORE_ARN}:token-vault/default/apikeycredentialprovider`,
        ...providers.map((name) => `${AGENTCORE_ARN}:token-vault/default/apikeycredentialprovider/${name}`),
        `${AGENTCORE_ARN}:workload-identity-directory/default`,
        `${AGENTCORE_ARN}:workload-identity-directory/default/workload-identity/*`,
      ],
      why: 'AgentCore Runtime creates the agent\'s workload identity under a name the template cannot know, so its identities are matched by "*" (aws-cdk-lib\'s ApiKeyCredentialProvider.grantUse grants the same).',
    },
    {
      sid: 'ReadOwnApiKeyProviderSecrets',
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: providers.map(
        (name) =>
          `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:bedrock-agentcore-identity!default/apikey/${name}-*`,
      ),
    },
  ];
}

/** What pushing an image to an ECR repository takes (docker push; BatchGetImage for its cache check). */
export const ECR_PUSH_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
  'ecr:BatchGetImage',
] as const;

/** The ECR authorization token, which every pull and push needs. */
export const ECR_TOKEN_STATEMENT: PolicyStatement = {
  sid: 'EcrAuthorizationToken',
  actions: ['ecr:GetAuthorizationToken'],
  resources: [ANY],
  why: 'ecr:GetAuthorizationToken is account-wide: AWS requires "*" for it.',
};

/** Pulling the agent image from its repository. */
export function ecrPullStatements(): PolicyStatement[] {
  return [
    {
      sid: 'PullImage',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [slot('repositoryArn')],
    },
    ECR_TOKEN_STATEMENT,
  ];
}

/** Where an AgentCore runtime logs: AWS creates its log group under this prefix. */
const AGENTCORE_LOG_GROUPS =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/bedrock-agentcore/runtimes/*';

/**
 * The role the agent runs as on its target (AgentCore's execution role, the ECS task role, the Lambda
 * function role): what CloudFormation and CDK both grant it, in this order.
 */
export function agentRoleStatements(context: ProjectContext): PolicyStatement[] {
  const agentcore = context.deployment.target === 'agentcore';
  return [
    ...(agentcore
      ? [
          ...ecrPullStatements(),
          {
            sid: 'RuntimeLogGroups',
            actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
            resources: [AGENTCORE_LOG_GROUPS],
          },
        ]
      : []),
    ...modelStatements(context),
    ...(agentcore
      ? observabilityStatements(`${AGENTCORE_LOG_GROUPS}:log-stream:*`, 'bedrock-agentcore')
      : observabilityStatements(slot('logGroupArn'), context.projectName)),
    ...secretStatements(context),
    ...apiKeyProviderStatements(context),
    ...toolStatements(context),
    ...(keepsSessionsInS3(context) ? sessionStoreStatements() : []),
  ];
}

/** An agent on ECS Fargate keeps its conversations in an S3 bucket of its stack (any task, any restart). */
export function keepsSessionsInS3(context: ProjectContext): boolean {
  return context.deployment.target === 'ecs-fargate';
}

/** Where an agent on ECS Fargate keeps conversations (Strands' S3 session store, `sessions/`). */
export const SESSION_PREFIX = 'sessions/';

/**
 * Reading and writing the conversations in the session bucket, which holds nothing else:
 * S3SessionManager heads, reads, writes and deletes a session's objects under its prefix, and lists
 * them. ListBucket has no prefix condition: HeadObject of a missing key must answer 404, not 403, and
 * that request carries no s3:prefix.
 */
export function sessionStoreStatements(): PolicyStatement[] {
  return [
    {
      sid: 'ReadWriteSessions',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [slot('sessionObjectsArn')],
    },
    {
      sid: 'ListSessions',
      actions: ['s3:ListBucket'],
      resources: [slot('sessionBucketArn')],
    },
  ];
}

/**
 * The ECS task execution role of the CloudFormation template: pull the image, write the container's
 * logs. CDK's ApplicationLoadBalancedFargateService makes and grants its own execution role.
 */
export function ecsExecutionRoleStatements(): PolicyStatement[] {
  return [
    ...ecrPullStatements(),
    {
      sid: 'ContainerLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [slot('logGroupArn')],
    },
  ];
}

/** The CodeBuild role that builds the image: read the uploaded source, log, push to the repository. */
export function imageBuildRoleStatements(): PolicyStatement[] {
  return [
    {
      sid: 'ReadSource',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: ['${SourceBucket.Arn}/*'],
    },
    {
      sid: 'BuildLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [slot('logGroupArn')],
    },
    {
      sid: 'PushImage',
      actions: [...ECR_PUSH_ACTIONS],
      resources: [slot('repositoryArn')],
    },
    ECR_TOKEN_STATEMENT,
  ];
}

/**
 * The statements as CloudFormation writes them: patterns become `Fn::Sub`, slots the template's own
 * values, and a single resource is written as a scalar.
 */
export function cfnStatements(
  statements: PolicyStatement[],
  slots: Partial<Record<ResourceSlot, unknown>>,
): CfnStatement[] {
  const resolve = (resource: PolicyResource): unknown => {
    if (typeof resource === 'string') return resource === ANY ? ANY : { 'Fn::Sub': resource };
    const value = slots[resource.slot];
    if (value === undefined) throw new Error(`no CloudFormation value for the ${resource.slot} slot`);
    return value;
  };
  return statements.map((s) => {
    const resources = s.resources.map(resolve);
    return {
      Sid: s.sid,
      Effect: 'Allow' as const,
      Action: s.actions,
      Resource: resources.length === 1 ? resources[0] : resources,
      ...(s.conditions ? { Condition: s.conditions } : {}),
      ...(s.why ? { comment: s.why } : {}),
    };
  });
}

/** An IAM policy document as CloudFormation takes it. */
export function cfnPolicyDocument(
  statements: PolicyStatement[],
  slots: Partial<Record<ResourceSlot, unknown>>,
) {
  return { Version: '2012-10-17', Statement: cfnStatements(statements, slots) };
}

/** `infra/lib/permissions.ts`: the agent role's statements as data for the CDK stack. */
export function cdkPermissionsFile(context: ProjectContext): PlannedFile {
  const content = [
    '// Generated by Agent Builder Platform from the AgentSpec and the tool registry: every permission the',
    "// agent's role gets, and no more. The same statements as the role in deploy/cloudformation/.",
    '// Resources are CloudFormation Fn::Sub patterns, "*" only where AWS requires it (see `why`), or a',
    '// slot: a resource the stack creates (its log group, image repository) or receives (secret ARNs).',
    '',
    "export type ResourceSlot = 'logGroupArn' | 'secretArns' | 'repositoryArn' | 'sessionBucketArn' | 'sessionObjectsArn';",
    '',
    'export interface AgentStatement {',
    '  sid: string;',
    '  actions: string[];',
    '  resources: (string | { slot: ResourceSlot })[];',
    '  conditions?: Record<string, Record<string, string>>;',
    '  why?: string;',
    '}',
    '',
    `export const AGENT_STATEMENTS: AgentStatement[] = ${JSON.stringify(agentRoleStatements(context), null, 2)};`,
    '',
    `export const SECRET_NAMES: string[] = ${JSON.stringify(context.secretNames)};`,
    '',
  ].join('\n');
  return { path: 'infra/lib/permissions.ts', content };
}
