import { randomUUID } from 'node:crypto';
import type { AgentSpecDraft } from '../agent-spec/schema.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { recordOutcome } from '../core/flags/exposure.ts';
import { type Features, requireFeature, targetFlag } from '../core/flags/guard.ts';
import type { ArtifactStore, RateLimiter } from '../core/ports.ts';
import { assertValidSpec, type Registries, validateSpec } from '../registries/validate.ts';
import { specDiff } from '../sessions/consultant.ts';
import { extractContext } from '../sessions/extract.ts';
import type { SessionRepository } from '../sessions/ports.ts';
import { attachGeneration, getSession } from '../sessions/workflow.ts';
import { hashSpec } from './generate.ts';
import type { GenerateBody, Versions } from './model.ts';
import type { GenerationRecord, GenerationRepository, GenerationRunner } from './ports.ts';
import { readZipEntry } from './zip.ts';

export interface GenerationDeps {
  registries: Registries;
  sessions: SessionRepository;
  generations: GenerationRepository;
  store: ArtifactStore;
  limiter: RateLimiter;
  runner: GenerationRunner;
  generateLimitPerHour: number;
  features: Features;
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
  // Each deployment target rolls out behind its own flag: refused before anything is rendered.
  await requireFeature(deps, targetFlag(valid.deployment.target), { sub: owner });
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
  recordOutcome('Generation', record.status === 'SUCCEEDED');
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

/** Project zips read lately, by key: a generation's zip never changes, and a reader opens its files one by one. */
const recentZips = new Map<string, Uint8Array>();
const RECENT_ZIPS = 16;

async function projectZip(store: ArtifactStore, key: string): Promise<Uint8Array | undefined> {
  const cached = recentZips.get(key);
  if (cached) return cached;
  const zip = await store.get(key);
  if (!zip) return undefined;
  recentZips.set(key, zip);
  for (const oldest of recentZips.keys()) {
    if (recentZips.size <= RECENT_ZIPS) break;
    recentZips.delete(oldest);
  }
  return zip;
}

/** One file of a generation, read from its zip (the only copy stored). */
export async function getGeneratedFile(
  deps: Pick<GenerationDeps, 'generations' | 'store'>,
  owner: string,
  id: string,
  path: string,
) {
  const record = await getGeneration(deps, owner, id);
  if (!record.files?.includes(path)) throw new NotFoundError(`generation ${id} has no file ${path}`);
  const zip = await projectZip(deps.store, `${record.artifactPrefix}/project.zip`);
  const text = zip ? readZipEntry(zip, record.name ?? 'agent', path) : undefined;
  if (text === undefined) throw new NotFoundError(`file ${path} of generation ${id} is no longer stored`);
  return text;
}

export async function downloadGeneration(
  deps: Pick<GenerationDeps, 'generations' | 'store'>,
  owner: string,
  id: string,
) {
  const record = await getGeneration(deps, owner, id);
  if (record.status !== 'SUCCEEDED')
    throw new NotFoundError(`generation ${id} failed: ${record.reason ?? 'no project'}`);
  const zip = await projectZip(deps.store, `${record.artifactPrefix}/project.zip`);
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
