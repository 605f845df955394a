import type { ToolConfigValue } from '../agent-spec/schema.ts';
import type { FieldProblem } from '../core/errors.ts';

/**
 * AWS's own naming rules for the tool settings that end up in an IAM policy (a resource ARN of the
 * agent's role). A value outside them could widen the policy: `*` or `?` make the ARN a wildcard, an
 * ARN in a name slot or an ARN of another service grants something else. Each rule is the service's
 * documented constraint on that name, with wildcards never allowed.
 */
interface NameRule {
  /** What the value names, for the message ("an S3 bucket name"). */
  what: string;
  pattern: RegExp;
  /** How a valid value looks, for the message. */
  example: string;
  /** For ARN settings: the service the ARN must be of. */
  service?: string;
}

const bucket: NameRule = {
  what: 'an S3 bucket name',
  pattern: /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  example: 'my-agent-data',
};

/** The rules by tool and setting: every `{config.*}` placeholder of an IAM resource in the registry. */
export const IAM_NAME_RULES: Record<string, Record<string, NameRule>> = {
  agent_core_memory: {
    memoryId: {
      what: 'an AgentCore Memory id',
      pattern: /^[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10}$/,
      example: 'support_memory-a1B2c3D4e5',
    },
  },
  knowledge_base_retrieve: {
    knowledgeBaseId: { what: 'a knowledge base id', pattern: /^[0-9a-zA-Z]{10}$/, example: 'ABCDEF1234' },
  },
  kendra_retrieve: {
    indexId: {
      what: 'a Kendra index id',
      pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{35}$/,
      example: '0123abcd-4567-89ef-0123-456789abcdef',
    },
  },
  opensearch_search: {
    domainName: {
      what: 'an OpenSearch domain name',
      pattern: /^[a-z][a-z0-9-]{2,27}$/,
      example: 'search-docs',
    },
    index: {
      what: 'an OpenSearch index name',
      pattern: /^(?![_+-])[a-z0-9][^\s\\/*?"<>|,#:A-Z]{0,254}$/,
      example: 'products',
    },
  },
  s3_objects: {
    bucket,
    prefix: { what: 'an S3 key prefix', pattern: /^[^*?\s][^*?]{0,1023}$|^$/, example: 'reports/' },
  },
  dynamodb_table: {
    tableName: { what: 'a DynamoDB table name', pattern: /^[a-zA-Z0-9_.-]{3,255}$/, example: 'orders' },
  },
  athena_query: {
    workGroup: { what: 'an Athena workgroup name', pattern: /^[a-zA-Z0-9._-]{1,128}$/, example: 'primary' },
    database: { what: 'a Glue database name', pattern: /^[a-zA-Z0-9_-]{1,255}$/, example: 'analytics' },
    resultsBucket: bucket,
  },
  sqs_send_message: {
    queueName: {
      what: 'an SQS queue name',
      pattern: /^[a-zA-Z0-9_-]{1,75}(\.fifo)?$/,
      example: 'orders-queue',
    },
  },
  sns_publish: {
    topicArn: {
      what: 'an SNS topic ARN',
      pattern: /^arn:aws(-[a-z]+)*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[a-zA-Z0-9_-]{1,256}(\.fifo)?$/,
      example: 'arn:aws:sns:us-east-1:123456789012:alerts',
      service: 'sns',
    },
  },
  ses_send_email: {
    fromIdentity: {
      what: 'an SES identity (an email address or a domain)',
      pattern:
        /^([a-zA-Z0-9.!#$%&'+/=^_`{|}~-]+@)?[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/,
      example: 'example.com',
    },
  },
  eventbridge_put_events: {
    eventBusName: {
      what: 'an EventBridge bus name',
      pattern: /^[/.\-_A-Za-z0-9]{1,256}$/,
      example: 'orders-bus',
    },
  },
  lambda_invoke: {
    functionName: {
      what: 'a Lambda function name (with an optional version or alias)',
      pattern: /^[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/,
      example: 'lookup-order',
    },
  },
  step_functions_start: {
    stateMachineArn: {
      what: 'a state machine ARN',
      pattern: /^arn:aws(-[a-z]+)*:states:[a-z]{2}(-[a-z]+)+-\d:\d{12}:stateMachine:[a-zA-Z0-9_-]{1,80}$/,
      example: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders',
      service: 'states',
    },
    stateMachineName: { what: 'a state machine name', pattern: /^[a-zA-Z0-9_-]{1,80}$/, example: 'orders' },
  },
  generate_image: {
    modelId: {
      what: 'a Bedrock model id',
      pattern: /^[a-z0-9-]{1,63}\.[a-zA-Z0-9.:-]{1,128}$/,
      example: 'amazon.nova-canvas-v1:0',
    },
  },
  nova_reels: { outputBucket: bucket },
};

/**
 * The problems of a tool's settings with AWS's naming rules: one per setting that would widen the
 * agent's IAM policy (a wildcard, an ARN where a name belongs, an ARN of another service, or a name
 * the service would never accept), each naming its field.
 */
export function iamNameProblems(toolId: string, values: Record<string, ToolConfigValue>): FieldProblem[] {
  const rules = IAM_NAME_RULES[toolId] ?? {};
  const problems: FieldProblem[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const value = values[name];
    if (typeof value !== 'string') continue;
    const path = `toolConfig.${toolId}.${name}`;
    if (/[*?]/.test(value)) {
      problems.push({
        path,
        message: `a wildcard would grant the agent every resource it matches; give ${rule.what}, e.g. ${rule.example}`,
      });
      continue;
    }
    const arnService = /^arn:[^:]*:([^:]*):/.exec(value)?.[1];
    if (arnService !== undefined && arnService !== rule.service) {
      problems.push({
        path,
        message: rule.service
          ? `an ARN of ${arnService || 'no service'}, not of ${rule.service}; give ${rule.what}, e.g. ${rule.example}`
          : `an ARN where ${rule.what} belongs; give the name only, e.g. ${rule.example}`,
      });
      continue;
    }
    if (!rule.pattern.test(value)) {
      problems.push({ path, message: `not ${rule.what} as AWS names them; e.g. ${rule.example}` });
    }
  }
  return problems;
}
