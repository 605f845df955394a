import { parse } from 'yaml';
import type { DeploymentTarget } from '../agent-spec/schema.ts';
import { ConflictError } from '../core/errors.ts';
import { readZipEntry } from '../generate/zip.ts';

// Pure: the names a deployment uses in the account, and the stack it creates or updates, read from
// the generated project's own CloudFormation template and deploy/config.env.

/** Every stack, role and repository the platform deploys starts with this, so its IAM can say so. */
export const AGENT_PREFIX = 'agentbuilder';

const short = (sessionId: string) =>
  sessionId
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 8)
    .toLowerCase();
const slug = (name: string, max: number) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '') || 'agent';

/**
 * One stack per session and target: deploying again updates it. The name also prefixes what
 * CloudFormation names inside it (`<stack>-RuntimeRole-…`), which the platform's roles are scoped to.
 */
export function stackName(projectName: string, sessionId: string, target: DeploymentTarget): string {
  return `${AGENT_PREFIX}-${slug(projectName, 30)}-${short(sessionId)}-${target}`;
}

/** The agent's ECR repository, under the prefix the CodeBuild role may push to. */
export function repositoryName(projectName: string, sessionId: string): string {
  return `${AGENT_PREFIX}/${slug(projectName, 60)}-${short(sessionId)}`;
}

/**
 * The name the Lambda and ECS templates give the function, task family and log group: the project's,
 * made unique per session so two builders' agents of the same name do not collide in the account.
 */
export function agentName(projectName: string, sessionId: string): string {
  return `${slug(projectName, 20)}-${short(sessionId)}`;
}

/** The generated template each target deploys. */
export const TEMPLATE_FILE: Record<DeploymentTarget, string> = {
  agentcore: 'deploy/cloudformation/agentcore-role.yaml',
  'ecs-fargate': 'deploy/cloudformation/ecs-fargate.yaml',
  lambda: 'deploy/cloudformation/lambda.yaml',
};

/** `KEY=value` settings of the generated deploy/config.env (values single-quoted by the generator). */
export function readConfigEnv(text: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match?.[1]) continue;
    const raw = match[2] ?? '';
    settings[match[1]] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'\\''`, "'") : raw;
  }
  return settings;
}

/** Where the stack's settings come from beyond the template: the image, the package, the network. */
export interface StackInputs {
  target: DeploymentTarget;
  stackName: string;
  sessionId: string;
  repositoryName?: string;
  imageUri?: string;
  artifactsBucket: string;
  packageKey?: string;
  /** ECS Fargate: the VPC and subnets the operator chose for agents. */
  network?: { vpcId: string; subnetIds: string[] };
}

type Template = {
  Parameters?: Record<string, { Default?: unknown }>;
  Resources: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
};

/**
 * The template and parameters of the agent's stack, from the project's zip. The AgentCore template
 * the generator writes holds the runtime's role only (its deploy script creates the runtime with
 * the CLI); here the runtime itself is added to it, so one stack holds all of the agent.
 */
export function stackRequest(zip: Uint8Array, folder: string, inputs: StackInputs) {
  const file = TEMPLATE_FILE[inputs.target];
  const text = readZipEntry(zip, folder, file);
  if (!text) throw new ConflictError(`the project has no ${file}; regenerate it, then deploy`);
  const template = parse(text) as Template;
  const config = readConfigEnv(readZipEntry(zip, folder, 'deploy/config.env') ?? '');
  const parameters: Record<string, string> = {};
  if (inputs.target !== 'agentcore') parameters.AgentName = agentName(folder, inputs.sessionId);
  if (inputs.target === 'lambda') {
    parameters.CodeBucket = inputs.artifactsBucket;
    parameters.CodeKey = inputs.packageKey ?? '';
  } else {
    parameters.RepositoryName = inputs.repositoryName ?? '';
  }
  if (inputs.target === 'ecs-fargate') {
    parameters.ImageUri = inputs.imageUri ?? '';
    parameters.VpcId = inputs.network?.vpcId ?? '';
    parameters.SubnetIds = inputs.network?.subnetIds.join(',') ?? '';
  }
  if (inputs.target === 'agentcore') {
    template.Parameters = { ...template.Parameters, ImageUri: { Type: 'String' } } as Template['Parameters'];
    parameters.ImageUri = inputs.imageUri ?? '';
    const name = `${(config.RUNTIME_NAME ?? 'agent').slice(0, 39)}_${short(inputs.sessionId)}`;
    template.Resources.Runtime = {
      Type: 'AWS::BedrockAgentCore::Runtime',
      Properties: {
        AgentRuntimeName: name,
        AgentRuntimeArtifact: { ContainerConfiguration: { ContainerUri: { Ref: 'ImageUri' } } },
        RoleArn: { 'Fn::GetAtt': ['RuntimeRole', 'Arn'] },
        NetworkConfiguration: { NetworkMode: 'PUBLIC' },
        ProtocolConfiguration: 'HTTP',
        EnvironmentVariables: {
          AWS_REGION: { Ref: 'AWS::Region' },
          MODEL_ID: config.MODEL_ID ?? '',
          LOG_LEVEL: 'INFO',
        },
      },
    };
    template.Outputs = {
      ...template.Outputs,
      AgentRuntimeArn: { Value: { 'Fn::GetAtt': ['Runtime', 'AgentRuntimeArn'] } },
    };
  }
  return { stackName: inputs.stackName, templateBody: JSON.stringify(template), parameters };
}

/**
 * Why this project cannot be deployed by the platform as generated, if it cannot: an agent that
 * needs secrets gets their ARNs from the builder, which the deploy scripts ask for.
 */
export function deployBlocker(zip: Uint8Array, folder: string, target: DeploymentTarget): string | undefined {
  const text = readZipEntry(zip, folder, TEMPLATE_FILE[target]);
  if (!text) return `the project has no ${TEMPLATE_FILE[target]}; regenerate it, then deploy`;
  const template = parse(text) as Template;
  if (template.Parameters?.SecretArns)
    return 'this agent needs secrets in AWS Secrets Manager (SECRET_ARNS in deploy/config.env); deploy it with the commands below, which ask for them';
  return undefined;
}

/** Where to call the agent, from its stack's outputs. */
export function endpointOf(target: DeploymentTarget, outputs: Record<string, string>): string | undefined {
  if (target === 'lambda') return outputs.FunctionUrl;
  if (target === 'ecs-fargate') return outputs.ServiceUrl ?? outputs.ClusterName;
  return outputs.AgentRuntimeArn;
}
