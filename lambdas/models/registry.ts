import { z } from 'zod';
import { AwsRegion } from '../core/aws-region.ts';
import { type FieldProblem, NotFoundError, ValidationError } from '../core/errors.ts';
import { deepFreeze } from '../core/immutable.ts';
import { parseRegistryFile } from '../core/registry-data.ts';
import { Capability, LifecycleStatus, ModelInfo, Provider } from './schema.ts';

/** Filters for listing models; every field is optional and they combine with AND. */
export const ModelFilter = z
  .object({
    provider: Provider.optional(),
    /** Every listed capability must be present. */
    capabilities: z.array(Capability).optional(),
    /** USD per 1M input tokens, inclusive. */
    maxInputPrice: z.number().nonnegative().optional(),
    /** USD per 1M output tokens, inclusive. */
    maxOutputPrice: z.number().nonnegative().optional(),
    minContext: z.number().int().positive().optional(),
    /** AWS Region the model must be callable from; applies to Bedrock models (others are not region-bound). */
    region: AwsRegion.optional(),
    /** Case-insensitive text matched against id, name, vendor, family and description. */
    search: z.string().max(200).optional(),
    /** Only models in one of these lifecycle states (all of them when absent). */
    lifecycle: z.array(LifecycleStatus).optional(),
  })
  .strict();
export type ModelFilter = z.infer<typeof ModelFilter>;

const GEOGRAPHY_PREFIX: Record<string, string> = { us: 'us-', eu: 'eu-', apac: 'ap-' };

/** Whether a Bedrock model can be invoked from `region`, in-Region or through an inference profile. */
export function availableInRegion(model: ModelInfo, region: string): boolean {
  if (model.provider !== 'bedrock') return true;
  if (model.regions.includes(region)) return true;
  const geographies = model.inferenceProfile?.geographies ?? [];
  return geographies.some((g) => g === 'global' || region.startsWith(GEOGRAPHY_PREFIX[g] ?? '\0'));
}

/**
 * The model to pass to the provider's API from `region`: the bare id, or the cross-Region inference
 * profile id (`us.anthropic...`) where Bedrock requires one.
 */
export function invocationId(model: ModelInfo, region = 'us-east-1'): string {
  const profile = model.inferenceProfile;
  if (model.provider !== 'bedrock' || !profile) return model.id;
  if (!profile.required && model.regions.includes(region)) return model.id;
  const geo = profile.geographies.find(
    (g) => g !== 'global' && region.startsWith(GEOGRAPHY_PREFIX[g] ?? '\0'),
  );
  if (geo) return `${geo}.${model.id}`;
  if (profile.geographies.includes('global')) return `global.${model.id}`;
  return model.id;
}

/** The registry of models. Read-only, indexed once; queries are in-memory. */
export class ModelRegistry {
  private readonly byId: ReadonlyMap<string, ModelInfo>;

  constructor(private readonly models: readonly ModelInfo[]) {
    this.byId = new Map(models.map((m) => [m.id, m]));
  }

  /** Builds a registry from the contents of a models registry file, validating every entry; the models are frozen. */
  static fromData(data: unknown): ModelRegistry {
    const models = parseRegistryFile('models', ModelInfo, data);
    const problems = replacementProblems(models);
    if (problems.length > 0) {
      throw new ValidationError(`models registry has ${problems.length} invalid field(s)`, problems);
    }
    return new ModelRegistry(deepFreeze(models));
  }

  all(): readonly ModelInfo[] {
    return this.models;
  }

  find(id: string): ModelInfo | undefined {
    return this.byId.get(id);
  }

  /** The model with this id, or a NotFoundError that suggests close ids. */
  get(id: string): ModelInfo {
    const model = this.byId.get(id);
    if (model) return model;
    const suggestions = this.suggest(id);
    throw new NotFoundError(
      `unknown model id "${id}"${suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''} (list ids with: models --json)`,
    );
  }

  filter(filter: ModelFilter = {}): ModelInfo[] {
    const search = filter.search?.trim().toLowerCase();
    return this.models.filter(
      (m) =>
        (filter.provider === undefined || m.provider === filter.provider) &&
        (filter.capabilities ?? []).every((c) => m.capabilities.includes(c)) &&
        (filter.maxInputPrice === undefined || m.pricing.inputPerMTok <= filter.maxInputPrice) &&
        (filter.maxOutputPrice === undefined || m.pricing.outputPerMTok <= filter.maxOutputPrice) &&
        (filter.minContext === undefined || m.contextWindow >= filter.minContext) &&
        (filter.region === undefined || availableInRegion(m, filter.region)) &&
        (filter.lifecycle === undefined || filter.lifecycle.includes(m.lifecycle.status)) &&
        (!search ||
          [m.id, m.name, m.vendor, m.family, m.description].some((field) =>
            field.toLowerCase().includes(search),
          )),
    );
  }

  /** Up to three ids that contain, or are contained in, the given text. */
  private suggest(id: string): string[] {
    const needle = id.toLowerCase();
    if (needle.length < 3) return [];
    return this.models
      .filter((m) => m.id.includes(needle) || needle.includes(m.id) || m.name.toLowerCase().includes(needle))
      .slice(0, 3)
      .map((m) => m.id);
  }
}

/**
 * A legacy or retired model's replacement must be another model of the registry that is not itself
 * retired, so following a replacement always ends at a model that can be used.
 */
function replacementProblems(models: readonly ModelInfo[]): FieldProblem[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const problems: FieldProblem[] = [];
  for (const [index, model] of models.entries()) {
    const { lifecycle } = model;
    if (lifecycle.status === 'active' || lifecycle.replacement === undefined) continue;
    const path = `models[${index}].lifecycle.replacement`;
    const replacement = byId.get(lifecycle.replacement);
    if (!replacement) {
      problems.push({
        path,
        message: `replacement "${lifecycle.replacement}" is not a model of the registry`,
      });
    } else if (replacement.id === model.id || replacement.lifecycle.status === 'retired') {
      problems.push({
        path,
        message: `replacement "${lifecycle.replacement}" must be another model that is not retired`,
      });
    }
  }
  return problems;
}
