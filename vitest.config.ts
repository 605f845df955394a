import { configDefaults, defineConfig } from 'vitest/config';

/** Timeouts of the platform's tests: integration and generated-project tests install and build. */
export const platformTimeouts = { testTimeout: 60_000, hookTimeout: 120_000 };

// The full suite (`npm test`, CI): two projects, the platform (Node) and the web app's components
// (jsdom, frontend/vitest.config.ts). vitest.unit.config.ts is the fast lane over a part of both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'platform',
          include: ['test/**/*.test.ts'],
          // Golden generated projects hold test files of their own, which are data here.
          exclude: [...configDefaults.exclude, 'test/generated/golden/**'],
          ...platformTimeouts,
        },
      },
      './frontend/vitest.config.ts',
    ],
  },
});
