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
    engines: TestEngine[];
  }
}

/** Starts both private engines once per run; each test file gets them through `inject('engines')`. */
export default async function setup(project: TestProject) {
  assertCleanEnvironment(process.env);
  execFileSync('bash', [`${repoRoot}/scripts/engines.sh`, 'provision'], { stdio: 'inherit' });
  const root = makeRunRoot();
  process.env[RUN_ROOT_ENV] = root;
  const engines = await Promise.all([startEngine('modern', root), startEngine('legacy', root)]);
  for (const e of engines) {
    console.log(`engine ${e.kind}: Docker Engine ${e.version} (API ${e.apiVersion}) at ${e.host}`);
  }
  project.provide('engines', engines);
  return async () => {
    await Promise.all(engines.map((e) => stopEngine(e)));
    rmSync(root, { recursive: true, force: true });
  };
}
