import { randomUUID } from 'node:crypto';
import type { SpecPatch } from '../agent-spec/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import type { Registries } from '../registries/validate.ts';
import {
  type ConsultantReply,
  checkDraft,
  composeReply,
  type ModelConsultant,
  readMessage,
  specChanges,
} from './consultant.ts';
import { extractContext } from './extract.ts';
import {
  type AddMessageBody,
  type AdvanceBody,
  type ConsultantKind,
  type CreateSessionBody,
  type DeletedSession,
  type DuplicateSessionBody,
  MAX_MESSAGES,
  type Message,
  PHASES,
  type Phase,
  type Session,
  type SessionSummary,
  type UpdateSessionBody,
} from './model.ts';
import type { SessionPurge, SessionRepository } from './ports.ts';

export interface SessionDeps {
  sessions: SessionRepository;
  registries: Registries;
  now?: () => Date;
  /** The model-backed consultant, when a model is configured; without one the rule-based one answers. */
  consultant?: (owner: string) => Promise<ModelConsultant | undefined>;
  /** How long a model-backed reply may take before the rule-based consultant answers instead. */
  consultantTimeoutMs?: number;
}

const nowIso = (deps: SessionDeps) => (deps.now?.() ?? new Date()).toISOString();

/** A session of `owner`, or NotFound: another user's session is indistinguishable from a missing one. */
export async function getSession(deps: SessionDeps, owner: string, id: string): Promise<Session> {
  const session = await deps.sessions.get(id);
  if (!session || session.owner !== owner) throw new NotFoundError(`no session ${id}`);
  return session;
}

export async function createSession(
  deps: SessionDeps,
  owner: string,
  input: CreateSessionBody,
): Promise<Session> {
  const description = [input.answers?.useCase, input.answers?.description, input.selections?.description]
    .map((v) => (typeof v === 'string' ? v.trim() : ''))
    .find(Boolean);
  const title = input.title ?? input.selections?.name?.trim() ?? description?.split('\n')[0]?.slice(0, 80);
  if (!title) {
    throw new ValidationError('give the new agent a name or say what it should do', [
      { path: 'title', message: 'a name, e.g. "Refund helper"' },
      { path: 'answers.useCase', message: 'or a description of what the agent should do' },
    ]);
  }
  const at = nowIso(deps);
  const session: Session = {
    id: randomUUID(),
    owner,
    title,
    phase: 'REQUIREMENTS',
    answers: input.answers ? { REQUIREMENTS: input.answers } : {},
    selections: input.selections ?? {},
    messages: [],
    generationIds: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await deps.sessions.create(session);
  return session;
}

/** The owner's sessions, newest first, each with its model, last generation and last test run. */
export async function listSessions(
  deps: SessionDeps,
  owner: string,
  limit: number,
): Promise<SessionSummary[]> {
  const sessions = await deps.sessions.listByOwner(owner, limit);
  return Promise.all(
    sessions.map(async (session) => {
      const model = extractContext(session, deps.registries).spec.model;
      return { ...session, ...(model ? { model } : {}), ...(await deps.sessions.activity(session.id)) };
    }),
  );
}

/**
 * A new session from this one's spec: the same answers, choices, draft and conversation, back at the
 * last phase before generation (it has no generated project of its own yet).
 */
export async function duplicateSession(
  deps: SessionDeps,
  owner: string,
  id: string,
  input: DuplicateSessionBody,
): Promise<Session> {
  const source = await getSession(deps, owner, id);
  const at = nowIso(deps);
  const last = PHASES.indexOf('IMPLEMENTATION');
  const copy: Session = {
    ...structuredClone(source),
    id: randomUUID(),
    title: input.title ?? `${source.title} (copy)`.slice(0, 200),
    phase: PHASES.indexOf(source.phase) > last ? 'IMPLEMENTATION' : source.phase,
    generationIds: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await deps.sessions.create(copy);
  return copy;
}

/**
 * Deletes an agent for good: first what it made (generations, builds, runs, their files), then the
 * session, so a delete that fails half-way leaves the session listed and can be repeated.
 */
export async function deleteSession(
  deps: SessionDeps & { purge: SessionPurge },
  owner: string,
  id: string,
): Promise<DeletedSession> {
  const session = await getSession(deps, owner, id);
  const removed = await deps.purge.purge(session);
  await deps.sessions.delete(id);
  return { id, removed: { records: removed.records + 1, files: removed.files } };
}

async function write(deps: SessionDeps, session: Session, change: (s: Session) => void): Promise<Session> {
  const next: Session = structuredClone(session);
  change(next);
  next.version = session.version + 1;
  next.updatedAt = nowIso(deps);
  await deps.sessions.save(next, session.version);
  return next;
}

/** A change based on an older version than the stored one is refused: it would lose someone's update. */
function checkVersion(session: Session, version: number): void {
  if (version !== session.version) {
    throw new ConflictError(
      `this change is based on version ${version}, but the session is at version ${session.version}; reload it and apply your change again`,
    );
  }
}

export async function updateSession(
  deps: SessionDeps,
  owner: string,
  id: string,
  input: UpdateSessionBody,
): Promise<Session> {
  const session = await getSession(deps, owner, id);
  checkVersion(session, input.version);
  if (input.phase && PHASES.indexOf(input.phase) > PHASES.indexOf(session.phase)) {
    throw new ValidationError(
      `a session moves forward with advance; ${input.phase} is after ${session.phase}`,
      [{ path: 'phase', message: 'only an earlier phase (or the current one) can be set' }],
    );
  }
  return write(deps, session, (s) => {
    if (input.title) s.title = input.title;
    if (input.answers) {
      const phase = input.answersPhase ?? s.phase;
      s.answers[phase] = { ...(s.answers[phase] ?? {}), ...input.answers };
    }
    if (input.selections)
      s.selections = {
        ...s.selections,
        ...input.selections,
        deployment: { ...s.selections.deployment, ...input.selections.deployment },
      };
    if (input.phase) s.phase = input.phase;
  });
}

/**
 * Adds the builder's message and the consultant's reply in one versioned write. The reply says what
 * was read from this message, what changed in the spec, and the next most useful question. The
 * model-backed consultant answers when one is configured; if it fails or times out, the rule-based
 * one answers and the reply says so.
 */
export async function addMessage(
  deps: SessionDeps,
  owner: string,
  id: string,
  input: AddMessageBody,
): Promise<{ session: Session; reply: ConsultantReply }> {
  const session = await getSession(deps, owner, id);
  checkVersion(session, input.version);
  const at = nowIso(deps);
  const before = extractContext(session, deps.registries);
  const { understood, answers } = readMessage(session, input.text, before, deps.registries);

  const next: Session = structuredClone(session);
  next.messages = [...next.messages, { role: 'user' as const, text: input.text, at }];
  if (Object.keys(answers).length > 0)
    next.answers.REQUIREMENTS = { ...(next.answers.REQUIREMENTS ?? {}), ...answers };

  const notes: string[] = [];
  let by: ConsultantKind = 'deterministic';
  let modelText: string | undefined;
  const consultant = await deps.consultant?.(owner).catch((error: Error) => {
    notes.push(`the model consultant could not start (${error.message}); the rule-based consultant answered`);
    return undefined;
  });
  if (consultant) {
    try {
      const answer = await withTimeout(
        consultant.consult({
          session: next,
          message: input.text,
          context: extractContext(next, deps.registries),
        }),
        deps.consultantTimeoutMs ?? 20_000,
      );
      const checked = checkDraft(answer.draft, deps.registries);
      next.drafted = mergePatch(next.drafted ?? {}, checked.patch);
      notes.push(...checked.notes);
      modelText = answer.reply.trim().slice(0, 19_000) || undefined;
      by = 'model';
      notes.unshift(`answered by ${consultant.label}`);
    } catch (error) {
      notes.push(
        `the model consultant (${consultant.label}) did not answer (${(error as Error).message.slice(0, 200)}); the rule-based consultant answered instead`,
      );
    }
  }

  const after = extractContext(next, deps.registries);
  const changes = specChanges(before, after);
  const question = after.missing[0];
  const text = modelText ?? composeReply(understood, changes, question, after.ready);
  const reply: Message = {
    role: 'assistant',
    text,
    at,
    by,
    ...(question ? { asks: question.field } : {}),
  };
  const saved = await write(deps, session, (s) => {
    s.messages = [...next.messages, reply].slice(-MAX_MESSAGES);
    s.answers = next.answers;
    if (next.drafted) s.drafted = next.drafted;
  });
  return {
    session: saved,
    reply: {
      text,
      by,
      understood,
      changes,
      ...(question
        ? {
            nextQuestion: { field: question.field, question: question.question, required: question.required },
          }
        : {}),
      notes,
      context: after,
    },
  };
}

/** A patch over another: named fields replace, deployment, usage and toolConfig merge one level down. */
function mergePatch(base: SpecPatch, patch: SpecPatch): SpecPatch {
  return {
    ...base,
    ...patch,
    ...(base.deployment || patch.deployment
      ? { deployment: { ...base.deployment, ...patch.deployment } }
      : {}),
    ...(base.usage || patch.usage ? { usage: { ...base.usage, ...patch.usage } } : {}),
    ...(base.toolConfig || patch.toolConfig
      ? { toolConfig: { ...base.toolConfig, ...patch.toolConfig } }
      : {}),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** What a phase needs before the session can leave it. */
export function exitConditions(session: Session, registries: Registries): string[] {
  const context = extractContext(session, registries);
  const missing = (fields: string[]) =>
    context.missing.filter((m) => fields.includes(m.field)).map((m) => `${m.field}: ${m.question}`);
  switch (session.phase) {
    case 'REQUIREMENTS':
      return missing(['useCase', 'name']);
    case 'ARCHITECTURE':
      return missing(['deployment', 'model']);
    case 'IMPLEMENTATION':
      return [
        ...missing(['systemPrompt', 'model', 'deployment', 'name']),
        ...context.problems.map((p) => `${p.path}: ${p.message}`),
      ];
    case 'CODE_GENERATION':
      return session.generationIds.length > 0
        ? []
        : ['generation: generate the project first (POST /api/code-generation/generate)'];
    case 'TESTING':
    case 'DEPLOYMENT':
      return [];
    case 'COMPLETE':
      return ['the session is complete'];
  }
}

export interface AdvanceResult {
  session: Session;
  /** Set when leaving IMPLEMENTATION: generation must start now. */
  startGeneration: boolean;
}

export async function advanceSession(
  deps: SessionDeps,
  owner: string,
  id: string,
  input: AdvanceBody,
): Promise<AdvanceResult> {
  const session = await getSession(deps, owner, id);
  checkVersion(session, input.version);
  const missing = exitConditions(session, deps.registries);
  if (missing.length > 0) {
    throw new ValidationError(
      `${session.phase} is not finished`,
      missing.map((m) => ({ path: m.split(':')[0] ?? '', message: m.slice(m.indexOf(':') + 2) })),
    );
  }
  const next = PHASES[PHASES.indexOf(session.phase) + 1] as Phase;
  const saved = await write(deps, session, (s) => {
    s.phase = next;
  });
  return { session: saved, startGeneration: session.phase === 'IMPLEMENTATION' };
}

/** Records a finished generation on the session (a conditional write like every other). */
export async function attachGeneration(
  deps: SessionDeps,
  owner: string,
  id: string,
  generationId: string,
): Promise<Session> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const session = await getSession(deps, owner, id);
    try {
      return await write(deps, session, (s) => {
        s.generationIds = [...s.generationIds, generationId].slice(-50);
      });
    } catch (error) {
      if ((error as Error).name !== 'ConflictError' || attempt === 2) throw error;
    }
  }
  throw new Error('unreachable');
}
