import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PlatformFunction, ROOT } from './agent-function.ts';
import { suppress } from './nag.ts';

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
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromFile(join(ROOT, 'lib', 'workflows', 'generation.asl.json')),
      definitionSubstitutions: { GenerateTaskFunctionArn: this.taskFunction.functionArn },
      stateMachineType: sfn.StateMachineType.EXPRESS,
      timeout: Duration.minutes(5),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    this.taskFunction.grantInvoke(this.stateMachine);
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
