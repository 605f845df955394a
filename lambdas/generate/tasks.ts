import type { AgentSpecInput, Language } from '../agent-spec/schema.ts';
import type { ArtifactStore } from '../core/ports.ts';
import { estimateCost } from '../cost/advise.ts';
import type { PriceList } from '../cost/pricing.ts';
import { assertValidSpec, type Registries } from '../registries/validate.ts';
import { generateAgentProject, hashSpec } from './generate.ts';
import type { GenerationInput, GenerationRecord, GenerationRepository } from './ports.ts';
import { loadTemplates } from './templates.ts';
import { zipProject } from './zip.ts';

/**
 * The task states of the generation workflow (lib/workflows/generation.asl.json). Each takes the
 * execution state and returns its part; Step Functions invokes them through one task Lambda in AWS,
 * and the local executor calls them in-process. Payloads stay small: the project goes to the artifact
 * store as one zip.
 */
export interface TaskDeps {
  registries: Registries;
  prices: PriceList;
  store: ArtifactStore;
  generations: GenerationRepository;
  now?: () => Date;
}

export interface ValidatedState extends GenerationInput {
  specHash: string;
  cacheKey: string;
  cachedGenerationId?: string;
}

interface RenderedState extends ValidatedState {
  rendered?: {
    project: {
      name: string;
      language: Language;
      files: string[];
      warnings: { path: string; message: string }[];
    };
    cost: { monthlyUsd: number; annualUsd: number };
  };
  package?: { zipKey: string; zipBytes: number };
  error?: { Error: string; Cause: string };
}

const prefix = (id: string) => `generations/${id}`;

export const tasks = {
  async validateSpec(input: GenerationInput, deps: TaskDeps): Promise<ValidatedState> {
    const { spec } = assertValidSpec(input.spec, deps.registries);
    const specHash = hashSpec(spec);
    // Scoped to the session (or the owner's sessionless generations): a cache hit shares its source's
    // files, so deleting an agent can remove them without touching another builder's generations.
    const cacheKey = [input.owner, input.sessionId ?? '-', specHash, loadTemplates().version].join('|');
    const cached = await deps.generations.getCached(cacheKey);
    const cachedRecord = cached ? await deps.generations.getGeneration(cached) : undefined;
    return {
      ...input,
      spec: spec as AgentSpecInput,
      specHash,
      cacheKey,
      ...(cachedRecord?.status === 'SUCCEEDED' ? { cachedGenerationId: cachedRecord.id } : {}),
    };
  },

  async renderProject(input: ValidatedState, deps: TaskDeps) {
    const project = await generateAgentProject(input.spec, deps.registries);
    return {
      name: project.metadata.name,
      language: project.metadata.language,
      files: project.metadata.files,
      warnings: project.metadata.warnings,
    };
  },

  async estimateCost(input: ValidatedState, deps: TaskDeps) {
    const estimate = estimateCost(input.spec, { models: deps.registries.models, prices: deps.prices });
    await deps.store.put(
      `${prefix(input.generationId)}/cost.json`,
      JSON.stringify(estimate, null, 2),
      'application/json',
    );
    return { monthlyUsd: estimate.monthly.total, annualUsd: estimate.annual };
  },

  /**
   * One upload: the project's zip, from which single files are served too. The files are rendered
   * again from the same spec and templates (the same bytes; in a warm process, the cached project)
   * rather than sent between states, whose payloads stay small.
   */
  async package(input: RenderedState, deps: TaskDeps) {
    const project = await generateAgentProject(input.spec, deps.registries);
    const zip = zipProject(project.metadata.name, project.files);
    const zipKey = `${prefix(input.generationId)}/project.zip`;
    await deps.store.put(zipKey, zip, 'application/zip');
    return { zipKey, zipBytes: zip.byteLength };
  },

  async record(input: RenderedState, deps: TaskDeps): Promise<GenerationRecord> {
    const createdAt = (deps.now?.() ?? new Date()).toISOString();
    let record: GenerationRecord;
    if (input.cachedGenerationId) {
      const source = await deps.generations.getGeneration(input.cachedGenerationId);
      if (!source) throw new Error(`cached generation ${input.cachedGenerationId} is gone`);
      record = {
        ...source,
        id: input.generationId,
        owner: input.owner,
        sessionId: input.sessionId,
        templates: loadTemplates().version,
        ...versionOf(input),
        cacheKey: input.cacheKey,
        cached: true,
        createdAt,
      };
    } else {
      const project = input.rendered?.project;
      record = {
        id: input.generationId,
        owner: input.owner,
        sessionId: input.sessionId,
        status: 'SUCCEEDED',
        templates: loadTemplates().version,
        specHash: input.specHash,
        name: project?.name,
        language: project?.language,
        files: project?.files,
        warnings: project?.warnings,
        artifactPrefix: prefix(input.generationId),
        zipBytes: input.package?.zipBytes,
        cost: input.rendered?.cost,
        ...versionOf(input),
        cacheKey: input.cacheKey,
        cached: false,
        createdAt,
      };
      await deps.generations.putCached(input.cacheKey, input.generationId);
    }
    await deps.generations.putGeneration(record);
    return record;
  },

  async recordFailure(input: RenderedState, deps: TaskDeps): Promise<GenerationRecord> {
    const record: GenerationRecord = {
      id: input.generationId,
      owner: input.owner,
      sessionId: input.sessionId,
      status: 'FAILED',
      // Nothing of a failed generation is offered: no files, no zip, only why (never half a project).
      reason: failureReason(input.error),
      templates: loadTemplates().version,
      createdAt: (deps.now?.() ?? new Date()).toISOString(),
    };
    await deps.generations.putGeneration(record);
    return record;
  },
};

/** What a successful generation records of its version: its number, what changed, and the spec. */
const versionOf = (input: ValidatedState) => ({
  ...(input.version !== undefined ? { version: input.version } : {}),
  ...(input.changes ? { changes: input.changes } : {}),
  spec: input.spec,
});

export type TaskName = keyof typeof tasks;

/** A task error as a sentence a builder can act on (Step Functions passes Error and Cause). */
function failureReason(error: RenderedState['error']): string {
  if (!error) return 'the generation failed';
  try {
    const cause = JSON.parse(error.Cause) as { errorMessage?: string; message?: string };
    return cause.errorMessage ?? cause.message ?? error.Cause;
  } catch {
    return error.Cause || error.Error;
  }
}

/** Dispatches one task: the entry of the task Lambda, and what the local executor binds states to. */
export function runTask(name: string, input: unknown, deps: TaskDeps): Promise<unknown> {
  const task = tasks[name as TaskName] as ((input: never, deps: TaskDeps) => Promise<unknown>) | undefined;
  if (!task) throw new Error(`unknown generation task ${name}`);
  return task(input as never, deps);
}
