// Layering rules of the platform (DESIGN.md, "Layout"), checked by `npm run check:deps` (part of
// `npm test`) and by test/unit/layering.test.ts. Paths are relative to the repository root.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Modules of the platform, the runner, the CLI and the CDK app form no cycle, type-only imports included: ' +
        'a cycle makes load order matter and hides which module is the lower layer.',
      severity: 'error',
      from: { path: '^(lambdas|runner|bin|lib)/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-no-feature',
      comment:
        'lambdas/core holds the http middleware, errors, config and feature-free adapters; ' +
        'features build on it, never the other way round.',
      severity: 'error',
      from: { path: '^lambdas/core/' },
      to: { path: '^lambdas/', pathNot: '^lambdas/core/' },
    },
    {
      name: 'agent-spec-is-the-bottom-layer',
      comment:
        'lambdas/agent-spec is the contract every feature shares: it imports only lambdas/core, itself ' +
        'and packages.',
      severity: 'error',
      from: { path: '^lambdas/agent-spec/' },
      to: { pathNot: '^(lambdas/(agent-spec|core)/|node_modules/)', dependencyTypesNot: ['core'] },
    },
    {
      name: 'runner-uses-no-feature-but-testing',
      comment:
        'The runner program is the test-run harness: of the platform it uses lambdas/core (config, ' +
        'adapters) and the testing feature that owns its records, nothing else.',
      severity: 'error',
      from: { path: '^runner/', pathNot: '^runner/main\\.ts$' },
      to: { path: '^lambdas/', pathNot: '^lambdas/(core|testing)/' },
    },
    {
      name: 'runner-main-runs-evaluation-jobs-only',
      comment:
        'runner/main.ts also runs `evaluate` jobs: of the evaluations feature it uses the job, its ' +
        'repository and the judge, never its handlers or the service that starts runners.',
      severity: 'error',
      from: { path: '^runner/main\\.ts$' },
      to: {
        path: '^lambdas/',
        pathNot:
          '^lambdas/(core|testing)/|^lambdas/evaluations/(runner-job|dynamodb-evaluation-repository|judge)\\.ts$',
      },
    },
    {
      name: 'runner-records-results-only-in-main',
      comment:
        'Only the entry point (runner/main.ts) stores results, through the testing feature; the harness ' +
        'itself knows nothing of the platform records.',
      severity: 'error',
      from: { path: '^runner/', pathNot: '^runner/main\\.ts$' },
      to: { path: '^lambdas/testing/' },
    },
    {
      name: 'runner-uses-testing-records-not-handlers',
      comment:
        'runner/main.ts needs the testing model, the service that records a result, the repository it ' +
        'writes with and the slots it gives back; never the handlers or the deps that start runners.',
      severity: 'error',
      from: { path: '^runner/main\\.ts$' },
      to: {
        path: '^lambdas/testing/',
        pathNot: '^lambdas/testing/(model|service|dynamodb-test-repository|dynamodb-runner-slots)\\.ts$',
      },
    },
  ],
  options: {
    // TypeScript 7 has no JS API, so swc parses the sources; it keeps type-only imports (they count for
    // cycles, test/unit/layering.test.ts proves it). Without a tsc dependency-cruiser prints a
    // "missing-tsc-transpiler" notice for tsPreCompilationDeps: expected, the swc results are complete.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  },
};
