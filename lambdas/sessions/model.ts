import { z } from 'zod';
import { SpecPatch } from '../agent-spec/schema.ts';

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

/**
 * What the builder chose explicitly; these always win over what is extracted from text. A change to
 * them is a SpecPatch, the same shape every suggestion carries, so a suggestion is applied as is.
 */
export const Selections = SpecPatch;
export type Selections = SpecPatch;

/** Who answered the builder: the offline, rule-based consultant or the model-backed one. */
export const ConsultantKind = z.enum(['deterministic', 'model']);
export type ConsultantKind = z.infer<typeof ConsultantKind>;

export const Message = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string().min(1).max(20_000),
  at: z.string(),
  /** For the consultant's replies: which consultant answered. */
  by: ConsultantKind.optional(),
  /** For the consultant's replies: the field its question asks for, so a short answer fills it. */
  asks: z.string().max(200).optional(),
});
export type Message = z.infer<typeof Message>;

export const Session = z.object({
  id: z.string(),
  owner: z.string(),
  title: z.string(),
  phase: Phase,
  /** Answers per phase, as the builder gave them. */
  answers: z.partialRecord(Phase, Answers),
  selections: Selections,
  /**
   * What the model-backed consultant drafted from the conversation (validated field by field).
   * Explicit selections and answers win over it; it wins over the rule-based reading of the text.
   */
  drafted: SpecPatch.optional(),
  messages: z.array(Message),
  generationIds: z.array(z.string()),
  /** Incremented by every write; a write is accepted only against the version it read. */
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Session = z.infer<typeof Session>;

/** What the sessions list shows of each agent beside the session itself. */
export const SessionSummary = Session.extend({
  /** The model the agent uses (chosen, drafted or read from the description), if one is known yet. */
  model: z.string().optional(),
  lastGeneration: z
    .object({ id: z.string(), status: z.enum(['SUCCEEDED', 'FAILED']), createdAt: z.string() })
    .optional(),
  lastTest: z.object({ id: z.string(), status: z.string(), createdAt: z.string() }).optional(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

/** The newest entries of a session's history: its last generation and its last test run. */
export interface SessionActivity {
  lastGeneration?: SessionSummary['lastGeneration'];
  lastTest?: SessionSummary['lastTest'];
}

export const CreateSessionBody = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    answers: Answers.optional(),
    selections: Selections.optional(),
  })
  .strict();
export type CreateSessionBody = z.infer<typeof CreateSessionBody>;

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
export type UpdateSessionBody = z.infer<typeof UpdateSessionBody>;

export const AddMessageBody = z
  .object({ version: z.number().int().nonnegative(), text: z.string().trim().min(1).max(20_000) })
  .strict();
export type AddMessageBody = z.infer<typeof AddMessageBody>;
export const AdvanceBody = z.object({ version: z.number().int().nonnegative() }).strict();
export type AdvanceBody = z.infer<typeof AdvanceBody>;

/** The most messages a session keeps; older ones are dropped first. */
export const MAX_MESSAGES = 200;

/** What deleting an agent removed: its records in the table and its files in the bucket. */
export const DeletedSession = z.object({
  id: z.string(),
  removed: z.object({ records: z.number().int().nonnegative(), files: z.number().int().nonnegative() }),
});
export type DeletedSession = z.infer<typeof DeletedSession>;

export const DuplicateSessionBody = z
  .object({ title: z.string().trim().min(1).max(200).optional() })
  .strict();
export type DuplicateSessionBody = z.infer<typeof DuplicateSessionBody>;
