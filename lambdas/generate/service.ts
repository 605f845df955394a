import { randomUUID } from 'node:crypto';
import type { AgentSpecDraft } from '../agent-spec/schema.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { ArtifactStore, RateLimiter } from '../core/ports.ts';
import { assertValidSpec, type Registries, validateSpec } from '../registries/validate.ts';
import { specDiff } from '../sessions/consultant.ts';
import { extractContext } from '../sessions/extract.ts';
import type { SessionRepository } from '../sessions/ports.ts';
import { attachGeneration, getSession } from '../sessions/workflow.ts';
import { hashSpec } from './generate.ts';
import type { GenerateBody, Versions } from './model.ts';
import type { GenerationRecord, GenerationRepository, GenerationRunner } from './ports.ts';

export interface GenerationDeps {
  registries: Registries;
  sessions: SessionRepository;
  generations: GenerationRepository;
  store: ArtifactStore;
  limiter: RateLimiter;
  runner: GenerationRunner;
  generateLimitPerHour: number;
}

/** Generates from a session (its extracted spec) or from a spec; a bad spec is refused before anything runs. */
export async function startGeneration(
  deps: GenerationDeps,
  owner: string,
  input: GenerateBody,
): Promise<GenerationRecord> {
  let spec: unknown = input.spec;
  let previous: GenerationRecord | undefined;
  let count = 0;
  if (input.sessionId) {
    const session = await getSession(deps, owner, input.sessionId);
    const last = session.generationIds.at(-1);
    previous = last ? await deps.generations.getGeneration(last) : undefined;
    count = session.generationIds.length;
    const context = extractContext(session, deps.registries);
    if (!context.ready) {
      throw new ValidationError('the session does not describe a complete agent yet', [
        ...context.missing.map((m) => ({ path: m.field, message: m.question })),
        ...context.problems,
      ]);
    }
    spec = context.spec;
  }
  const { spec: valid } = assertValidSpec(spec, deps.registries);
  await deps.limiter.hit(owner, 'generate', deps.generateLimitPerHour);
  const record = await deps.runner.run({
    generationId: randomUUID(),
    owner,
    ...(input.sessionId
      ? {
          sessionId: input.sessionId,
          // Each successful generation of a session is its agent's next version.
          version: (previous?.version ?? count) + 1,
          changes: previous?.spec ? specDiff(asDraft(previous.spec), asDraft(valid)) : [],
        }
      : {}),
    spec: valid,
  });
  if (input.sessionId && record.status === 'SUCCEEDED')
    await attachGeneration(deps, owner, input.sessionId, record.id);
  return record;
}

export async function getGeneration(
  deps: Pick<GenerationDeps, 'generations'>,
  owner: string,
  id: string,
): Promise<GenerationRecord> {
  const record = await deps.generations.getGeneration(id);
  if (!record || record.owner !== owner) throw new NotFoundError(`no generation ${id}`);
  return record;
}

export async function getGeneratedFile(
  deps: Pick<GenerationDeps, 'generations' | 'store'>,
  owner: string,
  id: string,
  path: string,
) {
  const record = await getGeneration(deps, owner, id);
  if (!record.files?.includes(path)) throw new NotFoundError(`generation ${id} has no file ${path}`);
  const body = await deps.store.get(`${record.artifactPrefix}/files/${path}`);
  if (!body) throw new NotFoundError(`file ${path} of generation ${id} is no longer stored`);
  return Buffer.from(body).toString('utf8');
}

export async function downloadGeneration(
  deps: Pick<GenerationDeps, 'generations' | 'store'>,
  owner: string,
  id: string,
) {
  const record = await getGeneration(deps, owner, id);
  if (record.status !== 'SUCCEEDED')
    throw new NotFoundError(`generation ${id} failed: ${record.reason ?? 'no project'}`);
  const zip = await deps.store.get(`${record.artifactPrefix}/project.zip`);
  if (!zip) throw new NotFoundError(`the zip of generation ${id} is no longer stored`);
  // A session's version names its zip: refund-helper-v3.zip.
  return { name: `${record.name ?? 'agent'}${record.version ? `-v${record.version}` : ''}`, zip };
}

/** A stored spec read as the draft shape the spec comparison takes (a validated spec is a complete draft). */
const asDraft = (spec: unknown) => spec as AgentSpecDraft;

/**
 * The versions of a session's agent, newest first, and whether the session's spec now is the latest
 * version's (same canonical hash): when not, the code is out of date and `changes` says what moved.
 */
export async function listVersions(
  deps: GenerationDeps,
  owner: string,
  sessionId: string,
): Promise<Versions> {
  const session = await getSession(deps, owner, sessionId);
  const records = await Promise.all(session.generationIds.map((id) => deps.generations.getGeneration(id)));
  const versions = records
    .flatMap((record, index) =>
      record && record.owner === owner ? [{ ...record, version: record.version ?? index + 1 }] : [],
    )
    .reverse();
  const latest = versions[0];
  if (!latest) return { versions, current: { upToDate: false, changes: [] } };
  const context = extractContext(session, deps.registries);
  const valid = context.ready ? validateSpec(context.spec, deps.registries) : undefined;
  if (!valid?.ok)
    return {
      versions,
      current: {
        upToDate: false,
        changes: latest.spec ? specDiff(asDraft(latest.spec), context.spec) : [],
        blocked: 'the spec is not complete or not valid now; finish Requirements before regenerating',
      },
    };
  return {
    versions,
    current: {
      upToDate: latest.specHash === hashSpec(valid.spec),
      changes: latest.spec ? specDiff(asDraft(latest.spec), asDraft(valid.spec)) : [],
    },
  };
}
