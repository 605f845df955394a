import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTasksCommand, type ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import type { RunnerTask } from '../../../runner/task.ts';
import { UpstreamError } from '../errors.ts';
import type { RunnerBackend, StartedRunner } from '../ports.ts';

export interface EcsRunnerOptions {
  cluster: string;
  taskDefinition: string;
  containerName: string;
  subnets: string[];
  securityGroups: string[];
  /**
   * Credentials for one task, scoped to its run (the task role itself holds no data permissions);
   * given to the runner in its environment. Without it the task uses its task role.
   */
  credentials?: (
    task: RunnerTask,
  ) => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }>;
  /**
   * How long to wait between DescribeTasks calls while a task runs: Fargate tasks take seconds to
   * change state, so polling faster only spends API quota (tests pass a few milliseconds).
   * @default 2000
   */
  pollIntervalMs?: number;
}

/** Why a stopped Fargate task ended, when it ended badly; undefined when the runner exited 0. */
export function stoppedTaskFailure(task: {
  stoppedReason?: string;
  stopCode?: string;
  containers?: { exitCode?: number; reason?: string }[];
}): string | undefined {
  const container = task.containers?.[0];
  if (container?.exitCode === 0) return undefined;
  const parts = [
    task.stopCode,
    task.stoppedReason,
    container?.reason,
    container?.exitCode !== undefined ? `exit code ${container.exitCode}` : undefined,
  ].filter(Boolean);
  return `the Fargate runner task stopped: ${parts.join('; ') || 'no reason given'}`;
}

/**
 * AWS: each build or run is a Fargate task (ARM64) of the runner image, started with RunTask and
 * `startedBy` set to the record id; the task reads its job from S3 (`RUN_TASK_KEY`). Failures while the
 * caller waits are reported through `onFailure`; later ones by the ECS task-state-change rule.
 */
export class EcsRunner implements RunnerBackend {
  constructor(
    private readonly client: ECSClient,
    private readonly options: EcsRunnerOptions,
    private readonly onFailure: (task: RunnerTask, reason: string) => Promise<void>,
  ) {}

  async start(task: RunnerTask, taskKey: string): Promise<StartedRunner> {
    const credentials = await this.options.credentials?.(task);
    const environment = [
      { name: 'RUN_TASK_KEY', value: taskKey },
      ...(credentials
        ? [
            { name: 'AWS_ACCESS_KEY_ID', value: credentials.accessKeyId },
            { name: 'AWS_SECRET_ACCESS_KEY', value: credentials.secretAccessKey },
            { name: 'AWS_SESSION_TOKEN', value: credentials.sessionToken },
          ]
        : []),
    ];
    const result = await this.client.send(
      new RunTaskCommand({
        cluster: this.options.cluster,
        taskDefinition: this.options.taskDefinition,
        launchType: 'FARGATE',
        count: 1,
        startedBy: task.record.id.slice(0, 36),
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: this.options.subnets,
            securityGroups: this.options.securityGroups,
            assignPublicIp: 'DISABLED',
          },
        },
        overrides: {
          containerOverrides: [{ name: this.options.containerName, environment }],
        },
      }),
    );
    const taskArn = result.tasks?.[0]?.taskArn;
    if (!taskArn) {
      const failure = result.failures?.map((f) => `${f.reason ?? ''} ${f.detail ?? ''}`.trim()).join('; ');
      throw new UpstreamError(
        `the test runner could not be started on Fargate: ${failure || 'no task'}; try again`,
      );
    }
    return { taskArn, done: this.watch(task, taskArn) };
  }

  /** Polls the task until it stops; a failed stop is recorded. */
  private async watch(task: RunnerTask, taskArn: string): Promise<void> {
    for (;;) {
      await sleep(this.options.pollIntervalMs ?? 2_000);
      const described = await this.client.send(
        new DescribeTasksCommand({ cluster: this.options.cluster, tasks: [taskArn] }),
      );
      const current = described.tasks?.[0];
      if (current?.lastStatus !== 'STOPPED') continue;
      const failure = stoppedTaskFailure(current);
      if (failure) await this.onFailure(task, failure);
      return;
    }
  }

  async cancel(_id: string, taskArn?: string): Promise<void> {
    if (!taskArn) return;
    await this.client.send(
      new StopTaskCommand({
        cluster: this.options.cluster,
        task: taskArn,
        reason: 'cancelled by the builder',
      }),
    );
  }
}
