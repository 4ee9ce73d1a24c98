import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The engine files that take more than ~20 s, longest first (vitest's per-file times in a fresh-clone run,
 * BENCHMARKS.md, npm test). On a fresh clone vitest has no timings to order by, and a long file that starts last
 * makes the run end with one worker alone: these start first, and the short ones fill the end.
 */
const SLOW_FIRST = [
  'test/engine/oracle/compose-down.test.ts',
  'test/engine/exec-oracle/modern.test.ts',
  'test/engine/exec-oracle/current.test.ts',
  'test/engine/oracle/prune.test.ts',
  'test/engine/oracle/compose-extra.test.ts',
  'test/engine/diff-nonmutation.test.ts',
  'test/engine/exec-oracle/legacy.test.ts',
  'test/e2e/explorer.test.ts',
  'test/engine/content-diff.test.ts',
  'test/engine/oracle/rm.test.ts',
  'test/engine/oracle/prune-filters.test.ts',
  'test/engine/backup-postgres.test.ts',
  'test/engine/backup-volume.test.ts',
  'test/e2e/explorer-inside.test.ts',
  'test/engine/oracle/families-prune.test.ts',
  'test/engine/backup-security.test.ts',
  'test/engine/oracle/intent-client.test.ts',
  'test/engine/oracle/compose-files.test.ts',
  'test/engine/podman-oracle.test.ts',
  'test/engine/oracle/refs.test.ts',
  'test/e2e/content-diff.test.ts',
  'test/engine/backup-failures.test.ts',
  'test/engine/diff-cli.test.ts',
  'test/engine/install-binary.test.ts',
  'test/engine/given.test.ts',
  'test/engine/intent-invariant.test.ts',
  'test/engine/oracle/families-compose-rm.test.ts',
  'test/engine/oracle/compose-config.test.ts',
];

/**
 * Unit files that set process.env before their imports load (chalk and Ink read FORCE_COLOR once) or replace
 * process.env: each runs in a module graph of its own.
 */
const OWN_MODULE_GRAPH = ['test/ui/no-color.test.tsx', 'test/harness/refusal.test.ts'];

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((s) => f.moduleId.endsWith(s));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    // Within a project only (groupOrder and projects keep their order); Array.prototype.sort is stable.
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => (a.f.project.name === b.f.project.name ? rank(a.f) - rank(b.f) || a.i - b.i : a.i - b.i))
      .map(({ f }) => f);
  }
}

// Two projects: `unit` is pure (core logic on JSON recorded from real engines, UI on an in-memory port);
// `engine` starts private real engines (scripts/engines.sh) and never reaches the user's Docker.
export default defineConfig({
  test: {
    env: { FORCE_COLOR: '0' },
    reporters: ['default', './test/summary-reporter.ts'],
    sequence: { sequencer: SlowFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/engine/**', 'test/e2e/**', ...OWN_MODULE_GRAPH],
          clearMocks: true,
          // Some unit tests spawn the built binary or render whole screens: on a loaded 2-core machine they take
          // several seconds, past vitest's 5 s default. No test asserts a duration (speed lives in bench/).
          testTimeout: 30_000,
          // A beforeAll that imports the whole Ink app took over vitest's 10 s default at load 20 (no-color.test.tsx).
          hookTimeout: 30_000,
          // Both cores (vitest leaves one free by default): the engines idle while this project runs, 55 s → 32 s.
          maxWorkers: 2,
          // A worker process runs many files and imports React, Ink and lastlook's modules once (38 s → 16 s,
          // 67 → 26 s of CPU); the files that need a module graph of their own are the project below.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-isolated',
          sequence: { groupOrder: 0 },
          include: OWN_MODULE_GRAPH,
          testTimeout: 30_000,
          hookTimeout: 30_000,
          maxWorkers: 2,
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
          // Two cores: the engines themselves need CPU too (three workers: 1,120 s against 1,058 s, the CPU was
          // already saturated; BENCHMARKS.md, npm test).
          maxWorkers: 2,
          // One worker process runs many files, importing the harness, dockerode and lastlook's modules once instead
          // of once per file. The engine files share no mutable module state (no vi.mock, no process.env writes).
          isolate: false,
        },
      },
    ],
  },
});
