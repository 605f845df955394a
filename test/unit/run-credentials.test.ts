import type { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { StsRunCredentials } from '../../lambdas/core/adapters/sts-run-credentials.ts';
import { cacheScopeOf, runSessionPolicy } from '../../lambdas/testing/run-credentials.ts';
import type { RunnerTask } from '../../runner/task.ts';

const scope = {
  tableArn:
    'arn:aws:dynamodb:eu-west-1:123456789012:table/AgentBuilderPlatform-DataTableFDBAD0F2-1A2B3C4D5E6F',
  bucketArn: 'arn:aws:s3:::agentbuilderplatform-dataartifacts5613094c-abcdefghijkl',
  connectionsArn: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/live',
  owner: 'e4c8a1f0-1234-4c6b-9f2a-0123456789ab',
  sessionId: '6f1c2b3a-0000-4000-8000-000000000001',
  generationId: '7a2d3c4b-0000-4000-8000-000000000002',
};
const run: RunnerTask = {
  job: {
    mode: 'run',
    runId: 'run-1',
    buildKey: 'build-1',
    project: { artifactKey: 'generations/7a2d3c4b-0000-4000-8000-000000000002/project.zip' },
    cacheScope: cacheScopeOf(scope.owner),
  },
  record: { kind: 'run', id: 'run-1' },
  connectionId: 'conn-7=',
};
type Statement = { Sid: string; Action: string[]; Resource: string | string[]; Condition?: unknown };

describe('per-run credentials', () => {
  it("scopes a run to its own items, objects, the builder's cache and its one connection", () => {
    const policy = runSessionPolicy(run, scope) as { Statement: Statement[] };
    const sid = (id: string) => policy.Statement.find((s) => s.Sid === id);
    expect(sid('OwnItems')?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'dynamodb:LeadingKeys': [
          'TESTRUN#run-1',
          'BUILD#build-1',
          `SESSION#${scope.sessionId}`,
          `SLOTS#${scope.owner}`,
          'SLOTS#ALL',
        ],
      },
    });
    expect(sid('OwnItems')?.Action).not.toContain('dynamodb:Query');
    expect(sid('ReadOwnObjects')?.Resource).toEqual([
      `${scope.bucketArn}/tests/run-1/*`,
      `${scope.bucketArn}/generations/${scope.generationId}/project.zip`,
      `${scope.bucketArn}/runner-cache/${cacheScopeOf(scope.owner)}/*`,
    ]);
    // Another builder's cache prefix is not in it: a run cannot plant packages for anyone else.
    expect(JSON.stringify(policy)).not.toContain(`runner-cache/${cacheScopeOf('someone-else')}`);
    expect(JSON.stringify(policy)).not.toContain('runner-cache/*"');
    expect(sid('OwnConnection')?.Resource).toBe(`${scope.connectionsArn}/POST/@connections/conn-7=`);
    // STS refuses session policies over 2,048 characters.
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(2048);
  });

  it("scopes a conversation's runner to its partition and the turns named after it, nothing wider", () => {
    const id = '5e0f7c1a-0000-4000-8000-000000000003';
    const conversation: RunnerTask = {
      ...run,
      job: { ...run.job, mode: 'serve', runId: id },
      record: { kind: 'conversation', id },
    };
    const policy = runSessionPolicy(conversation, scope) as { Statement: Statement[] };
    const sid = (name: string) => policy.Statement.find((s) => s.Sid === name);
    const keys = ((sid('OwnItems')?.Condition ?? {}) as Record<string, Record<string, string[]>>)[
      'ForAllValues:StringLike'
    ]?.['dynamodb:LeadingKeys'];
    expect(keys).toEqual(expect.arrayContaining([`CONVERSATION#${id}`, `TESTRUN#${id}-*`]));
    // No other run: the only run keys are the turns named after this conversation.
    expect(keys?.filter((k) => k.startsWith('TESTRUN#'))).toEqual([`TESTRUN#${id}-*`]);
    expect(sid('OwnItems')?.Action).toContain('dynamodb:Query');
    expect(sid('WriteOwnObjects')?.Resource).toContain(`${scope.bucketArn}/tests/${id}-*`);
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(2048);
  });

  it('asks STS for the run role with that policy, for as long as the run may last', async () => {
    const sent: Record<string, unknown>[] = [];
    const sts = {
      send: async (command: { input: Record<string, unknown> }) => {
        sent.push(command.input);
        return {
          Credentials: { AccessKeyId: 'ASIA…', SecretAccessKey: 'secret', SessionToken: 'token' },
        };
      },
    } as unknown as STSClient;
    const issuer = new StsRunCredentials(sts, 'arn:aws:iam::123456789012:role/run');
    const credentials = await issuer.issue('run-1', { Version: '2012-10-17', Statement: [] }, 1_500);
    expect(credentials).toEqual({ accessKeyId: 'ASIA…', secretAccessKey: 'secret', sessionToken: 'token' });
    expect(sent[0]).toMatchObject({
      RoleArn: 'arn:aws:iam::123456789012:role/run',
      RoleSessionName: 'run-run-1',
      DurationSeconds: 1_500,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    });
  });
});
