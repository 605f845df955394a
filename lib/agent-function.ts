import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_BUNDLING } from './lambda-bundling.ts';
import { suppressPlatformFunction } from './nag.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface PlatformFunctionProps {
  /** `lambdas/<feature>/handler.ts`. */
  feature: string;
  /** Exported handler name. @default 'handler' */
  handler?: string;
  environment?: Record<string, string>;
  /** @default 30 seconds */
  timeout?: Duration;
  /** @default 1024 MB */
  memorySize?: number;
  /** Ship the handlebars templates beside the bundle (the generate feature). @default false */
  withTemplates?: boolean;
  /** Ship the API reference's script (Scalar's standalone bundle) beside the bundle (the health feature). @default false */
  withApiReference?: boolean;
}

/**
 * One Lambda of the platform with the defaults set once: ARM64 on Node.js 22, X-Ray tracing, its own
 * log group with retention, bundled locally with esbuild (ESM, minified, source maps).
 */
export class PlatformFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: join(ROOT, 'lambdas', props.feature, 'handler.ts'),
      handler: props.handler ?? 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'agent-builder',
        ...props.environment,
      },
      bundling: {
        ...LAMBDA_BUNDLING,
        format: nodejs.OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        externalModules: [...LAMBDA_BUNDLING.externalModules],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            ...(props.withTemplates ? [`cp -r "${inputDir}/templates" "${outputDir}/templates"`] : []),
            ...(props.withApiReference
              ? [
                  `mkdir -p "${outputDir}/api-reference"`,
                  `cp "${inputDir}/node_modules/@scalar/api-reference/dist/browser/standalone.js" "${outputDir}/api-reference/standalone.js"`,
                ]
              : []),
          ],
        },
      },
    });
    suppressPlatformFunction(this);
  }
}
