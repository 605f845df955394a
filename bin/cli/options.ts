import { InvalidArgumentError, Option } from 'commander';
import { DeploymentTarget, Language } from '../../lambdas/agent-spec/schema.ts';
import { AWS_REGION_PATTERN } from '../../lambdas/core/aws-region.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { Capability, Provider } from '../../lambdas/models/schema.ts';
import { ToolCategory } from '../../lambdas/tools/schema.ts';

function number(kind: 'integer' | 'number', min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (
      value.trim() === '' ||
      !Number.isFinite(n) ||
      (kind === 'integer' && !Number.isInteger(n)) ||
      n < min
    ) {
      throw new InvalidArgumentError(
        `expected ${kind === 'integer' ? 'a whole number' : 'a number'} ≥ ${min}, got "${value}".`,
      );
    }
    return n;
  };
}

export const nonNegativeNumber = number('number', 0);
export const nonNegativeInteger = number('integer', 0);
export const positiveInteger = number('integer', 1);

function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

/** A repeatable, comma-separable option restricted to `choices`. */
function listOf(flags: string, description: string, choices: readonly string[]): Option {
  return new Option(flags, `${description} (${choices.join(', ')})`).argParser(
    (value: string, previous?: string[]) => {
      const values = collect(value, previous);
      const bad = values.find((v) => !choices.includes(v));
      if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not one of: ${choices.join(', ')}.`);
      return values;
    },
  );
}

export const providerOption = () =>
  new Option('--provider <provider>', 'model provider').choices(Provider.options);
export const capabilityOption = () =>
  listOf('--capability <capability>', 'required capability; repeat or comma-separate', Capability.options);
export const languageOption = () =>
  new Option('--language <language>', 'generated agent language').choices(Language.options);
export const platformOption = () =>
  new Option('--platform <target>', 'deployment target').choices(DeploymentTarget.options);
export const categoryOption = () =>
  new Option('--category <category>', 'tool category').choices(ToolCategory.options);
export const regionOption = () =>
  new Option('--region <region>', 'AWS Region the model must be callable from').argParser((value: string) => {
    if (!AWS_REGION_PATTERN.test(value))
      throw new InvalidArgumentError(`"${value}" is not an AWS Region like us-east-1.`);
    return value;
  });
export const workloadOptions = () => [
  new Option('--requests <n>', 'requests per month').argParser(nonNegativeInteger),
  new Option('--input-tokens <n>', 'average input tokens per request').argParser(nonNegativeInteger),
  new Option('--output-tokens <n>', 'average output tokens per request').argParser(nonNegativeInteger),
];

/** Builds a workload from the three options; all or none must be given. */
export function workloadFrom(opts: { requests?: number; inputTokens?: number; outputTokens?: number }) {
  const given = [opts.requests, opts.inputTokens, opts.outputTokens].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given !== 3) {
    throw new ValidationError(
      'give --requests, --input-tokens and --output-tokens together, or none of them.',
    );
  }
  return {
    requestsPerMonth: opts.requests ?? 0,
    avgInputTokens: opts.inputTokens ?? 0,
    avgOutputTokens: opts.outputTokens ?? 0,
  };
}

/** A comma-separated list, empty items dropped. */
export function csv(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}
