import { z } from 'zod';

const count = z.number().nonnegative('must be zero or more').max(1e13);
const gb = z.number().nonnegative('must be zero or more').max(1e9);

/** Optional infrastructure around the agent; every block is optional, and a missing one costs nothing. */
export const Infrastructure = z
  .object({
    apiGateway: z
      .object({ type: z.enum(['http', 'rest']).default('http') })
      .strict()
      .optional(),
    dynamodb: z
      .object({
        writesPerRequest: count.default(1),
        readUnitsPerRequest: count.default(1),
        storageGb: gb.default(1),
      })
      .strict()
      .optional(),
    s3: z
      .object({ storageGb: gb.default(1), putRequests: count.default(0), getRequests: count.default(0) })
      .strict()
      .optional(),
    cloudwatchLogs: z
      .object({ ingestedGb: gb.default(1), storedGb: gb.default(1) })
      .strict()
      .optional(),
    xray: z
      .object({ samplingRate: z.number().min(0).max(1).default(0.05) })
      .strict()
      .optional(),
    secretsManager: z
      .object({ secrets: count.default(1), apiCalls: count.default(0) })
      .strict()
      .optional(),
    stepFunctions: z
      .object({
        type: z.enum(['standard', 'express']).default('standard'),
        transitionsPerRequest: count.default(5),
        /** Express only: billed duration per request and memory. */
        durationMsPerRequest: count.default(1000),
        memoryMb: z.number().int().min(64).max(10_240).default(64),
      })
      .strict()
      .optional(),
    ecr: z
      .object({ storageGb: gb.default(1) })
      .strict()
      .optional(),
    cloudfront: z
      .object({ dataOutGb: gb.default(1), httpsRequestsPerRequest: count.default(1) })
      .strict()
      .optional(),
  })
  .strict();
export type Infrastructure = z.infer<typeof Infrastructure>;
