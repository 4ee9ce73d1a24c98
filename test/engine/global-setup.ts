import { rmSync } from 'node:fs';
import 'vitest';
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import {
  assertCleanEnvironment,
  makeRunRoot,
  RUN_ROOT_ENV,
  repoRoot,
  startEngine,
  stopEngine,
  type TestEngine,
} from './harness.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** modern (26.1.5) and legacy (20.10.24): the engines every engine suite runs on. */
    engines: TestEngine[];
    /** current (28.5.2), modern and legacy: for the suites that run on all three (the oracles). */
    allEngines: TestEngine[];
    /** Podman 4.3.1's private service (its Docker-compatible API): for the Podman suites (test/engine/podman-*). */
    podman: TestEngine;
  }
}

/**
 * Starts the three private engines once per run, side by side; each test file gets them through
 * `inject('engines')` (modern, legacy) or `inject('allEngines')` (current, modern, legacy).
 */
export default async function setup(project: TestProject) {
  assertCleanEnvironment(process.env);
  execFileSync('bash', [`${repoRoot}/scripts/engines.sh`, 'provision'], { stdio: 'inherit' });
  const root = makeRunRoot();
  process.env[RUN_ROOT_ENV] = root;
  const [podman, ...all] = await Promise.all([
    startEngine('podman', root),
    startEngine('current', root),
    startEngine('modern', root),
    startEngine('legacy', root),
  ]);
  const engines = all.filter((e) => e.kind !== 'current');
  for (const e of all) {
    console.log(`engine ${e.kind}: Docker Engine ${e.version} (API ${e.apiVersion}) at ${e.host}`);
  }
  console.log(`engine podman: Podman ${podman.version} (compat API ${podman.apiVersion}) at ${podman.host}`);
  project.provide('engines', engines);
  project.provide('allEngines', all);
  project.provide('podman', podman);
  return async () => {
    await Promise.all([...all, podman].map((e) => stopEngine(e)));
    rmSync(root, { recursive: true, force: true });
  };
}
