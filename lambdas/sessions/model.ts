import { z } from 'zod';
import { Deployment, Language } from '../agent-spec/schema.ts';

/** The builder's workflow, in order. Going back is allowed; going forward checks each phase's conditions. */
export const Phase = z.enum([
  'REQUIREMENTS',
  'ARCHITECTURE',
  'IMPLEMENTATION',
  'CODE_GENERATION',
  'TESTING',
  'DEPLOYMENT',
  'COMPLETE',
]);
export type Phase = z.infer<typeof Phase>;
export const PHASES = Phase.options;

const AnswerValue = z.union([
  z.string().max(20_000),
  z.number(),
  z.boolean(),
  z.array(z.string().max(2_000)).max(100),
]);
export const Answers = z.record(z.string().max(100), AnswerValue);

/** What the builder chose explicitly; these always win over what is extracted from text. */
export const Selections = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(4000).optional(),
    systemPrompt: z.string().min(1).max(200_000).optional(),
    model: z.string().min(1).optional(),
    tools: z.array(z.string().min(1)).max(40).optional(),
    toolConfig: z
      .record(
        z.string(),
        z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
      )
      .optional(),
    language: Language.optional(),
    deployment: Deployment.partial().optional(),
  })
  .strict();
export type Selections = z.infer<typeof Selections>;

export const Message = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string().min(1).max(20_000),
  at: z.string(),
});
export type Message = z.infer<typeof Message>;

export interface Session {
  id: string;
  owner: string;
  title: string;
  phase: Phase;
  /** Answers per phase, as the builder gave them. */
  answers: Partial<Record<Phase, z.infer<typeof Answers>>>;
  selections: Selections;
  messages: Message[];
  generationIds: string[];
  /** Incremented by every write; a write is accepted only against the version it read. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const CreateSessionBody = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    answers: Answers.optional(),
    selections: Selections.optional(),
  })
  .strict();

export const UpdateSessionBody = z
  .object({
    /** The version this change is based on: a stale one gets 409. */
    version: z.number().int().nonnegative(),
    title: z.string().trim().min(1).max(200).optional(),
    /** Merged into the answers of `answersPhase` (default: the current phase). */
    answers: Answers.optional(),
    answersPhase: Phase.optional(),
    selections: Selections.optional(),
    /** Only an earlier phase: going forward is `advance`. */
    phase: Phase.optional(),
  })
  .strict();

export const AddMessageBody = z
  .object({ version: z.number().int().nonnegative(), text: z.string().trim().min(1).max(20_000) })
  .strict();
export const AdvanceBody = z.object({ version: z.number().int().nonnegative() }).strict();

/** The most messages a session keeps; older ones are dropped first. */
export const MAX_MESSAGES = 200;
