import { type SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import type { StateMachine, StateMachineDefinition } from 'aws-local-stepfunctions';
import { UpstreamError } from '../errors.ts';

/** Runs one workflow execution to its end and returns its output. */
export interface WorkflowExecutor<Input, Output> {
  run(input: Input): Promise<Output>;
}

/**
 * Runs the work of one Task state. Task states follow the platform's convention: one Lambda per
 * workflow, invoked with `{ task, input }` (each Task state's `Parameters`); locally that payload is
 * passed here instead.
 */
export type TaskResolver = (task: string, input: unknown) => Promise<unknown>;

/** Options of {@link StepFunctionsExecutor}. */
export interface StepFunctionsExecutorOptions<Input> {
  /**
   * The execution's name; Step Functions refuses a second execution of the same name, so a stable id
   * makes a retried request idempotent.
   * @default a name chosen by Step Functions
   */
  executionName?: (input: Input) => string;
  /**
   * What the workflow is, in the error a caller sees when it does not succeed.
   * @default 'workflow'
   */
  label?: string;
}

/**
 * AWS: an Express state machine, started synchronously. The output is the state machine's, typed by
 * the caller: the ASL definition, not this adapter, decides its shape.
 */
export class StepFunctionsExecutor<Input, Output> implements WorkflowExecutor<Input, Output> {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
    private readonly options: StepFunctionsExecutorOptions<Input> = {},
  ) {}

  async run(input: Input): Promise<Output> {
    const name = this.options.executionName?.(input);
    const result = await this.client.send(
      new StartSyncExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        ...(name ? { name } : {}),
        input: JSON.stringify(input),
      }),
    );
    if (result.status !== 'SUCCEEDED' || !result.output) {
      throw new UpstreamError(
        `the ${this.options.label ?? 'workflow'} ended ${result.status ?? 'without a status'}; try again`,
      );
    }
    return JSON.parse(result.output) as Output;
  }
}

/** Options of {@link LocalStepFunctionsExecutor}. */
export interface LocalStepFunctionsExecutorOptions {
  /**
   * Values for the definition's `${Name}` placeholders, like CDK's `definitionSubstitutions`; locally
   * a Task state's `Resource` only has to be a well-formed ARN, its handler is `resolveTask`.
   * @default no substitutions
   */
  substitutions?: Record<string, string>;
}

interface StateNode {
  States?: Record<
    string,
    { Type: string; Branches?: StateNode[]; Iterator?: StateNode; ItemProcessor?: StateNode }
  >;
}

/** Names of every Task state, in Parallel branches and Map iterators too. */
function taskStateNames(node: StateNode | undefined, names: string[] = []): string[] {
  for (const [name, state] of Object.entries(node?.States ?? {})) {
    if (state.Type === 'Task') names.push(name);
    for (const branch of state.Branches ?? []) taskStateNames(branch, names);
    taskStateNames(state.Iterator, names);
    taskStateNames(state.ItemProcessor, names);
  }
  return names;
}

function substitute(definition: object, substitutions: Record<string, string>): StateMachineDefinition {
  let text = JSON.stringify(definition);
  for (const [name, value] of Object.entries(substitutions)) text = text.replaceAll(`\${${name}}`, value);
  return JSON.parse(text) as StateMachineDefinition;
}

/**
 * The embedded platform: the same ASL definition run in-process by aws-local-stepfunctions, each Task
 * state handing its `{ task, input }` payload to `resolveTask` where AWS would invoke the Lambda.
 */
export class LocalStepFunctionsExecutor<Input, Output> implements WorkflowExecutor<Input, Output> {
  private readonly definition: StateMachineDefinition;
  private readonly taskStates: string[];
  private machine: Promise<StateMachine> | undefined;

  constructor(
    definition: object,
    private readonly resolveTask: TaskResolver,
    options: LocalStepFunctionsExecutorOptions = {},
  ) {
    this.definition = substitute(definition, options.substitutions ?? {});
    this.taskStates = taskStateNames(this.definition as StateNode);
  }

  async run(input: Input): Promise<Output> {
    // Loaded (and the definition validated) on the first execution: the executor and its validator
    // are most of a Lambda bundle that never runs them (lib/lambda-bundling.ts leaves them out), and
    // a second of `npm start` before the first generation.
    this.machine ??= import('aws-local-stepfunctions').then(
      // Resources are placeholders until substituted and locally never called, so ARNs are not checked.
      ({ StateMachine }) => new StateMachine(this.definition, { validationOptions: { checkArn: false } }),
    );
    const machine = await this.machine.catch((error: unknown) => {
      this.machine = undefined;
      throw error;
    });
    const handlers = Object.fromEntries(
      this.taskStates.map((name) => [
        name,
        (payload: unknown) => {
          const { task, input: state } = payload as { task: string; input: unknown };
          return this.resolveTask(task, state) as never;
        },
      ]),
    );
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: {} },
    });
    return (await execution.result) as Output;
  }
}
