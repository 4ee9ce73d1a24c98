/**
 * Snapshots recorded from real private engines by scripts/record-snapshots.mjs (see
 * test/fixtures/snapshots/README.md), and helpers that find objects by the names the recording gave them. IDs and
 * anonymous volume names differ between recordings, so tests never copy them: they look them up here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerCommand } from '../../../src/core/command-line.js';
import type { ContainerInfo, Snapshot } from '../../../src/core/model.js';
import { planCommand } from '../../../src/core/plan/index.js';
import type { PlanSizes } from '../../../src/core/plan/totals.js';
import type { Plan } from '../../../src/core/plan/types.js';

export const ENGINES = ['26.1.5', '20.10.24'] as const;
export type EngineVersion = (typeof ENGINES)[number];

interface Fixture {
  readonly recorded: { readonly engine: string };
  readonly snapshot: Snapshot;
  readonly diskUsage: {
    readonly containers: Readonly<Record<string, number>>;
    readonly volumes: Readonly<Record<string, number>>;
  };
}

const cache = new Map<EngineVersion, Fixture>();

export function fixture(version: EngineVersion): Fixture {
  let f = cache.get(version);
  if (!f) {
    const file = join(import.meta.dirname, '../../fixtures/snapshots', `semantics-${version}.json`);
    f = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
    cache.set(version, f);
  }
  return f;
}

export function snapshot(version: EngineVersion): Snapshot {
  return fixture(version).snapshot;
}

export function container(s: Snapshot, name: string): ContainerInfo {
  const c = s.containers.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name} in the recording`);
  return c;
}

/** The volume a recorded container mounts at `destination` (anonymous volumes have random names). */
export function volumeAt(s: Snapshot, containerName: string, destination: string): string {
  const m = container(s, containerName).mounts.find((x) => x.destination === destination);
  if (!m?.name) throw new Error(`${containerName} has no volume at ${destination}`);
  return m.name;
}

/**
 * The two anonymous volumes left dangling by `docker rm` (no -v) at recording time: `g` came from `-v /g`, `g2`
 * from `--mount type=volume,dst=/g2`. On 26.1.5 only `g` carries the anonymous label; on 20.10.24 neither.
 */
export function danglingAnonymous(s: Snapshot): { labelled: string[]; unlabelled: string[] } {
  const used = new Set(s.containers.flatMap((c) => c.mounts.map((m) => m.name)));
  const hex = s.volumes.filter((v) => /^[0-9a-f]{64}$/.test(v.name) && !used.has(v.name));
  return {
    labelled: hex.filter((v) => 'com.docker.volume.anonymous' in v.labels).map((v) => v.name),
    unlabelled: hex.filter((v) => !('com.docker.volume.anonymous' in v.labels)).map((v) => v.name),
  };
}

/** PlanSizes built from the recorded `GET /system/df` (what measurePlan's bulk path reads). */
export function recordedSizes(version: EngineVersion): PlanSizes {
  const du = fixture(version).diskUsage;
  return {
    containers: Object.fromEntries(
      Object.entries(du.containers).map(([id, sizeRw]) => [id, { sizeRw, changes: null, logBytes: null }]),
    ),
    volumes: du.volumes,
  };
}

/** Plans a docker command line against a snapshot, as `lastlook plan` does after measuring. */
export function plan(s: Snapshot, argv: readonly string[], sizes?: PlanSizes): Plan {
  return planCommand(s, parseDockerCommand([...argv]), sizes ? { sizes } : {});
}

export const names = (xs: readonly { readonly name: string }[]): string[] => xs.map((x) => x.name).sort();
