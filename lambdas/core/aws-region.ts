import { z } from 'zod';

/** An AWS Region code such as us-east-1 or us-gov-west-1. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export const AwsRegion = z.string().regex(AWS_REGION_PATTERN, 'expected an AWS Region like us-east-1');

/** The cross-Region inference profile geographies and the Region prefixes they serve. */
const GEOGRAPHIES: [prefix: string, geography: string][] = [
  ['us-', 'us'],
  ['eu-', 'eu'],
  ['ap-', 'apac'],
];

/**
 * A model id as this Region can call it: a geography inference profile (`us.`, `eu.`, `apac.`) is
 * swapped for the Region's own geography, so a project generated for us-east-1 runs from an EU stack;
 * a base id and a `global.` profile are left as they are.
 */
export function regionalModelId(modelId: string, region: string): string {
  const match = /^(us|eu|apac)\.(.+)$/.exec(modelId);
  const geography = GEOGRAPHIES.find(([prefix]) => region.startsWith(prefix))?.[1];
  if (!match || !geography || match[1] === geography) return modelId;
  return `${geography}.${match[2]}`;
}
