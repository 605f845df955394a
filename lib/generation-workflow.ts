import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PlatformFunction } from './agent-function.ts';
import { suppress } from './nag.ts';
import { taskStateMachine } from './task-workflow.ts';

/**
 * The generation workflow: the Express state machine of lib/workflows/generation.asl.json (the same
 * file the local platform runs) and the Lambda that runs its task states.
 */
export class GenerationWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly taskFunction: PlatformFunction;

  constructor(scope: Construct, id: string, props: { table: dynamodb.ITableV2; bucket: s3.IBucket }) {
    super(scope, id);
    this.taskFunction = new PlatformFunction(this, 'Tasks', {
      feature: 'generate',
      handler: 'taskHandler',
      withTemplates: true,
      timeout: Duration.minutes(2),
      environment: { TABLE_NAME: props.table.tableName, ARTIFACTS_BUCKET: props.bucket.bucketName },
    });
    props.table.grantReadWriteData(this.taskFunction);
    props.bucket.grantReadWrite(this.taskFunction);
    this.stateMachine = taskStateMachine(this, {
      definitionFile: 'generation.asl.json',
      substitution: 'GenerateTaskFunctionArn',
      taskFunction: this.taskFunction,
      type: sfn.StateMachineType.EXPRESS,
      timeout: Duration.minutes(5),
    });
    suppress(this.stateMachine, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The state machine invokes its one task Lambda (any of its versions) and writes logs and traces: CloudWatch Logs delivery and X-Ray actions have no resource-level permissions.',
        appliesTo: ['Resource::*', { regex: '/^Resource::<GenerationWorkflowTasks[0-9A-F]+\\.Arn>:\\*$/g' }],
      },
    ]);
  }
}
