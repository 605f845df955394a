import { z } from 'zod';
import { defineRoutes } from '../core/contract.ts';
import { FLAG_KEYS } from '../core/flags/features.ts';
import { Feedback, FeedbackBody } from './feedback.ts';

/** One capability as the signed-in builder has it. */
export const Feature = z.object({
  key: z.enum(FLAG_KEYS),
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  variant: z.string().describe('on or off: the rollout variant this builder is in'),
  reason: z
    .string()
    .describe(
      'why: STATIC (everyone), SPLIT (percentage), TARGETING_MATCH (allow/deny list), DISABLED, ERROR',
    ),
});
export type Feature = z.infer<typeof Feature>;

export const FeatureList = z.object({ features: z.array(Feature) });
export type FeatureList = z.infer<typeof FeatureList>;

/** The rollout feature: which flagged capabilities a builder has, and how builders rate what they get. */
export const rolloutRoutes = defineRoutes('rollout', {
  listFeatures: {
    method: 'GET',
    path: '/api/features',
    auth: true,
    summary: 'The flagged capabilities and whether the signed-in builder has each',
    description:
      'Capabilities roll out gradually (a sticky percentage of builders, allow and deny lists). The web app hides what is off; the API refuses it with 403 feature-not-enabled.',
    responses: { 200: FeatureList },
  },
  giveFeedback: {
    method: 'POST',
    path: '/api/feedback',
    auth: true,
    summary: 'Thumbs up or down, with an optional comment, on one of your generations or test runs',
    description:
      'One verdict per builder and subject (a second replaces the first); counted per flag variant on the rollout dashboard.',
    body: FeedbackBody,
    responses: { 201: Feedback },
    errors: [404],
  },
});
