import { z } from 'zod';

/** An AWS Region code such as us-east-1 or us-gov-west-1. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export const AwsRegion = z.string().regex(AWS_REGION_PATTERN, 'expected an AWS Region like us-east-1');
