import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
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

    const image = new DockerImageAsset(this, 'Image', {
      directory: PROJECT_DIR,
      platform: Platform.LINUX_ARM64,
      exclude: ['node_modules', 'dist', '.venv', 'infra', 'deploy', '.git'],
    });
    const role = new iam.Role(this, 'RuntimeRole', {
      description: 'Execution role of the agent runtime',
      assumedBy: new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:bedrock-agentcore:${this.region}:${this.account}:*` },
        },
      }),
    });
    for (const statement of agentPolicy({ repositoryArn: [image.repository.repositoryArn], secretArns })) role.addToPolicy(statement);
    const runtime = new agentcore.CfnRuntime(this, 'Runtime', {
      agentRuntimeName: "support_triage",
      agentRuntimeArtifact: { containerConfiguration: { containerUri: image.imageUri } },
      roleArn: role.roleArn,
      networkConfiguration: { networkMode: 'PUBLIC' },
      protocolConfiguration: 'HTTP',
      environmentVariables: { ...environment, AWS_REGION: this.region },
    });
    runtime.node.addDependency(role);
    new CfnOutput(this, 'AgentRuntimeArn', { value: runtime.attrAgentRuntimeArn });
  }
}
