import type { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  LocalStepFunctionsExecutor,
  StepFunctionsExecutor,
} from '../../lambdas/core/adapters/step-functions.ts';
import { UpstreamError } from '../../lambdas/core/errors.ts';

// A workflow in the platform's shape: Task states call one Lambda with { task, input }, one of them
// inside a Parallel branch; the Resource is a placeholder substituted like CDK does.
const definition = {
  StartAt: 'Double',
  States: {
    Double: {
      Type: 'Task',
      Resource: '${TaskFunctionArn}',
      Parameters: { task: 'double', 'input.$': '$' },
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Increment',
          States: {
            Increment: {
              Type: 'Task',
              Resource: '${TaskFunctionArn}',
              Parameters: { task: 'increment', 'input.$': '$' },
              End: true,
            },
          },
        },
      ],
      ResultSelector: { 'value.$': '$[0].value' },
      End: true,
    },
  },
};

describe('LocalStepFunctionsExecutor', () => {
  it('runs every Task state, in branches too, through the task resolver', async () => {
    const calls: string[] = [];
    const executor = new LocalStepFunctionsExecutor<{ value: number }, { value: number }>(
      definition,
      async (task, input) => {
        calls.push(task);
        const { value } = input as { value: number };
        return { value: task === 'double' ? value * 2 : value + 1 };
      },
      { substitutions: { TaskFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:tasks' } },
    );

    const output = await executor.run({ value: 20 });

    expect(output).toEqual({ value: 41 });
    expect(calls).toEqual(['double', 'increment']);
  });
});

describe('StepFunctionsExecutor', () => {
  const clientAnswering = (answer: object, sent: unknown[] = []) =>
    ({
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return answer;
      },
    }) as unknown as SFNClient;

  it('starts a synchronous execution named by the input and returns its parsed output', async () => {
    const sent: unknown[] = [];
    const executor = new StepFunctionsExecutor<{ id: string }, { ok: boolean }>(
      clientAnswering({ status: 'SUCCEEDED', output: '{"ok":true}' }, sent),
      'arn:aws:states:us-east-1:123456789012:stateMachine:work',
      { executionName: (input) => input.id },
    );

    const output = await executor.run({ id: 'run-1' });

    expect(output).toEqual({ ok: true });
    expect(sent).toEqual([
      {
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:work',
        name: 'run-1',
        input: '{"id":"run-1"}',
      },
    ]);
  });

  it('turns an execution that did not succeed into an UpstreamError naming the workflow', async () => {
    const executor = new StepFunctionsExecutor(
      clientAnswering({ status: 'FAILED' }),
      'arn:aws:states:us-east-1:123456789012:stateMachine:work',
      { label: 'generation workflow' },
    );

    const failure = executor.run({});

    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toThrow('the generation workflow ended FAILED; try again');
  });
});
