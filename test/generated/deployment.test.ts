import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { isMap, isScalar, parse, parseDocument, visit } from 'yaml';
import type { GeneratedProject } from '../../lambdas/generate/project.ts';
import { validateTemplate } from './cfn-schema.ts';
import { specWithTools } from './specs.ts';
import { generate, run, scratchDir, sharedNodeModules, writeProject } from './workspace.ts';

// Every deployment target in both languages, with tools that need IAM (a knowledge base, S3, Textract
// whose actions AWS only grants on "*") and a secret (Tavily's API key).
const TOOLS = ['calculator', 'knowledge_base_retrieve', 's3_objects', 'textract_document', 'tavily_search'];
const TOOL_CONFIG = {
  knowledge_base_retrieve: { knowledgeBaseId: 'KB12345678' },
  s3_objects: { bucket: 'docs-bucket', prefix: 'in/' },
};
const combos = (['agentcore', 'ecs-fargate', 'lambda'] as const).flatMap((target) =>
  (['typescript', 'python'] as const).map((language) => ({
    target,
    language,
    label: `${target} ${language}`,
  })),
);
const workspace = scratchDir('deploy');
const projects: {
  label: string;
  target: string;
  language: string;
  dir: string;
  project: GeneratedProject;
}[] = [];

const filesOf = (project: GeneratedProject, pattern: RegExp) =>
  Object.entries(project.files).filter(([path]) => pattern.test(path));

beforeAll(async () => {
  for (const combo of combos) {
    const project = await generate(
      specWithTools(combo.language, TOOLS, {
        toolConfig: TOOL_CONFIG,
        deployment: { target: combo.target, region: 'us-east-1' },
      }),
    );
    const dir = join(workspace, combo.label.replace(' ', '-'));
    writeProject(dir, project);
    projects.push({ ...combo, dir, project });
  }
}, 120_000);

describe('deployment artifacts', () => {
  it('give each target its scripts, CloudFormation, CDK app and README walkthrough', () => {
    for (const { target, project, label } of projects) {
      const paths = Object.keys(project.files);
      expect(paths, label).toEqual(
        expect.arrayContaining([
          `deploy/${target}/deploy.sh`,
          `deploy/${target}/invoke.sh`,
          `deploy/${target}/destroy.sh`,
          'deploy/config.env',
          'infra/lib/agent-stack.ts',
        ]),
      );
      if (target === 'lambda') expect(paths).toContain('deploy/cloudformation/lambda.yaml');
      else
        expect(paths).toEqual(
          expect.arrayContaining([
            'Dockerfile',
            '.dockerignore',
            'deploy/build-and-push.sh',
            'deploy/build-with-codebuild.sh',
            'deploy/buildspec.yml',
          ]),
        );
      const readme = project.files['README.md'] ?? '';
      expect(readme, label).toMatch(
        new RegExp(
          `deploy/${target}/deploy\\.sh[\\s\\S]*deploy/${target}/invoke\\.sh[\\s\\S]*deploy/${target}/destroy\\.sh`,
        ),
      );
    }
  });

  it('validate against the official CloudFormation resource schemas', async () => {
    for (const { project, label } of projects) {
      for (const [path, content] of filesOf(project, /^deploy\/cloudformation\/.*\.yaml$/)) {
        expect(await validateTemplate(parse(content) as Record<string, unknown>), `${label} ${path}`).toEqual(
          [],
        );
      }
    }
  });

  it('the schema check catches unknown types, unknown and missing properties, and dangling references', async () => {
    const problems = await validateTemplate({
      Resources: {
        A: { Type: 'AWS::Nope::Thing' },
        B: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'nodejs22.x', Colour: 'red', Code: { S3Bucket: { Ref: 'Missing' } } },
        },
      },
      Outputs: { X: { Value: { 'Fn::GetAtt': ['B', 'Nope'] } } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'A: unknown resource type AWS::Nope::Thing',
        'B.Colour: unknown property',
        'B.Role: required property missing',
        'Resources.B.Properties.Code.S3Bucket: Ref to unknown Missing',
        'Outputs.X.Value: B has no attribute Nope',
      ]),
    );
  });

  it('grant no wildcard action, and "*" resources only where AWS requires them, each explained in a comment', () => {
    for (const { project, label } of projects) {
      for (const [path, content] of filesOf(project, /^deploy\/cloudformation\/.*\.yaml$/)) {
        const document = parseDocument(content);
        visit(document, {
          Map(_key, node) {
            if (!isMap(node) || !node.has('Effect')) return;
            const actions = node.get('Action', true);
            const list = Array.isArray((actions as { toJSON?: () => unknown })?.toJSON?.())
              ? (actions as { toJSON: () => string[] }).toJSON()
              : [String(node.get('Action'))];
            for (const action of list) expect(action, `${label} ${path}`).not.toMatch(/\*/);
            const resource = node.get('Resource', true);
            if (isScalar(resource) && resource.value === '*') {
              expect(node.commentBefore ?? '', `${label} ${path} ${String(node.get('Sid'))}`).toMatch(
                /requires/,
              );
            }
          },
        });
      }
    }
  });

  it('trust AgentCore only for this account and Region, and invoke only the chosen model', () => {
    const agentcore = projects.find((p) => p.target === 'agentcore');
    const template = parse(agentcore?.project.files['deploy/cloudformation/agentcore-role.yaml'] ?? '') as {
      Resources: {
        RuntimeRole: {
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: { Principal: unknown; Condition: Record<string, Record<string, unknown>> }[];
            };
            Policies: { PolicyDocument: { Statement: { Sid: string; Resource: unknown }[] } }[];
          };
        };
      };
    };
    const role = template.Resources.RuntimeRole.Properties;
    const trust = role.AssumeRolePolicyDocument.Statement[0];
    expect(trust?.Principal).toEqual({ Service: 'bedrock-agentcore.amazonaws.com' });
    expect(trust?.Condition.StringEquals).toHaveProperty(['aws:SourceAccount']);
    expect(trust?.Condition.ArnLike).toHaveProperty(['aws:SourceArn']);
    const statements = role.Policies[0]?.PolicyDocument.Statement ?? [];
    const model = statements.find((s) => s.Sid.startsWith('InvokeModel'));
    expect(JSON.stringify(model?.Resource)).toContain('anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(JSON.stringify(model?.Resource)).not.toMatch(/foundation-model\/\*/);
    expect(JSON.stringify(statements)).toContain('knowledge-base/KB12345');
    expect(JSON.stringify(statements)).toContain('docs-bucket/in/*');
  });

  it('keep sessions on ECS Fargate (both languages) in a retained, private S3 bucket that only the task role may use', () => {
    type Template = {
      Resources: Record<
        string,
        { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }
      >;
    };
    const fargate = projects.filter((p) => p.target === 'ecs-fargate');
    expect(new Set(fargate.map((p) => p.language))).toEqual(new Set(['typescript', 'python']));
    for (const { project } of fargate) {
      const template = parse(project.files['deploy/cloudformation/ecs-fargate.yaml'] ?? '') as Template;
      const bucket = template.Resources.SessionBucket;
      expect(bucket?.Type).toBe('AWS::S3::Bucket');
      expect(bucket?.DeletionPolicy).toBe('Retain');
      expect(bucket?.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicPolicy: true });
      const taskPolicies = JSON.stringify(template.Resources.TaskRole?.Properties);
      expect(taskPolicies).toContain('${SessionBucket.Arn}/sessions/*');
      const container = JSON.stringify(template.Resources.TaskDefinition?.Properties);
      expect(container).toContain('"Name":"SESSION_BUCKET","Value":{"Ref":"SessionBucket"}');
    }
  });

  it('run under ADOT on AgentCore (both languages, pinned), and start plainly elsewhere', () => {
    for (const { target, language, project } of projects) {
      const dockerfile = project.files.Dockerfile ?? '';
      const cmd = dockerfile.split('\n').find((line) => line.startsWith('CMD '));
      if (target === 'lambda') continue; // no image of its own
      if (target === 'agentcore' && language === 'python') {
        expect(cmd).toBe('CMD ["opentelemetry-instrument", "python", "-m", "app.main"]');
        expect(project.files['requirements.txt']).toMatch(/^aws-opentelemetry-distro>=/m);
      } else if (target === 'agentcore') {
        expect(dockerfile).toMatch(
          /npm install --omit=dev .*--no-save @aws\/aws-distro-opentelemetry-node-autoinstrumentation@\d+\.\d+\.\d+$/m,
        );
        expect(cmd).toBe(
          'CMD ["node", "--require", "@aws/aws-distro-opentelemetry-node-autoinstrumentation/register", "dist/index.js"]',
        );
        // The agent does not set up a second tracer provider under ADOT.
        expect(project.files['src/index.ts']).toMatch(/!underAdot\) setupTracer/);
      } else {
        expect(dockerfile).not.toMatch(/opentelemetry/);
      }
    }
  });

  it('scripts are strict and pass shellcheck', async () => {
    const scripts = projects.flatMap(({ dir, project }) =>
      filesOf(project, /\.sh$/).map(([path]) => join(dir, path)),
    );
    for (const script of scripts) {
      const text = readFileSync(script, 'utf8');
      expect(text.includes('set -euo pipefail') || text.includes('lib.sh"'), script).toBe(true);
    }
    const result = await run('shellcheck', [
      '--external-sources',
      '--source-path=SCRIPTDIR',
      ...scripts,
    ]).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('');
  }, 60_000);

  it('YAML passes yamllint', async () => {
    const files = projects.flatMap(({ dir, project }) =>
      filesOf(project, /\.ya?ml$/).map(([path]) => join(dir, path)),
    );
    const config =
      '{extends: default, rules: {line-length: disable, document-start: disable, truthy: {check-keys: false}, comments: {min-spaces-from-content: 1}}}';
    const result = await run('yamllint', ['-f', 'parsable', '-d', config, ...files]).then(
      (r) => r.stdout,
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('');
  }, 60_000);

  it('CDK apps synthesise offline, and their templates validate too', async () => {
    const nodeModules = await sharedNodeModules(projects.map((p) => p.project));
    const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
    for (const { dir, label, target, language } of projects) {
      // The same stack as TypeScript on AgentCore; on ECS Fargate the Python stack adds its session bucket.
      if (target === 'agentcore' && language === 'python') continue;
      symlinkSync(nodeModules, join(dir, 'infra', 'node_modules'), 'dir');
      const out = join(dir, 'infra', 'cdk.out');
      await run(process.execPath, ['--import', tsxLoader, 'bin/app.ts'], {
        cwd: join(dir, 'infra'),
        env: {
          ...process.env,
          CDK_OUTDIR: out,
          CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [] }),
        },
      });
      const templates = readdirSync(out).filter((f) => f.endsWith('.template.json'));
      expect(templates, label).toHaveLength(1);
      const template = JSON.parse(readFileSync(join(out, templates[0] ?? ''), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(await validateTemplate(template), label).toEqual([]);
      // The agent's role holds only the statements of permissions.ts, no managed policy granting more.
      expect(JSON.stringify(template), label).not.toContain('AWSLambdaBasicExecutionRole');
    }
  }, 600_000);
});
