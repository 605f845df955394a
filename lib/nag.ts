import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag suppressions, each given to the resources it is about with `appliesTo` naming the exact
 * finding, and a reason that is true of that resource. Nothing is suppressed stack-wide.
 */
type Suppression = Parameters<typeof NagSuppressions.addResourceSuppressions>[1][number];

const regex = (pattern: string) => ({ regex: `/${pattern}/g` });

/** The platform's Lambdas' runtime and logging role. */
const LAMBDA_BASICS: Suppression[] = [
  {
    id: 'AwsSolutions-L1',
    reason: 'Node.js 22 is the platform runtime by design (DESIGN.md, "Node"); upgrades are deliberate.',
  },
  {
    id: 'AwsSolutions-IAM4',
    reason:
      'AWSLambdaBasicExecutionRole grants CreateLogGroup, CreateLogStream and PutLogEvents, nothing broader.',
    appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  },
];

/** CDK's grants on the one table (and its indexes) and the one artifacts bucket (or a prefix of it). */
export const DATA_GRANTS: Suppression = {
  id: 'AwsSolutions-IAM5',
  reason:
    "CDK grants on the platform's one table (and its indexes) and one artifacts bucket (its objects, or one prefix of them): the action wildcards are the read and write sets CDK defines for them.",
  appliesTo: [
    regex('^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\\*$'),
    regex(
      '^Resource::<DataArtifacts[0-9A-F]+\\.Arn>\\/(\\*|tests\\/\\*|generations\\/\\*|runner-cache\\/\\*|deployments\\/\\*)$',
    ),
    regex('^Resource::<DataTable[0-9A-F]+\\.Arn>\\/index\\/\\*$'),
  ],
};

/** Watching and stopping runner tasks of the platform's own cluster (ecs:DescribeTasks, ecs:StopTask). */
export const RUNNER_TASKS: Suppression = {
  id: 'AwsSolutions-IAM5',
  reason:
    "DescribeTasks and StopTask on tasks of the runner's own ECS cluster only; task ids are made per run.",
  appliesTo: [
    regex(
      '^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ecs:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):task\\/<TestRunnerCluster[0-9A-F]+>\\/\\*$',
    ),
  ],
};

/** Posting to the platform's own WebSocket API's connections (execute-api:ManageConnections). */
export const CONNECTIONS: Suppression = {
  id: 'AwsSolutions-IAM5',
  reason:
    "Posting to connections of the platform's own WebSocket API only; connection ids are made per client.",
  appliesTo: [
    regex(
      '^Resource::arn:(<AWS::Partition>|aws[a-z-]*):execute-api:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):<TestRunnerStreamApi[0-9A-F]+>\\/\\*\\/\\*\\/@connections\\/\\*$',
    ),
  ],
};

/**
 * A platform Lambda: its runtime and logging role, X-Ray tracing (PutTraceSegments and
 * PutTelemetryRecords have no resource-level permissions: `Resource::*`), and the data grants it has.
 */
export function suppressPlatformFunction(fn: IConstruct): void {
  NagSuppressions.addResourceSuppressions(
    fn,
    [
      ...LAMBDA_BASICS,
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'X-Ray PutTraceSegments and PutTelemetryRecords (active tracing) have no resource-level permissions.',
        appliesTo: ['Resource::*'],
      },
      DATA_GRANTS,
    ],
    true,
  );
}

/** Suppressions for one resource and its children. */
export function suppress(resource: IConstruct, suppressions: Suppression[]): void {
  NagSuppressions.addResourceSuppressions(resource, suppressions, true);
}

export { LAMBDA_BASICS };
