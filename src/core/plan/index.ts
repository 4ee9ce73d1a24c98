/**
 * The planner: a pure function of one engine snapshot and a parsed docker command line. Each command family
 * (../families/) owns its planner; this entry finds it in the registry.
 */
import type { ParsedCommand } from '../command-line.js';
import { familyOf } from '../families/index.js';
import type { ContainerInfo, Snapshot } from '../model.js';
import { withContract } from './contract.js';
import { resolveContainer } from './resolve.js';
import type { PlanExtra } from './totals.js';
import type { Plan } from './types.js';

export { LookupError } from './resolve.js';
export type { ContainerMeasure, PlanExtra, PlanSizes } from './totals.js';

/**
 * Plans `parsed` against `snapshot`. Without `extra.sizes` every size is null; measure the objects of this first
 * plan (src/docker/snapshot.ts `measurePlan`) and plan again with them.
 * @throws LookupError when a named container or volume does not exist (exit 4) or an ID prefix is ambiguous (2).
 */
export function planCommand(snapshot: Snapshot, parsed: ParsedCommand, extra: PlanExtra = {}): Plan {
  return withContract(snapshot, parsed, familyOf(parsed).plan(snapshot, parsed, extra));
}

/**
 * The containers a command can touch and whose inspect (mount specs) the planner needs: the family says which
 * (the targets of `rm -v`, the project's containers for compose down -v) and, recursively, their
 * `--volumes-from` donors (`donorsOf` is called again with each inspected container). Prunes need none.
 */
export function containersToInspect(snapshot: Pick<Snapshot, 'containers'>, parsed: ParsedCommand): string[] {
  return familyOf(parsed).inspect?.(snapshot, parsed) ?? [];
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
