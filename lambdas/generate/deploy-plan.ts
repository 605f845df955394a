import { AgentSpec } from '../agent-spec/schema.ts';
import { ConflictError } from '../core/errors.ts';
import type { Registries } from '../registries/validate.ts';
import { buildContext } from './context.ts';
import { agentRoleStatements, type PolicyResource } from './iam.ts';
import type { DeployPlan } from './model.ts';
import type { GenerationRecord } from './ports.ts';
import { loadTemplates } from './templates.ts';

const SLOT_WORDS: Record<string, string> = {
  logGroupArn: "the agent's own log group",
  secretArns: 'the secrets listed in SECRET_ARNS',
  repositoryArn: "the agent's ECR repository",
  sessionBucketArn: "the agent's session bucket",
  sessionObjectsArn: "the objects of the agent's session bucket",
};
const resourceWords = (r: PolicyResource) => (typeof r === 'string' ? r : (SLOT_WORDS[r.slot] ?? r.slot));

/**
 * The deploy step for a generated version, read from what was generated: the scripts under `deploy/`
 * (only those the project has), the role's statements as CloudFormation and CDK grant them, and the
 * estimated monthly cost recorded with the generation.
 */
export function deployPlan(record: GenerationRecord, registries: Registries): DeployPlan {
  if (record.status !== 'SUCCEEDED')
    throw new ConflictError(
      `generation ${record.id} failed (${record.reason ?? 'no project'}); generate again first`,
    );
  const parsed = AgentSpec.safeParse(record.spec);
  if (!parsed.success || !record.files)
    throw new ConflictError(`generation ${record.id} predates deploy plans; regenerate the project first`);
  const spec = parsed.data;
  const context = buildContext(spec, registries, loadTemplates());
  const { target, region, architecture } = spec.deployment;
  const has = (file: string) => record.files?.includes(file) ?? false;
  const container = target !== 'lambda';
  const checklist: DeployPlan['checklist'] = [
    {
      id: 'aws-cli',
      label: 'AWS CLI v2 and jq',
      detail: `The deploy scripts call the AWS CLI v2 and jq${container ? '' : ', and zip to package the function'}.`,
      check: 'aws --version && jq --version',
    },
    {
      id: 'credentials',
      label: 'Credentials for the account',
      detail: 'Credentials allowed to create IAM roles, CloudFormation stacks and the resources below.',
      check: 'aws sts get-caller-identity',
    },
    {
      id: 'region',
      label: `Region ${region}`,
      detail: `The scripts deploy to ${region} (DEFAULT_REGION in deploy/config.env); AWS_REGION in the environment wins.`,
      check: `export AWS_REGION=${region}`,
    },
    {
      id: 'model-access',
      label: `Model access: ${context.model.name}`,
      detail: `Amazon Bedrock must allow ${context.model.id} in ${region} for this account (the console's Model access page); the agent calls ${context.model.invocationNote}`,
      check: `aws bedrock get-foundation-model --model-identifier ${context.model.id} --region ${region}`,
    },
    ...(container
      ? [
          {
            id: 'image-build',
            label: `Docker with buildx (${context.deployment.platform}), or CodeBuild`,
            detail: `The image is built for ${context.deployment.platform}. Without Docker buildx for it, deploy/build-with-codebuild.sh builds it in AWS CodeBuild on ${architecture === 'arm64' ? 'ARM' : 'x86'} hardware instead.`,
            check: 'docker buildx version',
          },
        ]
      : []),
    ...(context.secretNames.length > 0
      ? [
          {
            id: 'secrets',
            label: `Secrets: ${context.secretNames.join(', ')}`,
            detail: `Store them in AWS Secrets Manager and put their ARNs, in this order and comma-separated, in SECRET_ARNS in deploy/config.env.`,
          },
        ]
      : []),
  ];
  const steps: DeployPlan['steps'] = [];
  if (container && has('deploy/build-and-push.sh'))
    steps.push({
      title: 'Build and push the image',
      command: 'deploy/build-and-push.sh',
      file: 'deploy/build-and-push.sh',
      ...(has('deploy/build-with-codebuild.sh')
        ? { note: 'Without Docker buildx: deploy/build-with-codebuild.sh builds it in AWS CodeBuild.' }
        : {}),
    });
  if (!container && has('deploy/lambda/package.sh'))
    steps.push({
      title: 'Package the function',
      command: 'deploy/lambda/package.sh',
      file: 'deploy/lambda/package.sh',
    });
  steps.push({
    title: 'Deploy',
    command: `deploy/${target}/deploy.sh ${container ? '--skip-build' : '--skip-package'}`,
    file: `deploy/${target}/deploy.sh`,
  });
  return {
    generationId: record.id,
    ...(record.version ? { version: record.version } : {}),
    target,
    region,
    architecture,
    checklist,
    steps,
    invoke: {
      title: 'Invoke it',
      command: `deploy/${target}/invoke.sh "Hello! What can you do?"`,
      file: `deploy/${target}/invoke.sh`,
    },
    teardown: {
      title: 'Tear it down',
      command: `deploy/${target}/destroy.sh`,
      file: `deploy/${target}/destroy.sh`,
    },
    ...(record.cost ? { monthlyUsd: record.cost.monthlyUsd } : {}),
    iam: agentRoleStatements(context).map((s) => ({
      sid: s.sid,
      actions: s.actions,
      resources: s.resources.map(resourceWords),
      ...(s.why ? { why: s.why } : {}),
    })),
  };
}
