import { resolve } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { STSClient } from '@aws-sdk/client-sts';
import { RunLimits } from '../../runner/events.ts';
import type { RunnerTask } from '../../runner/task.ts';
import { AWS_RETRY } from '../core/adapters/aws-retry.ts';
import { ApiGatewayConnectionPoster } from '../core/adapters/connections.ts';
import { dataAdapters } from '../core/adapters/data.ts';
import { DynamoDbRateLimiter } from '../core/adapters/dynamodb-rate-limiter.ts';
import { EcsRunner } from '../core/adapters/ecs-runner.ts';
import { createFeatures } from '../core/adapters/flags.ts';
import { LocalProcessRunner } from '../core/adapters/local-runner.ts';
import { StsRunCredentials } from '../core/adapters/sts-run-credentials.ts';
import { awsCredentialEnv, configEnv, type PlatformConfig, processBasics } from '../core/config.ts';
import type { ConnectionPoster } from '../core/ports.ts';
import { DynamoDbEvaluationRepository } from '../evaluations/dynamodb-evaluation-repository.ts';
import { failEvaluation } from '../evaluations/execute.ts';
import { DynamoDbGenerationRepository } from '../generate/dynamodb-generation-repository.ts';
import { DynamoDbRunnerSlots } from './dynamodb-runner-slots.ts';
import { DynamoDbTestRepository } from './dynamodb-test-repository.ts';
import { probedRegistries } from './preflight.ts';
import { runSessionPolicy } from './run-credentials.ts';
import { recordRunnerFailure, type TestDeps } from './service.ts';

const noConnections: ConnectionPoster = { post: async () => false };

/**
 * The environment a local runner process gets, built from the configuration rather than copied from
 * this process: the data and @connections endpoints, the model choice, AWS credentials where this
 * machine has them (for Bedrock), and what Node needs to start. Not the platform's JWT secret.
 */
function localRunnerEnv(config: PlatformConfig): Record<string, string> {
  return {
    ...processBasics(),
    ...awsCredentialEnv(),
    ...configEnv(config, ['JWT_SECRET', 'COGNITO_CLIENT_ID', 'COGNITO_ISSUER']),
    RUNNER_CACHE_DIR: resolve(config.RUNNER_CACHE_DIR),
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
}

/** Each runner task's own credentials: the run role, narrowed by a session policy to that run. */
function runCredentials(config: PlatformConfig) {
  const issuer = new StsRunCredentials(
    new STSClient({ region: config.AWS_REGION, ...AWS_RETRY }),
    config.RUNNER_RUN_ROLE_ARN ?? '',
  );
  return (task: RunnerTask) => {
    const limits = RunLimits.parse(task.job.limits ?? {});
    const policy = runSessionPolicy(task, {
      tableArn: config.RUNNER_TABLE_ARN ?? '',
      bucketArn: config.RUNNER_BUCKET_ARN ?? '',
      ...(config.RUNNER_CONNECTIONS_ARN ? { connectionsArn: config.RUNNER_CONNECTIONS_ARN } : {}),
      owner: task.owner ?? '',
      ...(task.sessionId ? { sessionId: task.sessionId } : {}),
      ...(task.generationId ? { generationId: task.generationId } : {}),
    });
    // A conversation's or an evaluation's runner lives as long as it may (role chaining allows an hour).
    const seconds =
      task.record.kind === 'conversation' || task.record.kind === 'evaluation'
        ? 3_600
        : (limits.buildTimeoutMs + limits.timeoutMs) / 1000 + 300;
    return issuer.issue(task.record.id, policy, seconds);
  };
}

/**
 * The adapters behind test runs: DynamoDB and S3 (emulators locally), the runner as a child process
 * (local) or a Fargate task (AWS), and the @connections API for streaming.
 */
export function testDeps(config: PlatformConfig): TestDeps {
  const { table, store } = dataAdapters(config);
  const tests = new DynamoDbTestRepository(table);
  const connections = config.WEBSOCKET_ENDPOINT
    ? ApiGatewayConnectionPoster.fromConfig({ ...config, WEBSOCKET_ENDPOINT: config.WEBSOCKET_ENDPOINT })
    : noConnections;
  const slots = new DynamoDbRunnerSlots(table, {
    perUser: config.TEST_MAX_CONCURRENT_PER_USER,
    total: config.TEST_MAX_CONCURRENT_TOTAL,
  });
  // An evaluation's runner task that ends without finishing it (`evaluate` jobs) fails the evaluation.
  const evaluations = new DynamoDbEvaluationRepository(table);
  const evaluationStopped = (id: string, reason: string) =>
    failEvaluation({ evaluations, store, slots }, id, reason);
  const failureDeps = { tests, connections, slots, evaluationStopped };
  const backend =
    config.TEST_BACKEND === 'ecs'
      ? new EcsRunner(
          new ECSClient({ region: config.AWS_REGION, ...AWS_RETRY }),
          {
            cluster: config.RUNNER_CLUSTER_ARN ?? '',
            taskDefinition: config.RUNNER_TASK_DEFINITION_ARN ?? '',
            containerName: config.RUNNER_CONTAINER_NAME,
            subnets: (config.RUNNER_SUBNETS ?? '').split(',').filter(Boolean),
            securityGroups: (config.RUNNER_SECURITY_GROUPS ?? '').split(',').filter(Boolean),
            ...(config.RUNNER_RUN_ROLE_ARN ? { credentials: runCredentials(config) } : {}),
          },
          (task, reason) => recordRunnerFailure(failureDeps, task, reason),
        )
      : new LocalProcessRunner(localRunnerEnv(config), async (task, exit) => {
          if (exit.code === 0) return;
          // Stopped on purpose before it could report (e.g. cancelled while it started): cancelled.
          if (exit.cancelled) {
            await recordRunnerFailure(failureDeps, task, 'the run was cancelled', 'cancelled');
            return;
          }
          const how = exit.signal ? `was stopped (${exit.signal})` : `exited with code ${exit.code}`;
          await recordRunnerFailure(
            failureDeps,
            task,
            `the test runner ${how} before reporting: ${exit.stderr.slice(-5).join(' | ') || 'no output'}`,
          );
        });
  return {
    features: createFeatures(config),
    tests,
    generations: new DynamoDbGenerationRepository(table),
    store,
    backend,
    connections,
    limiter: new DynamoDbRateLimiter(table),
    limitPerHour: config.TEST_LIMIT_PER_HOUR,
    waitMs: config.TEST_WAIT_MS,
    preflight: {
      // Locally the runner is this machine, so what this machine reaches is what a build reaches. In
      // AWS the Fargate runner's network is not the Lambda's: there the runner reports an index it
      // cannot reach itself.
      ...(config.TEST_BACKEND === 'local' ? { registries: probedRegistries(processBasics()) } : {}),
      openAiCompatible: Boolean(config.OPENAI_COMPATIBLE_BASE_URL && config.OPENAI_COMPATIBLE_MODEL),
    },
    slots,
    evaluationStopped,
    caps: {
      runMs: config.TEST_MAX_RUN_MS,
      buildMs: config.TEST_MAX_BUILD_MS,
      memoryMb: config.TEST_MAX_MEMORY_MB,
    },
  };
}
