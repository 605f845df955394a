import { configDefaults, defineConfig } from 'vitest/config';
import { platformTimeouts } from './vitest.config.ts';

// The fast lane (`npm run test:unit`): domain and adapter tests with in-memory fakes or in-process
// emulators, the CLI in process, and the web app's components. No install, build, runner process or
// browser; the full suite (vitest.config.ts) runs all of these again with everything else.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts'],
          // Spawns the CLI as a process (a second per case): the full suite covers the entry point.
          exclude: [...configDefaults.exclude, 'test/cli/process.test.ts'],
          ...platformTimeouts,
        },
      },
      './frontend/vitest.config.ts',
    ],
  },
});
