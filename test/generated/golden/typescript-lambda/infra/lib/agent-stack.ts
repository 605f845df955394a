import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
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

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // A role of its own: without one, CDK attaches AWSLambdaBasicExecutionRole (logs on every log group).
    const role = new iam.Role(this, 'FunctionRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const runtime = lambda.Runtime.NODEJS_22_X;
    const fn = new lambda.Function(this, 'Function', {
      runtime,
      role,
      architecture: lambda.Architecture.ARM_64,
      handler: 'dist/lambda.handler',
      // Built in the Lambda build image by `cdk deploy` (Docker needed), like deploy/lambda/package.sh.
      code: lambda.Code.fromAsset(PROJECT_DIR, {
        exclude: ['node_modules', 'dist', '.venv', 'infra', 'deploy', '.git'],
        bundling: {
          image: runtime.bundlingImage,
          environment: { HOME: '/tmp', npm_config_cache: '/tmp/.npm' },
          command: [
            'bash',
            '-c',
            'npm install --no-audit --no-fund && npm run build && cp -r dist package.json /asset-output/ && cd /asset-output && npm install --omit=dev --no-audit --no-fund',
          ],
        },
      }),
      memorySize: 2048,
      timeout: Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment,
    });
    for (const statement of agentPolicy({ logGroupArn: [logGroup.logGroupArn], secretArns })) fn.addToRolePolicy(statement);
    const url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'FunctionName', { value: fn.functionName });
    new CfnOutput(this, 'FunctionUrl', { value: url.url });
  }
}
