import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../lambdas/core/errors.ts';
import { deployPlan } from '../../lambdas/generate/deploy-plan.ts';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import type { GenerationRecord } from '../../lambdas/generate/ports.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { assertValidSpec } from '../../lambdas/registries/validate.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';

const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };

/** A generation as the workflow records it: the validated spec and the files actually generated. */
async function generated(target: 'agentcore' | 'ecs-fargate' | 'lambda', tools: string[] = ['calculator']) {
  const { spec } = assertValidSpec(
    {
      name: 'Refund helper',
      model: 'amazon.nova-lite-v1:0',
      systemPrompt: 'Be brief.',
      tools,
      deployment: { target, region: 'eu-west-1' },
    },
    registries,
  );
  const project = await generateAgentProject(spec, registries);
  const record: GenerationRecord = {
    id: 'g1',
    owner: 'alice',
    status: 'SUCCEEDED',
    files: project.metadata.files,
    spec,
    version: 3,
    cost: { monthlyUsd: 12.5, annualUsd: 150 },
    createdAt: '2026-01-01T00:00:00Z',
  };
  return { record, files: project.files };
}

describe('deploy plan', () => {
  it('lists the container prerequisites and the exact commands of the scripts the project has', async () => {
    const { record, files } = await generated('agentcore');
    const plan = deployPlan(record, registries);
    expect(plan).toMatchObject({ target: 'agentcore', region: 'eu-west-1', version: 3, monthlyUsd: 12.5 });
    expect(plan.checklist.map((c) => c.id)).toEqual([
      'aws-cli',
      'credentials',
      'region',
      'model-access',
      'image-build',
    ]);
    expect(plan.steps.map((s) => s.command)).toEqual([
      'deploy/build-and-push.sh',
      'deploy/agentcore/deploy.sh --skip-build',
    ]);
    for (const command of [...plan.steps, plan.invoke, plan.teardown]) {
      expect(record.files).toContain(command.file);
      // The flag the command passes is one its script reads.
      const flag = command.command.split(' ')[1];
      if (flag?.startsWith('--')) expect(files[command.file ?? '']).toContain(flag);
    }
    expect(plan.iam.flatMap((s) => s.actions)).toContain('bedrock:InvokeModel');
    expect(plan.iam.flatMap((s) => s.resources)).not.toContain(
      expect.objectContaining({ slot: expect.anything() }),
    );
  });

  it('packages a Lambda function instead of building an image, and names the secrets to store', async () => {
    const tools = registries.tools
      .all()
      .filter((t) => t.env.some((e) => e.secret))
      .slice(0, 1)
      .map((t) => t.id);
    const { record, files } = await generated('lambda', ['calculator', ...tools]);
    const plan = deployPlan(record, registries);
    expect(plan.checklist.map((c) => c.id)).not.toContain('image-build');
    expect(plan.steps.map((s) => s.command)).toEqual([
      'deploy/lambda/package.sh',
      'deploy/lambda/deploy.sh --skip-package',
    ]);
    expect(files['deploy/lambda/deploy.sh']).toContain('--skip-package');
    if (tools.length > 0) expect(plan.checklist.at(-1)?.detail).toContain('SECRET_ARNS');
  });

  it('refuses a failed generation with a conflict saying what to do', () => {
    expect(() =>
      deployPlan({ id: 'g0', owner: 'alice', status: 'FAILED', reason: 'bad', createdAt: '' }, registries),
    ).toThrow(ConflictError);
  });
});
