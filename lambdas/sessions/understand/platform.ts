import type { DeploymentTarget, Language } from '../../agent-spec/schema.ts';
import type { ToolRegistry } from '../../tools/registry.ts';
import { quoteAround, type Span } from './evidence.ts';

interface Cue<T> {
  value: T;
  pattern: RegExp;
  /** An explicit statement ("in Python") beats a hint ("pandas"). */
  explicit: boolean;
}

export interface Found<T> {
  value: T;
  quote: string;
  span: Span;
  /** The words that decided it. */
  words: string;
  explicit: boolean;
}

const NEGATED =
  /\b(not|no|without|never|instead of|rather than|don't|do not|isn't|avoid)\s+(?:\S+\s+){0,2}$/i;

/**
 * The strongest mention of any cue: an explicit one beats a hint, and among equals the last one wins
 * (a later message corrects an earlier one). A negated mention ("not Python") never counts.
 */
function strongest<T>(
  text: string,
  cues: Cue<T>[],
  skip?: (match: RegExpExecArray) => boolean,
): Found<T> | undefined {
  let best: Found<T> | undefined;
  for (const cue of cues) {
    const pattern = new RegExp(
      cue.pattern.source,
      cue.pattern.flags.includes('g') ? cue.pattern.flags : `${cue.pattern.flags}g`,
    );
    for (const match of text.matchAll(pattern)) {
      const start = match.index ?? 0;
      if (NEGATED.test(text.slice(Math.max(0, start - 30), start))) continue;
      if (skip?.(match as RegExpExecArray)) continue;
      const span = { start, end: start + match[0].length };
      const candidate = {
        value: cue.value,
        quote: quoteAround(text, span),
        span,
        words: match[0],
        explicit: cue.explicit,
      };
      if (
        !best ||
        (candidate.explicit && !best.explicit) ||
        (candidate.explicit === best.explicit && candidate.span.start > best.span.start)
      )
        best = candidate;
    }
  }
  return best;
}

const LANGUAGE_CUES: Cue<Language>[] = [
  { value: 'python', pattern: /\bpython(?:\s*3(?:\.\d+)?)?\b|\bpy3\b/i, explicit: true },
  {
    value: 'python',
    pattern: /\b(pandas|numpy|django|flask|fastapi|boto3|pip|pydantic|jupyter|scipy|pytest)\b/i,
    explicit: false,
  },
  {
    value: 'typescript',
    pattern: /\b(typescript|type script|node\.?js|node|javascript|js|ts)\b/i,
    explicit: true,
  },
  { value: 'typescript', pattern: /\b(npm|nestjs|next\.js|deno)\b/i, explicit: false },
];

/** The agent's language from the builder's words: explicit statements beat hints. */
export function findLanguage(text: string): Found<Language> | undefined {
  return strongest(text, LANGUAGE_CUES, (match) => {
    // "node" as a graph or cluster node is not Node.js.
    if (/^node$/i.test(match[0])) {
      const around = match.input.slice(Math.max(0, (match.index ?? 0) - 20), (match.index ?? 0) + 30);
      return (
        /\b(graph|tree|cluster|edge|nodes)\b/i.test(around) &&
        !/node\.?js|in node|on node|using node/i.test(around)
      );
    }
    return false;
  });
}

const TARGET_CUES: Cue<DeploymentTarget>[] = [
  { value: 'agentcore', pattern: /\b(bedrock\s+)?agent\s?core(\s+runtime)?\b/i, explicit: true },
  { value: 'ecs-fargate', pattern: /\b(ecs|fargate|elastic container service)\b/i, explicit: true },
  {
    value: 'ecs-fargate',
    pattern: /\b(containers?|containeri[sz]ed|long[- ]running|always[- ]on|24\/7|steady traffic|docker)\b/i,
    explicit: false,
  },
  { value: 'lambda', pattern: /\b(aws\s+)?lambda\b/i, explicit: true },
  {
    value: 'lambda',
    pattern: /\b(serverless|spiky|bursty|on[- ]demand|scale to zero|occasional(ly)?|sporadic)\b/i,
    explicit: false,
  },
];

/** The deployment target the builder names or hints at; "invoke a Lambda function" is a tool, not a target. */
export function findTarget(text: string): Found<DeploymentTarget> | undefined {
  return strongest(text, TARGET_CUES, (match) => {
    if (!/lambda/i.test(match[0])) return false;
    const start = match.index ?? 0;
    const before = match.input.slice(Math.max(0, start - 30), start);
    const after = match.input.slice(start + match[0].length, start + match[0].length + 25);
    return (
      /\b(invoke|invokes|invoking|call|calls|calling|trigger|triggers|triggering|run our|existing|our)\s+(?:an?\s+|the\s+|our\s+)?$/i.test(
        before,
      ) || /^\s+functions?\s+(called|named)\b/i.test(after)
    );
  });
}

export interface TargetRecommendation {
  value: DeploymentTarget;
  reason: string;
}

/**
 * A target when the builder named none, from the tools and the volume: tools that cannot run on
 * Lambda rule it out; steady high volume favours an always-on service; otherwise AgentCore Runtime's
 * managed, isolated sessions are the default for an agent.
 */
export function recommendTarget(
  tools: ToolRegistry,
  toolIds: string[],
  requestsPerMonth: number | undefined,
): TargetRecommendation {
  const notOnLambda = toolIds.filter((id) => tools.find(id)?.platforms.lambda.status === 'unsupported');
  const notOnAgentCore = toolIds.filter((id) => tools.find(id)?.platforms.agentcore.status === 'unsupported');
  if (requestsPerMonth !== undefined && requestsPerMonth >= 1_000_000 && notOnAgentCore.length === 0) {
    return {
      value: 'ecs-fargate',
      reason: `about ${requestsPerMonth.toLocaleString('en-US')} requests a month is steady traffic: an always-on ECS Fargate service costs less per request than per-session billing`,
    };
  }
  if (notOnAgentCore.length > 0) {
    return {
      value: 'ecs-fargate',
      reason: `${notOnAgentCore.join(', ')} cannot run on AgentCore Runtime; ECS Fargate runs it in your own container`,
    };
  }
  if (notOnLambda.length > 0) {
    return {
      value: 'agentcore',
      reason: `${notOnLambda.join(', ')} is not allowed on Lambda; AgentCore Runtime gives each session its own isolated microVM`,
    };
  }
  if (requestsPerMonth !== undefined && requestsPerMonth <= 50_000) {
    return {
      value: 'lambda',
      reason: `about ${requestsPerMonth.toLocaleString('en-US')} requests a month is light: Lambda costs nothing while idle`,
    };
  }
  return {
    value: 'agentcore',
    reason:
      'no target named: AgentCore Runtime is the managed default for agents (isolated sessions, pay per use)',
  };
}
