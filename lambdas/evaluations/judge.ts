import type { ModelBackend } from '../../runner/model-gateway.ts';
import type { AssertionOutcome } from './assertions.ts';

/** Grades an answer against a rubric. Only a real model judges; there is no offline stand-in. */
export interface Judge {
  /** Which model judges, for the report. */
  label: string;
  grade(input: { conversation: string[]; answer: string; rubric: string }): Promise<AssertionOutcome>;
}

const JUDGE_SYSTEM = [
  'You grade the answer of an AI agent against a rubric.',
  'Reply with one JSON object and nothing else: {"pass": true|false, "reason": "<one sentence>"}.',
  'Pass only when the answer satisfies the rubric.',
].join(' ');

/** Reads the verdict the judge was asked for, also inside a code fence or after some words. */
export function readVerdict(text: string): { pass: boolean; reason: string } | undefined {
  const candidates = text.match(/\{[\s\S]*\}/g) ?? [];
  for (const candidate of candidates) {
    try {
      const parsed = JSON.parse(candidate) as { pass?: unknown; reason?: unknown };
      if (typeof parsed.pass === 'boolean')
        return { pass: parsed.pass, reason: typeof parsed.reason === 'string' ? parsed.reason : '' };
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * A judge on a model backend of the runner (Amazon Bedrock or an OpenAI-compatible endpoint), the same
 * adapters test runs answer through. Returns undefined for the offline model: judge assertions are
 * then reported skipped, never faked.
 */
export function modelJudge(backend: ModelBackend, modelId: string, timeoutMs = 60_000): Judge | undefined {
  if (backend.info.kind === 'offline') return undefined;
  const label = `${modelId} (${backend.info.label})`;
  return {
    label,
    async grade({ conversation, answer, rubric }) {
      const prompt = [
        `Rubric:\n${rubric}`,
        `Messages the user sent:\n${conversation.map((m, i) => `${i + 1}. ${m}`).join('\n')}`,
        `The agent's final answer:\n${answer}`,
      ].join('\n\n');
      let text = '';
      try {
        for await (const event of backend.stream(
          modelId,
          {
            system: [{ text: JUDGE_SYSTEM }],
            messages: [{ role: 'user', content: [{ text: prompt }] }],
            inferenceConfig: { maxTokens: 300, temperature: 0 },
          },
          AbortSignal.timeout(timeoutMs),
        )) {
          const delta = (event.payload.delta as { text?: string } | undefined)?.text;
          if (event.type === 'contentBlockDelta' && delta) text += delta;
        }
      } catch (error) {
        return {
          type: 'judge',
          status: 'failed',
          reason: `the judge ${label} could not be reached: ${(error as Error).message}`,
        };
      }
      const verdict = readVerdict(text);
      if (!verdict)
        return {
          type: 'judge',
          status: 'failed',
          reason: `the judge ${label} gave no verdict: ${JSON.stringify(text.slice(0, 200))}`,
        };
      return {
        type: 'judge',
        status: verdict.pass ? 'passed' : 'failed',
        reason: `judged by ${label}: ${verdict.reason || (verdict.pass ? 'meets the rubric' : 'does not meet the rubric')}`,
      };
    },
  };
}

/** Why judge assertions were skipped when there is no judge. */
export const NO_JUDGE_REASON =
  'needs a real model to grade it (Amazon Bedrock or an OpenAI-compatible endpoint); this run used the offline model';
