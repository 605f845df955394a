import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PermissionWideningError } from '../../lambdas/core/errors.ts';
import { problem } from '../../lambdas/core/http.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { IAM_NAME_RULES, iamNameProblems } from '../../lambdas/registries/iam-names.ts';
import { assertValidSpec } from '../../lambdas/registries/validate.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';

const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
const spec = (tool: string, config: Record<string, unknown>) => ({
  name: 'Permissions',
  model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  systemPrompt: 'You look things up.',
  tools: [tool],
  toolConfig: { [tool]: config },
});

/** The problem a spec is refused with, as the API answers it. */
function refusal(input: unknown) {
  try {
    assertValidSpec(input, registries);
  } catch (error) {
    return { error, answer: problem(error, '/api/code-generation/generate', 't') };
  }
  throw new Error('expected the spec to be refused');
}

describe('tool settings that end up in IAM', () => {
  it('refuses knowledgeBaseId "*" with a 422 naming the field (it would grant every knowledge base)', () => {
    const { error, answer } = refusal(spec('knowledge_base_retrieve', { knowledgeBaseId: '*' }));
    expect(error).toBeInstanceOf(PermissionWideningError);
    expect(answer.statusCode).toBe(422);
    const body = JSON.parse(answer.body ?? '{}') as {
      type: string;
      errors: { path: string; message: string }[];
    };
    expect(body.type).toBe('permission-widening');
    expect(body.errors).toContainEqual({
      path: 'toolConfig.knowledge_base_retrieve.knowledgeBaseId',
      message: expect.stringContaining('wildcard'),
    });
  });

  it('refuses an ARN of another service, and an ARN where a name belongs', () => {
    expect(iamNameProblems('sns_publish', { topicArn: 'arn:aws:sqs:us-east-1:123456789012:orders' })).toEqual(
      [
        {
          path: 'toolConfig.sns_publish.topicArn',
          message: expect.stringContaining('an ARN of sqs, not of sns'),
        },
      ],
    );
    expect(
      iamNameProblems('lambda_invoke', { functionName: 'arn:aws:lambda:us-east-1:123456789012:function:x' }),
    ).toEqual([
      { path: 'toolConfig.lambda_invoke.functionName', message: expect.stringContaining('name only') },
    ]);
    expect(iamNameProblems('s3_objects', { bucket: 'Not_A_Bucket' })).toHaveLength(1);
    expect(iamNameProblems('dynamodb_table', { tableName: 'orders/*' })).toHaveLength(1);
  });

  it('accepts names as AWS writes them', () => {
    const valid = {
      knowledge_base_retrieve: { knowledgeBaseId: 'ABCDEF1234' },
      s3_objects: { bucket: 'my-agent-data', prefix: 'reports/' },
      sns_publish: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts' },
      step_functions_start: { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders' },
      lambda_invoke: { functionName: 'lookup-order:live' },
      agent_core_memory: { memoryId: 'support_memory-a1B2c3D4e5' },
    };
    for (const [tool, config] of Object.entries(valid)) expect(iamNameProblems(tool, config)).toEqual([]);
    const { spec: checked } = assertValidSpec(
      spec('knowledge_base_retrieve', valid.knowledge_base_retrieve),
      registries,
    );
    expect(checked.toolConfig.knowledge_base_retrieve).toEqual({ knowledgeBaseId: 'ABCDEF1234' });
  });

  it('refuses every wildcard in every setting that reaches IAM', () => {
    const settings = Object.entries(IAM_NAME_RULES).flatMap(([tool, rules]) =>
      Object.keys(rules).map((name) => [tool, name] as const),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...settings),
        fc.string({ maxLength: 20 }),
        fc.constantFrom('*', '?'),
        fc.string({ maxLength: 20 }),
        ([tool, name], before, wildcard, after) => {
          const problems = iamNameProblems(tool, { [name]: `${before}${wildcard}${after}` });
          expect(problems).toEqual([{ path: `toolConfig.${tool}.${name}`, message: expect.any(String) }]);
        },
      ),
    );
  });

  it('has a rule for every setting an IAM resource of the registry is built from', () => {
    const placeholders = registries.tools
      .all()
      .flatMap((tool) =>
        tool.iam.flatMap((statement) =>
          statement.resources.flatMap((resource) =>
            [...resource.matchAll(/\{config\.(\w+)\}/g)].map((m) => `${tool.id}.${m[1]}`),
          ),
        ),
      );
    expect(placeholders.length).toBeGreaterThan(10);
    for (const setting of placeholders) {
      const [tool = '', name = ''] = setting.split('.');
      expect(IAM_NAME_RULES[tool]?.[name], setting).toBeDefined();
    }
  });
});
