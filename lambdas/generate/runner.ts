import { type SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import definition from '../../lib/workflows/generation.asl.json' with { type: 'json' };
import { UpstreamError } from '../core/errors.ts';
import type { GenerationRecord } from '../sessions/ports.ts';
import { type GenerationInput, runTask, type TaskDeps } from './tasks.ts';

/** Runs the generation workflow to its end and returns what it recorded. */
export interface GenerationRunner {
  run(input: GenerationInput): Promise<GenerationRecord>;
}

/** AWS: the Express state machine, started synchronously. */
export class StepFunctionsRunner implements GenerationRunner {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async run(input: GenerationInput): Promise<GenerationRecord> {
    const result = await this.client.send(
      new StartSyncExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: input.generationId,
        input: JSON.stringify(input),
      }),
    );
    if (result.status !== 'SUCCEEDED' || !result.output) {
      throw new UpstreamError(
        `the generation workflow ended ${result.status ?? 'without a status'}; try again`,
      );
    }
    return JSON.parse(result.output) as GenerationRecord;
  }
}

/** Every Task state of the definition, bound to the task it runs. */
function taskStates(node: unknown, names: string[] = []): string[] {
  if (node && typeof node === 'object') {
    const states = (node as { States?: Record<string, { Type: string; Branches?: unknown[] }> }).States ?? {};
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') names.push(name);
      for (const branch of state.Branches ?? []) taskStates(branch, names);
    }
  }
  return names;
}

/**
 * The embedded platform: the same ASL file, run in-process by aws-local-stepfunctions, each Task
 * state calling the task the AWS state machine's Lambda would run.
 */
export class LocalStepFunctionsRunner implements GenerationRunner {
  private readonly machine = new StateMachine(
    JSON.parse(
      JSON.stringify(definition).replaceAll(
        '${GenerateTaskFunctionArn}',
        'arn:aws:lambda:us-east-1:000000000000:function:local-generate-tasks',
      ),
    ),
    { validationOptions: { checkArn: false } },
  );

  constructor(private readonly deps: TaskDeps) {}

  async run(input: GenerationInput): Promise<GenerationRecord> {
    const handlers = Object.fromEntries(
      taskStates(definition).map((name) => [
        name,
        (payload: unknown) => {
          const { task, input: state } = payload as { task: string; input: unknown };
          return runTask(task, state, this.deps) as never;
        },
      ]),
    );
    const execution = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: {} },
    });
    return (await execution.result) as unknown as GenerationRecord;
  }
}
