import { requirementLine } from '../../tools/dependencies.ts';
import { parsePipName, pipRanges } from '../../tools/versions.ts';
import type { PlannedFile, ProjectContext, ProjectPlan } from '../project.ts';
import { envExample } from './env-example.ts';
import { evaluationFiles } from './evaluations.ts';

/** Packages every generated Python agent uses, beyond its tools' own. */
const BASE_REQUIREMENTS: Record<string, string> = {
  // 1.21 reports usage per invocation (metrics.latest_agent_invocation), which the server returns.
  'strands-agents': '>=1.21.0,<2.0.0',
  // The runtime app (BedrockAgentCoreApp with RequestContext.request: 1.1.0), on Starlette.
  'bedrock-agentcore': '>=1.1.0,<2.0.0',
  starlette: '>=0.46.2,<2.0.0',
  'uvicorn[standard]': '>=0.29.0,<1.0.0',
  boto3: '>=1.35.0,<2.0.0',
  // app/main.py asks it whether ADOT already set up tracing (strands-agents requires the same range).
  'opentelemetry-api': '>=1.30.0,<2.0.0',
  pydantic: '>=2.7.0,<3.0.0',
};

/**
 * strands-agents extras every agent needs: `otel` holds the OTLP exporter that
 * `StrandsTelemetry().setup_otlp_exporter()` imports when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
const BASE_EXTRAS = ['otel'];

/** strands-agents extras the chosen model needs. */
const PROVIDER_EXTRAS: Record<string, string[]> = {
  bedrock: [],
  ollama: ['ollama'],
  openai: ['openai'],
  anthropic: ['anthropic'],
};

/**
 * On AgentCore Runtime the agent runs under ADOT's auto-instrumentation (`opentelemetry-instrument`),
 * which sends its traces to CloudWatch / X-Ray through the runtime's collector with no setup.
 * Versions 0.20.0 and 0.21.0 read on pypi.org/project/aws-opentelemetry-distro on 2026-12-05.
 */
const AGENTCORE_REQUIREMENTS: Record<string, string> = { 'aws-opentelemetry-distro': '>=0.20.0,<1.0.0' };

const DEV_REQUIREMENTS: Record<string, string> = {
  pytest: '>=8.0.0,<9.0.0',
  httpx: '>=0.27.0,<1.0.0',
  // The evaluation runner (evals/): the suite's YAML and JSON Schema assertions.
  pyyaml: '>=6.0,<7.0',
  jsonschema: '>=4.18.0,<5.0.0',
};

/** The files of a Python agent project (its deployment's come from deploymentFiles), and its requirements. */
export function pythonProject(context: ProjectContext): ProjectPlan {
  const requirements = new Map<string, { extras: Set<string>; range: string }>();
  const add = (spec: string, range: string) => {
    const { name, extras } = parsePipName(spec);
    const entry = requirements.get(name) ?? { extras: new Set<string>(), range };
    for (const extra of extras) entry.extras.add(extra);
    requirements.set(name, entry);
  };
  for (const [name, range] of Object.entries(BASE_REQUIREMENTS)) add(name, range);
  if (context.deployment.target === 'agentcore')
    for (const [name, range] of Object.entries(AGENTCORE_REQUIREMENTS)) add(name, range);
  for (const extra of [...BASE_EXTRAS, ...(PROVIDER_EXTRAS[context.model.provider] ?? [])])
    add(`strands-agents[${extra}]`, BASE_REQUIREMENTS['strands-agents'] ?? '');
  for (const pkg of context.dependencies.packages) {
    add(`${pkg.name}${pkg.extras.length > 0 ? `[${pkg.extras.join(',')}]` : ''}`, pkg.range);
    const entry = requirements.get(pkg.name);
    if (entry) entry.range = pipRanges.combine([entry.range, pkg.range]) ?? pkg.range;
  }
  const lines = [...requirements.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { extras, range }]) =>
      requirementLine({ name, range, extras: [...extras].sort(), requiredBy: [] }, 'pip'),
    );
  const dependencies = [...requirements.entries()].map(([name, { range }]) => ({ name, range }));
  const t = (path: string, template = `agent/python/${path}`): PlannedFile => ({ path, template });
  const files: PlannedFile[] = [
    {
      path: 'requirements.txt',
      content: `# Runtime dependencies of this agent (pinned ranges).\n${lines.join('\n')}\n`,
    },
    {
      path: 'requirements-dev.txt',
      content: `-r requirements.txt\n${Object.entries(DEV_REQUIREMENTS)
        .map(([name, range]) => `${name}${range}`)
        .join('\n')}\n`,
    },
    { path: '.env.example', content: envExample(context) },
    t('.gitignore', 'agent/python/gitignore'),
    t('.github/workflows/ci.yml', 'agent/python/ci.yml'),
    t('pytest.ini'),
    t('README.md'),
    t('app/__init__.py'),
    t('app/prompt.py'),
    t('app/config.py'),
    t('app/secrets.py'),
    ...(context.keysPerCall.length > 0 ? [t('app/credentials.py')] : []),
    t('app/logging_config.py'),
    t('app/model.py'),
    t('app/agent.py'),
    t('app/main.py'),
    t('app/tools/__init__.py'),
    t('app/tools/settings.py'),
    ...context.tools.map((tool) => ({
      path: `app/tools/${tool.pyFile}.py`,
      template: tool.template,
      context: { ...context, ...tool },
    })),
    t('tests/__init__.py'),
    t('tests/conftest.py'),
    t('tests/test_agent.py'),
    t('tests/test_server.py'),
    t('tests/test_evals.py'),
    ...(context.apiKeyProviders.length > 0 ? [t('tests/test_credentials.py')] : []),
    ...evaluationFiles(context, 'python -m evals'),
    t('evals/__init__.py'),
    t('evals/__main__.py'),
    t('evals/runner.py'),
    ...(context.deployment.target === 'lambda' ? [t('app/lambda_handler.py')] : []),
  ];
  return {
    files,
    dependencies,
    devDependencies: Object.entries(DEV_REQUIREMENTS).map(([name, range]) => ({ name, range })),
  };
}
