import { createHash } from 'node:crypto';
import type { RunnerTask } from '../../runner/task.ts';

/** Where a runner's data lives, for the policy that scopes one run to its own keys. */
export interface RunScope {
  tableArn: string;
  bucketArn: string;
  /** `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>`: the WebSocket API's stage. */
  connectionsArn?: string;
  /** Whose run it is (the slot item is keyed by it). */
  owner: string;
  sessionId?: string;
  generationId?: string;
}

/** A builder's dependency-cache scope: a hash of their id (no user id in object keys). */
export const cacheScopeOf = (owner: string) => createHash('sha256').update(owner).digest('hex').slice(0, 16);

/**
 * The session policy of one run's credentials: what the runner may touch for this build or run and
 * nothing else (intersected with the run role's own policy by STS). Items: the run, build or
 * evaluation (and the evaluation it is compared with), its history entry, its slot; objects: its
 * task, outputs and logs, its project, and the builder's own dependency cache; posts: its one WebSocket connection; and the model it calls.
 */
export function runSessionPolicy(task: RunnerTask, scope: RunScope): Record<string, unknown> {
  const id = task.record.id;
  const conversation = task.record.kind === 'conversation';
  // An evaluation's runner reads the run it is compared with (its item and a result kept in S3).
  const previous = task.record.kind === 'evaluation' ? task.evaluation?.previousId : undefined;
  const own = {
    build: `BUILD#${id}`,
    run: `TESTRUN#${id}`,
    conversation: `CONVERSATION#${id}`,
    evaluation: `EVALRUN#${id}`,
  }[task.record.kind];
  const keys = [
    own,
    ...(previous ? [`EVALRUN#${previous}`] : []),
    ...(task.job.buildKey ? [`BUILD#${task.job.buildKey}`] : []),
    scope.sessionId ? `SESSION#${scope.sessionId}` : `GENERATION#${scope.generationId ?? id}`,
    `SLOTS#${scope.owner}`,
    'SLOTS#ALL',
  ];
  const project = 'artifactKey' in task.job.project ? task.job.project.artifactKey : undefined;
  const cache = task.job.cacheScope ? `runner-cache/${task.job.cacheScope}/*` : undefined;
  return {
    Version: '2012-10-17',
    Statement: [
      // A conversation's runner also takes turns off its queue (its own partition) and records the
      // turns, runs named after it (`<conversation id>-<uuid>`) whose ids it learns as it goes.
      conversation
        ? {
            Sid: 'OwnItems',
            Effect: 'Allow',
            Action: [
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:Query',
              'dynamodb:DeleteItem',
            ],
            Resource: scope.tableArn,
            Condition: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...new Set(keys), `TESTRUN#${id}-*`] },
            },
          }
        : {
            Sid: 'OwnItems',
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            Resource: scope.tableArn,
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...new Set(keys)] } },
          },
      {
        Sid: 'ReadOwnObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [
          `${scope.bucketArn}/tests/${id}/*`,
          ...(previous
            ? [`${scope.bucketArn}/tests/${previous}/*`, `${scope.bucketArn}/tests/evaluations/${previous}/*`]
            : []),
          ...(project ? [`${scope.bucketArn}/${project}`] : []),
          ...(cache ? [`${scope.bucketArn}/${cache}`] : []),
        ],
      },
      {
        Sid: 'WriteOwnObjects',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: [
          `${scope.bucketArn}/tests/${id}/*`,
          ...(conversation ? [`${scope.bucketArn}/tests/${id}-*`] : []),
          ...(cache ? [`${scope.bucketArn}/${cache}`] : []),
        ],
      },
      ...(scope.connectionsArn && task.connectionId
        ? [
            {
              Sid: 'OwnConnection',
              Effect: 'Allow',
              Action: ['execute-api:ManageConnections'],
              Resource: `${scope.connectionsArn}/POST/@connections/${task.connectionId}`,
            },
          ]
        : []),
      {
        Sid: 'CallTheModel',
        Effect: 'Allow',
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        Resource: modelResources(task),
      },
      {
        Sid: 'ModelFirstUse',
        Effect: 'Allow',
        Action: ['aws-marketplace:ViewSubscriptions', 'aws-marketplace:Subscribe'],
        Resource: '*',
      },
    ],
  };
}

/** A model id without its cross-Region inference profile's geography (`us.`, `eu.`, `apac.`, `global.`). */
const baseModelId = (modelId: string) => modelId.replace(/^(us|eu|apac|global)\./, '');

/**
 * The models a runner may call. An evaluation knows its models (the agent's and the judge's): only
 * those, as foundation models in any Region and as inference profiles of any geography. Any other
 * job calls whichever model its agent names.
 */
function modelResources(task: RunnerTask): string[] {
  const models = task.record.kind === 'evaluation' ? task.evaluation : undefined;
  if (!models?.modelId)
    return ['arn:aws:bedrock:*::foundation-model/*', 'arn:aws:bedrock:*:*:inference-profile/*'];
  const bases = [
    ...new Set([models.modelId, models.judgeModelId].filter((m) => m !== undefined).map(baseModelId)),
  ];
  return bases.flatMap((base) => [
    `arn:aws:bedrock:*::foundation-model/${base}`,
    `arn:aws:bedrock:*:*:inference-profile/*.${base}`,
  ]);
}

/** Temporary credentials for one run, passed to its task. */
export interface RunCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}
