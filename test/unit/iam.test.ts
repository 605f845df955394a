import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DeploymentTarget, Language } from '../../lambdas/agent-spec/schema.ts';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';

const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };

// Tools whose statements cover each kind of resource: a filled-in ARN (knowledge base), settings in a
// pattern (S3 bucket and prefix), a "*" AWS requires (Textract), and a secret (Tavily's API key).
const spec = (language: Language, target: DeploymentTarget) => ({
  name: 'Support triage',
  description: 'Triage tickets',
  language,
  model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  systemPrompt: 'You triage tickets.',
  tools: ['calculator', 'knowledge_base_retrieve', 's3_objects', 'textract_document', 'tavily_search'],
  toolConfig: {
    knowledge_base_retrieve: { knowledgeBaseId: 'KB12345678' },
    s3_objects: { bucket: 'docs-bucket', prefix: 'in/' },
  },
  deployment: { target, region: 'us-east-1' },
});

/**
 * Per target: the CloudFormation file and role the CDK stack's agent role matches, and what each
 * slot of permissions.ts is in that template (the CDK stack gives its own resources for them).
 */
const TARGETS: Record<DeploymentTarget, { file: string; role: string; slots: Record<string, unknown> }> = {
  agentcore: {
    file: 'deploy/cloudformation/agentcore-role.yaml',
    role: 'RuntimeRole',
    slots: {
      repositoryArn: {
        'Fn::Sub': 'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/${RepositoryName}',
      },
      secretArns: { Ref: 'SecretArns' },
    },
  },
  'ecs-fargate': {
    file: 'deploy/cloudformation/ecs-fargate.yaml',
    role: 'TaskRole',
    slots: {
      logGroupArn: { 'Fn::GetAtt': ['LogGroup', 'Arn'] },
      secretArns: { Ref: 'SecretArns' },
      sessionBucketArn: { 'Fn::GetAtt': ['SessionBucket', 'Arn'] },
      sessionObjectsArn: { 'Fn::Sub': '${SessionBucket.Arn}/sessions/*' },
    },
  },
  lambda: {
    file: 'deploy/cloudformation/lambda.yaml',
    role: 'FunctionRole',
    slots: { logGroupArn: { 'Fn::GetAtt': ['LogGroup', 'Arn'] }, secretArns: { Ref: 'SecretArns' } },
  },
};

interface CfnStatement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: unknown;
  Condition?: unknown;
}
interface CdkStatement {
  sid: string;
  actions: string[];
  resources: (string | { slot: string })[];
  conditions?: unknown;
}

/** The exports of the generated permissions.ts, evaluated as JavaScript. */
function cdkPermissions(source: string): { AGENT_STATEMENTS: CdkStatement[]; SECRET_NAMES: string[] } {
  const js = transformSync(source, { loader: 'ts', format: 'cjs' }).code;
  const module = { exports: {} as { AGENT_STATEMENTS: CdkStatement[]; SECRET_NAMES: string[] } };
  new Function('module', 'exports', js)(module, module.exports);
  return module.exports;
}

const asList = (value: unknown) => (Array.isArray(value) ? value : [value]);

const combos = (['agentcore', 'ecs-fargate', 'lambda'] as const).flatMap((target) =>
  (['typescript', 'python'] as const).map((language) => ({ target, language })),
);

describe('IAM of a generated project', () => {
  it.each(combos)(
    'grants the same statements in CloudFormation and in the CDK app ($target, $language)',
    async ({ target, language }) => {
      const project = await generateAgentProject(spec(language, target), registries);
      const { file, role, slots } = TARGETS[target];
      const template = parse(project.files[file] ?? '') as {
        Resources: Record<
          string,
          { Properties: { Policies: { PolicyDocument: { Statement: CfnStatement[] } }[] } }
        >;
      };
      const cfn = (template.Resources[role]?.Properties.Policies ?? []).flatMap(
        (p) => p.PolicyDocument.Statement,
      );
      const cdk = cdkPermissions(project.files['infra/lib/permissions.ts'] ?? '');

      const fromCfn = cfn.map((s) => ({
        sid: s.Sid,
        effect: s.Effect,
        actions: s.Action,
        resources: asList(s.Resource),
        conditions: s.Condition,
      }));
      const fromCdk = cdk.AGENT_STATEMENTS.map((s) => ({
        sid: s.sid,
        effect: 'Allow',
        actions: s.actions,
        resources: s.resources.map((r) =>
          typeof r === 'string' ? (r === '*' ? r : { 'Fn::Sub': r }) : (slots[r.slot] ?? `no slot ${r.slot}`),
        ),
        conditions: s.conditions,
      }));

      expect(fromCfn.length).toBeGreaterThan(5);
      expect(fromCdk).toEqual(fromCfn);
      expect(cdk.SECRET_NAMES).toEqual(['TAVILY_API_KEY']);
    },
  );

  it('lets an agent fetch its AgentCore Identity keys (its providers, their secrets) instead of reading Secrets Manager', async () => {
    const project = await generateAgentProject(
      { ...spec('python', 'agentcore'), apiKeyProviders: { TAVILY_API_KEY: 'tavily-prod' } },
      registries,
    );
    const cdk = cdkPermissions(project.files['infra/lib/permissions.ts'] ?? '');
    // No Secrets Manager secret to pass in: the key is no longer one of them.
    expect(cdk.SECRET_NAMES).toEqual([]);
    expect(cdk.AGENT_STATEMENTS.map((s) => s.sid)).not.toContain('ReadOwnSecrets');
    const byId = Object.fromEntries(cdk.AGENT_STATEMENTS.map((s) => [s.sid, s]));
    const vault =
      'arn:${AWS::Partition}:bedrock-agentcore:${AWS::Region}:${AWS::AccountId}:token-vault/default';
    expect(byId.GetOwnApiKeysFromAgentCoreIdentity).toMatchObject({
      actions: ['bedrock-agentcore:GetResourceApiKey'],
      resources: expect.arrayContaining([vault, `${vault}/apikeycredentialprovider/tavily-prod`]),
    });
    expect(byId.GetOwnApiKeysFromAgentCoreIdentity?.resources).not.toContain('*');
    expect(byId.ReadOwnApiKeyProviderSecrets).toMatchObject({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [
        'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:bedrock-agentcore-identity!default/apikey/tavily-prod-*',
      ],
    });
    // Neither required at start nor asked for by the deploy script.
    expect(project.files['deploy/config.env']).not.toMatch(/SECRET_ARNS/);
  });

  it('the CDK stack grants its agent role nothing but the statements of permissions.ts', async () => {
    for (const target of ['agentcore', 'ecs-fargate', 'lambda'] as const) {
      const project = await generateAgentProject(spec('typescript', target), registries);
      const stack = project.files['infra/lib/agent-stack.ts'] ?? '';

      // One PolicyStatement constructor, fed by AGENT_STATEMENTS; no CDK grant adds statements of its own.
      expect(stack.match(/new iam\.PolicyStatement\(/g), target).toHaveLength(1);
      expect(stack, target).toMatch(/AGENT_STATEMENTS\.map\(/);
      expect(stack, target).not.toMatch(/\.grant\w*\(|addManagedPolicy|fromAwsManagedPolicyName/);
    }
  });
});
