import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { ArtifactStore, RateLimiter } from '../core/ports.ts';
import { assertValidSpec, type Registries } from '../registries/validate.ts';
import { extractContext } from '../sessions/extract.ts';
import type { SessionRepository } from '../sessions/ports.ts';
import { attachGeneration, getSession } from '../sessions/workflow.ts';
import type { GenerateBody } from './model.ts';
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
}

/** Generates from a session (its extracted spec) or from a spec; a bad spec is refused before anything runs. */
export async function startGeneration(
  deps: GenerationDeps,
  owner: string,
  input: GenerateBody,
): Promise<GenerationRecord> {
  let spec: unknown = input.spec;
  if (input.sessionId) {
    const session = await getSession(deps, owner, input.sessionId);
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
    ...(input.sessionId ? { sessionId: input.sessionId } : {}),
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

/**
 * The text of one file of a generation for the platform's own use (a build's model, an evaluation's
 * starter suite): from its zip, or from the file stored beside it by generations made before the zip
 * became the only copy; undefined when neither holds it.
 */
export async function generatedText(
  store: ArtifactStore,
  generation: Pick<GenerationRecord, 'artifactPrefix' | 'name'>,
  path: string,
): Promise<string | undefined> {
  if (!generation.artifactPrefix) return undefined;
  const zip = await projectZip(store, `${generation.artifactPrefix}/project.zip`).catch(() => undefined);
  const text = zip ? readZipEntry(zip, generation.name ?? 'agent', path) : undefined;
  if (text !== undefined) return text;
  const file = await store.get(`${generation.artifactPrefix}/files/${path}`).catch(() => undefined);
  return file ? Buffer.from(file).toString('utf8') : undefined;
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
  return { name: record.name ?? 'agent', zip };
}
