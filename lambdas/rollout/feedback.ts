import { z } from 'zod';
import { NotFoundError } from '../core/errors.ts';
import { recordOutcome } from '../core/flags/exposure.ts';
import type { Features } from '../core/flags/features.ts';

/** A builder's verdict on a generation or a test run: thumbs up or down, with an optional comment. */
export const FeedbackBody = z
  .object({
    subject: z.enum(['generation', 'test-run']),
    id: z.string().min(1).max(100),
    rating: z.enum(['up', 'down']),
    comment: z.string().trim().max(2_000).optional(),
  })
  .strict();
export type FeedbackBody = z.infer<typeof FeedbackBody>;

export const Feedback = FeedbackBody.extend({ at: z.string() });
export type Feedback = z.infer<typeof Feedback>;

/** Stored feedback: one per builder and subject (a second verdict replaces the first). */
export interface FeedbackRepository {
  putFeedback(owner: string, feedback: Feedback): Promise<void>;
}

export interface FeedbackDeps {
  feedback: FeedbackRepository;
  features: Features;
  /** The owner of a generation or test run, if it exists. */
  ownerOf(subject: FeedbackBody['subject'], id: string): Promise<string | undefined>;
  now?: () => Date;
}

/**
 * Records a builder's thumbs up or down on their own generation or test run, and counts it per
 * variant of every flag they are in (builder satisfaction on the rollout dashboard).
 */
export async function giveFeedback(deps: FeedbackDeps, owner: string, body: FeedbackBody): Promise<Feedback> {
  if ((await deps.ownerOf(body.subject, body.id)) !== owner)
    throw new NotFoundError(`no ${body.subject} ${body.id}`);
  const feedback: Feedback = { ...body, at: (deps.now?.() ?? new Date()).toISOString() };
  await deps.feedback.putFeedback(owner, feedback);
  // The builder's variants of every flag: satisfaction is compared variant against variant.
  await deps.features.list({ sub: owner });
  recordOutcome('Feedback', body.rating === 'up');
  return feedback;
}
