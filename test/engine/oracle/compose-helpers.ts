/** Helpers for the `docker compose down` oracle scenarios (the comparison itself is ./oracle.ts). */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Plan } from '../../../src/core/plan/types.js';
import { repoRoot, runRoot, type TestEngine } from '../harness.js';
import { type OracleOptions, type OracleResult, oracle, runLastlook } from './oracle.js';

export function projectDir(files: Record<string, string>): string {
  // Under the run's root, removed with it.
  const dir = mkdtempSync(join(runRoot(), 'comp-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export interface Observed {
  readonly containers: string[];
  readonly volumes: string[];
  readonly networks: string[];
  readonly images: string[];
  readonly orphanVolumes: string[];
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** What the plan says, as sorted name lists (images by ID). */
export function planned(plan: Plan): Observed {
  return {
    containers: sorted(plan.destroy.containers.map((c) => c.name)),
    volumes: sorted(plan.destroy.volumes.map((v) => v.name)),
    networks: sorted(plan.destroy.networks.map((n) => n.name)),
    images: sorted(plan.destroy.images.map((i) => i.id)),
    orphanVolumes: sorted(plan.orphan.volumes.map((v) => v.name)),
  };
}

/**
 * The two ways lastlook reads a Compose project, chosen by the PATH lastlook sees (the real docker command is
 * always run by its full path, so it is the same either way):
 * - `compose`: a folder holding `docker` (the engine's own CLI; the Compose plugin comes from DOCKER_CONFIG) and
 *   `docker-compose` (the same Compose binary, standalone), so lastlook asks Compose (`config --format json`);
 * - `builtin`: an empty folder, so no Compose is found and lastlook's own loader reads the files.
 */
export type ComposePath = 'compose' | 'builtin';

const binDirs = new Map<string, string>();

export function pathEnv(engine: { readonly kind: string; readonly dir: string }, path: ComposePath): { PATH: string } {
  const key = `${engine.dir}:${path}`;
  let dir = binDirs.get(key);
  if (!dir) {
    // In the engine's folder, removed with the run's root.
    dir = mkdtempSync(join(engine.dir, `bin-${path}-`));
    if (path === 'compose') {
      const tree = join(repoRoot, '.cache/engines', engine.kind === 'current' ? 'current' : 'modern');
      symlinkSync(join(tree, 'usr/bin/docker'), join(dir, 'docker'));
      symlinkSync(join(tree, 'usr/libexec/docker/cli-plugins/docker-compose'), join(dir, 'docker-compose'));
    }
    binDirs.set(key, dir);
  }
  return { PATH: dir };
}

/** The part of a plan the oracle compares: what is destroyed and orphaned (by name; images by ID). */
export function verdict(plan: Plan): Omit<Observed, 'containers'> & { containers: string[]; blocked: boolean } {
  return { ...planned(plan), blocked: plan.blocked !== null };
}

/**
 * The compose oracle on both of lastlook's paths: the built-in loader plans first (plan only, no Compose on its
 * PATH), then the oracle plans through Compose, runs the real command and reads the engine back. `builtin`:
 * 'same' — the built-in loader must reach the same verdict; 'newest' — it must match only where the engine's
 * Compose is the newest (without Compose, lastlook plans what Compose 2.40 does); otherwise the key its exit-2
 * refusal must name.
 */
export async function composeOracle(
  engine: TestEngine,
  opts: OracleOptions,
  builtin: 'same' | 'newest' | string = 'same',
): Promise<OracleResult> {
  const b = await runLastlook(engine, ['plan', '--json', '--', ...opts.argv], {
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: { ...opts.env, ...pathEnv(engine, 'builtin') },
  });
  const run = await oracle(engine, { ...opts, env: { ...opts.env, ...pathEnv(engine, 'compose') } });
  if (builtin === 'same' || (builtin === 'newest' && engine.kind === 'current')) {
    expect(b.stderr).toBe('');
    expect(verdict(JSON.parse(b.stdout) as Plan)).toEqual(verdict(run.plan));
  } else if (builtin !== 'newest') {
    expect(b.code).toBe(2);
    expect(b.stdout).toBe('');
    expect(b.stderr).toContain(`${builtin}, which lastlook's own Compose loader cannot model`);
    expect(b.stderr).not.toMatch(/YAMLWarning|Unresolved tag/);
  }
  return run;
}
