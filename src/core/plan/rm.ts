/**
 * `docker rm [-f] [-v] [-l] CONTAINER...` (shared/docker-semantics.md §1, §6 rule 1). The docker CLI removes its
 * arguments in parallel and reports errors per container, so a refused container does not stop the others: the
 * whole command is `blocked` only when every container would be refused.
 */
import type { RmCommand } from '../command-line.js';
import type { ContainerInfo, Snapshot } from '../model.js';
import { LookupError, requireContainer } from './resolve.js';
import { volumesRemovedWithContainers } from './spec-source.js';
import { makePlan, type PlanExtra, plannedContainer } from './totals.js';
import type { PlanBody, PlannedContainer } from './types.js';

/** Why the engine refuses to remove `c` without force (409), or null. */
export function refusalWithoutForce(c: ContainerInfo): string | null {
  switch (c.state) {
    case 'running':
      return `${c.name} is running: the engine refuses to remove it without -f`;
    case 'paused':
      return `${c.name} is paused: the engine refuses to remove it without -f ("unpause it first")`;
    case 'restarting':
      return `${c.name} is restarting: the engine refuses to remove it without -f`;
    case 'removing':
      return `${c.name} is already being removed`;
    default:
      return null;
  }
}

export function planRm(snapshot: Snapshot, cmd: RmCommand, extra: PlanExtra = {}): PlanBody {
  if (cmd.link) {
    return makePlan(snapshot, cmd.argv, {
      warnings: ['-l/--link removes only the link name; no container, volume or data is removed'],
    });
  }
  const warnings: string[] = [...(cmd.notes ?? [])];
  // Arguments the docker CLI refuses itself (`/`): it removes the others and exits 1, even with -f.
  for (const r of cmd.rejected ?? []) {
    warnings.push(`"${r.typed}": the docker CLI refuses it (${r.reason}); it removes the others and exits non-zero`);
  }
  const targets: ContainerInfo[] = [];
  const seen = new Set<string>();
  for (const [i, ref] of cmd.containers.entries()) {
    let c: ContainerInfo;
    const typed = cmd.typed?.[i] ?? ref;
    try {
      c = requireContainer(snapshot.containers, ref, typed);
    } catch (e) {
      // docker rm -f ignores containers that do not exist (only those: an ambiguous prefix is still an error).
      if (cmd.force && e instanceof LookupError && e.kind === 'missing') {
        warnings.push(`no such container: ${typed === ref ? ref : `${ref} (typed "${typed}")`} (ignored with -f)`);
        continue;
      }
      throw e;
    }
    if (seen.has(c.id)) {
      warnings.push(`${c.name} is named twice: the second removal fails, which makes docker rm exit non-zero`);
      continue;
    }
    seen.add(c.id);
    targets.push(c);
  }
  const refused: PlannedContainer[] = [];
  const removed: ContainerInfo[] = [];
  for (const c of targets) {
    const why = cmd.force ? null : refusalWithoutForce(c);
    if (why) refused.push(plannedContainer(c, why, extra.sizes));
    else removed.push(c);
  }
  if (removed.length === 0 && refused.length === 0 && (cmd.rejected?.length ?? 0) > 0) {
    return makePlan(snapshot, cmd.argv, {
      blocked: { reason: (cmd.rejected ?? []).map((r) => `"${r.typed}": ${r.reason}`).join('; ') },
      warnings,
    });
  }
  if (removed.length === 0 && refused.length > 0) {
    return makePlan(snapshot, cmd.argv, {
      blocked: { reason: refused.map((r) => r.reason).join('; ') },
      keep: { containers: refused },
      warnings,
    });
  }
  if (refused.length > 0) {
    warnings.push(
      `${refused.map((r) => r.name).join(', ')} will not be removed (refused without -f); docker rm removes the others and exits non-zero`,
    );
  }
  const fates = volumesRemovedWithContainers(
    snapshot,
    removed.map((c) => c.id),
    { v: cmd.volumes, ...(extra.sizes ? { volumeBytes: extra.sizes.volumes } : {}) },
  );
  const how = cmd.force ? 'rm -f' : 'rm';
  return makePlan(snapshot, cmd.argv, {
    destroy: {
      containers: removed.map((c) =>
        plannedContainer(
          c,
          c.state === 'running' || c.state === 'paused' || c.state === 'restarting'
            ? `${c.state}: killed (SIGKILL) and removed by ${how}`
            : `removed by ${how} (writable layer and logs go with it)`,
          extra.sizes,
        ),
      ),
      volumes: fates.destroyed,
    },
    orphan: { volumes: fates.orphaned },
    keep: { containers: refused, volumes: fates.kept },
    warnings: [...warnings, ...fates.warnings],
  });
}
