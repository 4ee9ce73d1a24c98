/**
 * The planner: a pure function of one engine snapshot and a parsed docker command line. One module per command
 * family; compose down lives in ./compose.ts (its own owner).
 */
import type { ParsedCommand } from '../command-line.js';
import type { ContainerInfo, Snapshot } from '../model.js';
import { composeContainersToInspect, planComposeDown } from './compose.js';
import { withContract } from './contract.js';
import { planContainerPrune, planSystemPrune } from './prune.js';
import { resolveContainer } from './resolve.js';
import { planRm } from './rm.js';
import type { PlanExtra } from './totals.js';
import type { Plan, PlanBody } from './types.js';
import { planVolumePrune, planVolumeRm } from './volume.js';

export { LookupError } from './resolve.js';
export type { ContainerMeasure, PlanExtra, PlanSizes } from './totals.js';

/**
 * Plans `parsed` against `snapshot`. Without `extra.sizes` every size is null; measure the objects of this first
 * plan (src/docker/snapshot.ts `measurePlan`) and plan again with them.
 * @throws LookupError when a named container or volume does not exist (exit 4) or an ID prefix is ambiguous (2).
 */
export function planCommand(snapshot: Snapshot, parsed: ParsedCommand, extra: PlanExtra = {}): Plan {
  return withContract(snapshot, parsed, planBody(snapshot, parsed, extra));
}

function planBody(snapshot: Snapshot, parsed: ParsedCommand, extra: PlanExtra): PlanBody {
  switch (parsed.kind) {
    case 'rm':
      return planRm(snapshot, parsed, extra);
    case 'volume-rm':
      return planVolumeRm(snapshot, parsed, extra);
    case 'volume-prune':
      return planVolumePrune(snapshot, parsed, extra);
    case 'container-prune':
      return planContainerPrune(snapshot, parsed, extra);
    case 'system-prune':
      return planSystemPrune(snapshot, parsed, extra);
    case 'compose-down':
      return planComposeDown(snapshot, parsed, extra);
  }
}

/**
 * The containers a command can touch and whose inspect (mount specs) the planner needs: the targets of `rm` and,
 * recursively, their `--volumes-from` donors (`donorsOf` is called again with each inspected container). Prunes
 * remove without `v`, so they need none. Compose down passes its own list.
 */
export function containersToInspect(snapshot: Pick<Snapshot, 'containers'>, parsed: ParsedCommand): string[] {
  if (parsed.kind === 'compose-down') return composeContainersToInspect(snapshot, parsed);
  if (parsed.kind !== 'rm' || parsed.link || !parsed.volumes) return [];
  const ids: string[] = [];
  for (const ref of parsed.containers) {
    const r = resolveContainer(snapshot.containers, ref);
    if (r.kind === 'found' && !ids.includes(r.value.id)) ids.push(r.value.id);
  }
  return ids;
}

/** IDs of the `--volumes-from` donors of an inspected container that exist in the snapshot. */
export function donorsOf(snapshot: Pick<Snapshot, 'containers'>, c: ContainerInfo): string[] {
  const out: string[] = [];
  for (const from of c.spec?.volumesFrom ?? []) {
    const r = resolveContainer(snapshot.containers, from.replace(/:(ro|rw)$/, ''));
    if (r.kind === 'found') out.push(r.value.id);
  }
  return out;
}
