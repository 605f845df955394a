import { configDefaults, defineConfig } from 'vitest/config';

// Two projects: the platform (Node) and the web app's components (jsdom, frontend/vitest.config.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'platform',
          include: ['test/**/*.test.ts'],
          // Golden generated projects hold test files of their own, which are data here.
          exclude: [...configDefaults.exclude, 'test/generated/golden/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      './frontend/vitest.config.ts',
    ],
  },
});
