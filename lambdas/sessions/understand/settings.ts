import type { ToolConfigValue } from '../../agent-spec/schema.ts';
import { quoteAround } from './evidence.ts';

/** A tool setting read from the builder's words. */
export interface FoundSetting {
  toolId: string;
  param: string;
  value: ToolConfigValue;
  quote: string;
  /**
   * A guess from a loose phrase ("the orders table" → `orders`): offered for the builder to confirm,
   * never filled in on its own.
   */
  suggestion: boolean;
}

interface Rule {
  toolId: string;
  param: string;
  pattern: RegExp;
  value: (match: RegExpMatchArray) => ToolConfigValue | undefined;
  suggestion?: boolean;
  /** Collect every match into a list (string-list parameters). */
  list?: boolean;
}

const HOST = String.raw`(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24})`;
const NAME = '[A-Za-z0-9][A-Za-z0-9_.-]{1,254}';
const LANGUAGES: Record<string, string> = {
  english: 'en',
  french: 'fr',
  german: 'de',
  spanish: 'es',
  italian: 'it',
  portuguese: 'pt',
  japanese: 'ja',
  chinese: 'zh',
  korean: 'ko',
  arabic: 'ar',
  hindi: 'hi',
  dutch: 'nl',
  polish: 'pl',
  swedish: 'sv',
  turkish: 'tr',
  russian: 'ru',
};
/** Hosts that name a product or the builder's email, not an API to call. */
const NOT_API_HOST = /\.(md|txt|json|yaml|yml|ts|py|js|csv|pdf)$|^(node\.js|next\.js|e\.g|i\.e)$/i;

const RULES: Rule[] = [
  {
    toolId: 'http_request',
    param: 'allowedDomains',
    list: true,
    pattern: new RegExp(
      String.raw`(?:https?://)?(?<![@\w.])(${HOST})(?::\d+)?(?=[/\s,;:)'"]|\.(?:\s|$)|$)`,
      'gi',
    ),
    value: (m) => {
      const host = (m[1] ?? '').toLowerCase();
      return NOT_API_HOST.test(host) || !/\./.test(host) ? undefined : host;
    },
  },
  {
    toolId: 'slack_post_message',
    param: 'defaultChannel',
    pattern: /(?<![\w&])#([a-z0-9][a-z0-9_-]{0,79})\b/gi,
    value: (m) => `#${(m[1] ?? '').toLowerCase()}`,
  },
  {
    toolId: 'knowledge_base_retrieve',
    param: 'knowledgeBaseId',
    pattern: /\bknowledge[- ]base\b[^.;\n]{0,30}?\b([0-9A-Z]{10})\b/g,
    value: (m) => m[1],
  },
  {
    toolId: 'kendra_retrieve',
    param: 'indexId',
    pattern: /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/gi,
    value: (m) => m[1],
  },
  {
    toolId: 's3_objects',
    param: 'bucket',
    pattern: /\bs3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/|\b)/g,
    value: (m) => m[1],
  },
  {
    toolId: 's3_objects',
    param: 'prefix',
    pattern: /\bs3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([\w!.*'()/-]+)/g,
    value: (m) => m[1],
  },
  {
    toolId: 's3_objects',
    param: 'bucket',
    suggestion: true,
    pattern: /\bbucket\s+(?:called|named)\s+["'`]?([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/gi,
    value: (m) => m[1],
  },
  {
    toolId: 'dynamodb_table',
    param: 'tableName',
    pattern: /\btable\s+(?:called|named)\s+["'`]?([A-Za-z0-9_.-]{3,255})/gi,
    value: (m) => m[1],
  },
  {
    toolId: 'dynamodb_table',
    param: 'tableName',
    suggestion: true,
    pattern: /\b(?:the|our|an?)\s+["'`]?([A-Za-z0-9_-]{3,64})["'`]?\s+(?:dynamodb\s+)?table\b/gi,
    value: (m) => (/^(dynamodb|lookup|database|sql|data)$/i.test(m[1] ?? '') ? undefined : m[1]),
  },
  {
    toolId: 'sqs_send_message',
    param: 'queueName',
    suggestion: true,
    pattern: new RegExp(
      String.raw`\bqueue\s+(?:called|named)\s+["'\`]?(${NAME})|\b(?:the|our)\s+["'\`]?([A-Za-z0-9_-]{2,80})["'\`]?\s+(?:sqs\s+)?queue\b`,
      'gi',
    ),
    value: (m) => (/^(sqs|message|support|ticket)$/i.test(m[1] ?? m[2] ?? '') ? undefined : (m[1] ?? m[2])),
  },
  {
    toolId: 'sns_publish',
    param: 'topicArn',
    pattern: /\b(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256})\b/g,
    value: (m) => m[1],
  },
  {
    toolId: 'step_functions_start',
    param: 'stateMachineArn',
    pattern: /\b(arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80})\b/g,
    value: (m) => m[1],
  },
  {
    toolId: 'lambda_invoke',
    param: 'functionName',
    pattern: /\bfunction\s+(?:called|named)\s+["'`]?([A-Za-z0-9_-]{1,64})/gi,
    value: (m) => m[1],
  },
  {
    toolId: 'eventbridge_put_events',
    param: 'eventBusName',
    suggestion: true,
    pattern:
      /\b(?:the|our)\s+["'`]?([A-Za-z0-9_.-]{2,256})["'`]?\s+(?:event\s*bridge\s+)?(?:event\s+)?bus\b/gi,
    value: (m) => (/^(event|eventbridge|default)$/i.test(m[1] ?? '') ? undefined : m[1]),
  },
  {
    toolId: 'ses_send_email',
    param: 'fromAddress',
    pattern: /\bfrom\s+([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/gi,
    value: (m) => m[1],
  },
  {
    toolId: 'ses_send_email',
    param: 'fromIdentity',
    suggestion: true,
    pattern: /\bfrom\s+[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/gi,
    value: (m) => m[1],
  },
  {
    toolId: 'current_time',
    param: 'defaultTimezone',
    pattern:
      /\b((?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?|UTC)\b/g,
    value: (m) => m[1],
  },
  {
    toolId: 'translate_text',
    param: 'defaultTargetLanguage',
    pattern:
      /\b(?:into|to)\s+(english|french|german|spanish|italian|portuguese|japanese|chinese|korean|arabic|hindi|dutch|polish|swedish|turkish|russian)\b/gi,
    value: (m) => LANGUAGES[(m[1] ?? '').toLowerCase()],
  },
  {
    toolId: 'mcp_remote',
    param: 'url',
    pattern: /\b(https:\/\/[^\s'"<>]+\/mcp\b[^\s'"<>]*)/gi,
    value: (m) => m[1],
  },
  {
    toolId: 'athena_query',
    param: 'database',
    suggestion: true,
    pattern: /\b(?:glue|athena)?\s*database\s+(?:called|named)\s+["'`]?([a-z0-9_]{1,255})/gi,
    value: (m) => m[1],
  },
];

const IDENTIFIERS: { toolId: string; pattern: RegExp }[] = [
  { toolId: 's3_objects', pattern: /\bs3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/ },
  { toolId: 'sns_publish', pattern: /\barn:aws[a-z-]*:sns:/ },
  { toolId: 'step_functions_start', pattern: /\barn:aws[a-z-]*:states:/ },
  { toolId: 'mcp_remote', pattern: /\bhttps:\/\/[^\s'"<>]+\/mcp\b/ },
];

/** Tools that an identifier in the text can only belong to: an S3 URI, an SNS or Step Functions ARN, an MCP URL. */
export function impliedTools(text: string): { toolId: string; quote: string }[] {
  return IDENTIFIERS.flatMap(({ toolId, pattern }) => {
    const match = pattern.exec(text);
    if (!match) return [];
    const start = match.index;
    return [{ toolId, quote: quoteAround(text, { start, end: start + match[0].length }) }];
  });
}

/**
 * Settings of the chosen tools that the text gives: an API host becomes `allowedDomains`, `#incidents`
 * becomes Slack's `defaultChannel`, an S3 URI the bucket and prefix; loose phrases ("the orders
 * table") are suggestions for the builder to confirm. The last mention of a single value wins.
 */
export function findSettings(text: string, toolIds: readonly string[]): FoundSetting[] {
  const chosen = new Set(toolIds);
  const found = new Map<string, FoundSetting>();
  for (const rule of RULES) {
    if (!chosen.has(rule.toolId)) continue;
    const key = `${rule.toolId}.${rule.param}`;
    for (const match of text.matchAll(rule.pattern)) {
      const value = rule.value(match);
      if (value === undefined || value === '') continue;
      const start = match.index ?? 0;
      const quote = quoteAround(text, { start, end: start + match[0].length });
      const existing = found.get(key);
      // A definite value is never replaced by a suggestion.
      if (existing && !existing.suggestion && rule.suggestion) continue;
      if (rule.list) {
        const values = existing && Array.isArray(existing.value) ? existing.value : [];
        if (typeof value === 'string' && !values.includes(value)) {
          found.set(key, {
            toolId: rule.toolId,
            param: rule.param,
            value: [...values, value],
            quote,
            suggestion: false,
          });
        }
      } else {
        found.set(key, {
          toolId: rule.toolId,
          param: rule.param,
          value,
          quote,
          suggestion: rule.suggestion ?? false,
        });
      }
    }
  }
  return [...found.values()];
}
