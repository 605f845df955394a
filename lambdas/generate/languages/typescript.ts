import { keepsSessionsInS3 } from '../iam.ts';
import type { PlannedFile, ProjectContext, ProjectPlan } from '../project.ts';
import { envExample } from './env-example.ts';
import { evaluationFiles } from './evaluations.ts';

/** Packages every generated TypeScript agent uses, beyond its tools' own. */
const BASE_DEPENDENCIES: Record<string, string> = {
  '@strands-agents/sdk': '^1.19.0',
  '@aws-lambda-powertools/logger': '^2.28.0',
  '@aws-sdk/client-secrets-manager': '^3.1100.0',
  zod: '^4.1.12',
};

/** Peer dependencies of @strands-agents/sdk that the chosen model or tools load. */
const PROVIDER_DEPENDENCIES: Record<string, Record<string, string>> = {
  bedrock: {},
  ollama: { openai: '^6.45.0' },
  openai: { openai: '^6.45.0' },
  anthropic: { '@anthropic-ai/sdk': '^0.109.1' },
};

const TELEMETRY_DEPENDENCIES: Record<string, string> = {
  '@opentelemetry/api': '^1.9.0',
  '@opentelemetry/sdk-trace-base': '^2.6.1',
  '@opentelemetry/sdk-trace-node': '^2.6.1',
  '@opentelemetry/exporter-trace-otlp-http': '^0.219.0',
  '@opentelemetry/resources': '^2.8.0',
  '@opentelemetry/sdk-metrics': '^2.6.1',
  '@opentelemetry/exporter-metrics-otlp-http': '^0.219.0',
};

const TYPESCRIPT_DEV_DEPENDENCIES: Record<string, string> = {
  '@types/node': '^22.10.0',
  typescript: '^5.9.0',
  vitest: '^4.0.0',
  // The evaluation runner (evals/): the suite's YAML and JSON Schema assertions.
  ajv: '^8.20.0',
  yaml: '^2.9.1',
};

function sortedRecord(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
}

/** The files of a TypeScript agent project (its deployment's come from deploymentFiles), and its package.json. */
export function typescriptProject(context: ProjectContext): ProjectPlan {
  const deps: Record<string, string> = {
    ...BASE_DEPENDENCIES,
    ...PROVIDER_DEPENDENCIES[context.model.provider],
    ...TELEMETRY_DEPENDENCIES,
  };
  for (const pkg of context.dependencies.packages) deps[pkg.name] = pkg.range;
  if (context.tools.some((t) => t.kind === 'mcp-server')) deps['@modelcontextprotocol/sdk'] ??= '^1.25.2';
  // Strands' S3 session storage loads the S3 client (an optional peer of the SDK).
  if (keepsSessionsInS3(context)) deps['@aws-sdk/client-s3'] ??= '^3.1078.0';
  // Keys from AgentCore Identity (GetResourceApiKey on the data plane).
  if (context.apiKeyProviders.length > 0) deps['@aws-sdk/client-bedrock-agentcore'] ??= '^3.1100.0';
  const dependencies = sortedRecord(deps);
  const packageJson = {
    name: context.projectName,
    version: '0.1.0',
    private: true,
    description: context.spec.description || context.spec.name,
    type: 'module',
    engines: { node: '>=22' },
    main: 'dist/index.js',
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      start: 'node --env-file-if-exists=.env dist/index.js',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
      eval: 'vitest run --config evals/vitest.config.ts',
    },
    dependencies,
    devDependencies: sortedRecord(TYPESCRIPT_DEV_DEPENDENCIES),
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      outDir: 'dist',
      rootDir: '.',
      noEmit: true,
    },
    include: ['src', 'test', 'evals', 'vitest.config.ts'],
  };
  const tsconfigBuild = {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: false, rootDir: 'src', outDir: 'dist', sourceMap: true },
    include: ['src'],
  };
  const t = (path: string, template = `agent/typescript/${path}`): PlannedFile => ({ path, template });
  const files: PlannedFile[] = [
    { path: 'package.json', content: `${JSON.stringify(packageJson, null, 2)}\n` },
    { path: 'tsconfig.json', content: `${JSON.stringify(tsconfig, null, 2)}\n` },
    { path: 'tsconfig.build.json', content: `${JSON.stringify(tsconfigBuild, null, 2)}\n` },
    { path: '.env.example', content: envExample(context) },
    t('.gitignore', 'agent/typescript/gitignore'),
    t('.github/workflows/ci.yml', 'agent/typescript/ci.yml'),
    t('README.md'),
    t('vitest.config.ts'),
    t('src/prompt.ts'),
    t('src/config.ts'),
    t('src/secrets.ts'),
    ...(context.keysPerCall.length > 0 ? [t('src/credentials.ts')] : []),
    t('src/logger.ts'),
    t('src/model.ts'),
    t('src/agent.ts'),
    t('src/sessions.ts'),
    t('src/server.ts'),
    t('src/index.ts'),
    t('src/tools/index.ts'),
    t('src/tools/settings.ts'),
    ...context.tools.map((tool) => ({
      path: `src/tools/${tool.file}.ts`,
      template: tool.template,
      context: { ...context, ...tool },
    })),
    t('test/helpers/scripted-model.ts'),
    t('test/helpers/env.ts'),
    t('test/agent.test.ts'),
    t('test/server.test.ts'),
    t('test/evals.test.ts'),
    ...(context.apiKeyProviders.length > 0 ? [t('test/credentials.test.ts')] : []),
    ...evaluationFiles(context, 'npm run eval'),
    t('evals/runner.ts'),
    t('evals/main.eval.ts'),
    t('evals/vitest.config.ts'),
    ...(context.deployment.target === 'lambda' ? [t('src/lambda.ts')] : []),
  ];
  return {
    files,
    dependencies: Object.entries(dependencies).map(([name, range]) => ({ name, range })),
    devDependencies: Object.entries(TYPESCRIPT_DEV_DEPENDENCIES).map(([name, range]) => ({ name, range })),
  };
}
