import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure (core logic on JSON recorded from real engines, UI on an in-memory port);
// `engine` starts private real engines (scripts/engines.sh) and never reaches the user's Docker.
export default defineConfig({
  test: {
    env: { FORCE_COLOR: '0' },
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/engine/**', 'test/e2e/**'],
          clearMocks: true,
          // Some unit tests spawn the built binary or render whole screens: on a loaded 2-core machine they take
          // several seconds, past vitest's 5 s default. No test asserts a duration (speed lives in bench/).
          testTimeout: 30_000,
          // A beforeAll that imports the whole Ink app took over vitest's 10 s default at load 20 (no-color.test.tsx).
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'engine',
          sequence: { groupOrder: 1 },
          include: ['test/engine/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/engine/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two cores: the engines themselves need CPU too.
          maxWorkers: 2,
        },
      },
    ],
  },
});
