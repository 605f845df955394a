import { providerOf } from '../../runner/workspace.ts';
import { DomainError } from '../core/errors.ts';
import type { GenerationRecord } from '../generate/ports.ts';
import type { GenerationDeps } from '../generate/service.ts';
import { getGeneratedFile } from '../generate/service.ts';

/** A build refused before it starts: what cannot work on this platform, and what to do instead. */
export class CannotTestHereError extends DomainError {
  readonly type = 'cannot-test-here';
  readonly statusCode = 409;
  readonly title = 'This agent cannot be test-run here';
}

/** Whether a package registry answers from where the runner runs. */
export interface RegistryReach {
  /** The Python package index the runner's pip uses: reachable or not, and which address was tried. */
  pypi(): Promise<{ reachable: boolean; url: string }>;
}

/** What the platform can offer a test run, besides the project itself. */
export interface PreflightContext {
  /** The registries the runner reaches, where the platform can know them (the local runner). */
  registries?: RegistryReach;
  /** An OpenAI-compatible endpoint is configured (Ollama-model agents answer through it). */
  openAiCompatible: boolean;
}

/** The model id and provider a generated project is written for, from its `.env.example`. */
export async function projectModel(
  deps: Pick<GenerationDeps, 'generations' | 'store'>,
  owner: string,
  generation: Pick<GenerationRecord, 'id'>,
): Promise<{ modelId?: string; provider: ReturnType<typeof providerOf> }> {
  const text = await getGeneratedFile(deps, owner, generation.id, '.env.example').catch(() => '');
  const modelId = /^MODEL_ID=(.+)$/m.exec(text)?.[1]?.trim();
  return { ...(modelId ? { modelId } : {}), provider: providerOf(text) };
}

/**
 * Checks, before anything is installed, that a build of this generation can work here; throws
 * CannotTestHereError with one sentence saying what cannot work and what to do.
 */
export async function preflight(
  context: PreflightContext,
  generation: Pick<GenerationRecord, 'language'>,
  model: { provider: ReturnType<typeof providerOf> },
): Promise<void> {
  if (model.provider === 'openai' || model.provider === 'anthropic') {
    const who = model.provider === 'openai' ? 'OpenAI' : 'Anthropic';
    throw new CannotTestHereError(
      `This agent calls the ${who} API directly, which needs your API key and the platform holds none: choose a Bedrock model to test-run it here, or run the project yourself with your key.`,
    );
  }
  if (model.provider === 'ollama' && !context.openAiCompatible) {
    throw new CannotTestHereError(
      'This agent uses an Ollama model and no OpenAI-compatible endpoint is configured for test runs: set OPENAI_COMPATIBLE_BASE_URL and OPENAI_COMPATIBLE_MODEL (e.g. a local Ollama at http://localhost:11434/v1), or choose a Bedrock model.',
    );
  }
  if (generation.language === 'python' && context.registries) {
    const pypi = await context.registries.pypi();
    if (!pypi.reachable)
      throw new CannotTestHereError(
        `This Python agent cannot be built here because its dependencies come from PyPI and ${pypi.url} cannot be reached from this machine: generate it in TypeScript to test-run it here, point PIP_INDEX_URL at a package index this machine reaches, or test-run it where PyPI is reachable (the platform's Fargate runner).`,
      );
  }
}

/**
 * Asks the package index pip would use (PIP_INDEX_URL, else PyPI) once, and remembers the answer for
 * `ttlMs`: an index that does not answer within `timeoutMs` is unreachable.
 */
export function probedRegistries(
  env: Record<string, string | undefined>,
  options: { timeoutMs?: number; ttlMs?: number } = {},
): RegistryReach {
  const url = env.PIP_INDEX_URL || 'https://pypi.org/simple/';
  let known: { reachable: boolean; at: number } | undefined;
  return {
    async pypi() {
      if (known && Date.now() - known.at < (options.ttlMs ?? 600_000))
        return { reachable: known.reachable, url };
      let reachable = false;
      try {
        const response = await fetch(new URL('pip/', url.endsWith('/') ? url : `${url}/`), {
          method: 'HEAD',
          signal: AbortSignal.timeout(options.timeoutMs ?? 4_000),
        });
        reachable = response.status < 500;
      } catch {
        reachable = false;
      }
      known = { reachable, at: Date.now() };
      return { reachable, url };
    },
  };
}
