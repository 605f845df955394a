import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ROOT } from './agent-function.ts';

export interface TaskStateMachineProps {
  /** The definition, `lib/workflows/<file>`: its task states call `${<substitution>}`. */
  definitionFile: string;
  /** The substitution in the definition that names the task Lambda's ARN. */
  substitution: string;
  taskFunction: lambda.IFunction;
  type: sfn.StateMachineType;
  timeout: Duration;
}

/**
 * A state machine of the platform whose task states call its one task Lambda: traced, logged to a log
 * group kept a month (without execution data, which may hold builders' text), allowed to invoke it.
 */
export function taskStateMachine(scope: Construct, props: TaskStateMachineProps): sfn.StateMachine {
  const machine = new sfn.StateMachine(scope, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromFile(join(ROOT, 'lib', 'workflows', props.definitionFile)),
    definitionSubstitutions: { [props.substitution]: props.taskFunction.functionArn },
    stateMachineType: props.type,
    timeout: props.timeout,
    tracingEnabled: true,
    logs: {
      destination: new logs.LogGroup(scope, 'Logs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    },
  });
  props.taskFunction.grantInvoke(machine);
  return machine;
}
