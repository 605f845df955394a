/**
 * How every Lambda of the platform is bundled (esbuild through CDK's NodejsFunction), in one place so
 * the bench can build the same bundles and report their sizes without a synth.
 */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  target: 'node22',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  /**
   * The Node.js 22 runtime ships the AWS SDK v3. The local Step Functions executor is loaded only
   * where no state machine is configured (the embedded platform), never in AWS.
   */
  externalModules: ['@aws-sdk/*', 'aws-local-stepfunctions'],
} as const;
