/** Helpers for the `docker compose down` oracle scenarios (the comparison itself is ./oracle.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../../../src/core/plan/types.js';

export function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'llcomp-'));
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
