/**
 * Each mount's fate under the commands people run on a container — `docker rm`, `docker rm -v`,
 * `docker compose down -v` (for a compose container) and `docker volume prune` — read from the planner's Plans.
 * Shared by `lastlook mounts` and the explorer's mount table.
 */
import { PROJECT_LABEL } from './explorer-reducer.js';
import type { ContainerInfo, MountPoint } from './model.js';
import type { Plan } from './plan/types.js';

export type Fate = 'destroyed' | 'orphaned' | 'kept' | 'not-applicable' | 'unknown';
export type FateCommand = 'rm' | 'rm -v' | 'compose down -v' | 'volume prune';

export const FATE_COMMANDS: readonly FateCommand[] = ['rm', 'rm -v', 'compose down -v', 'volume prune'];

/** The docker command lines to plan for a container's fates (compose down only for a compose container). */
export function fateCommandLines(c: ContainerInfo): { readonly command: FateCommand; readonly argv: string[] }[] {
  const project = c.labels[PROJECT_LABEL];
  return [
    { command: 'rm', argv: ['docker', 'rm', c.id] },
    { command: 'rm -v', argv: ['docker', 'rm', '-v', c.id] },
    ...(project
      ? [{ command: 'compose down -v' as const, argv: ['docker', 'compose', '-p', project, 'down', '-v'] }]
      : []),
    { command: 'volume prune', argv: ['docker', 'volume', 'prune'] },
  ];
}

function volumeFate(plan: Plan | null | undefined, name: string): Fate {
  if (plan === undefined) return 'not-applicable';
  if (plan === null) return 'unknown';
  if (plan.blocked) return 'kept';
  if (plan.destroy.volumes.some((v) => v.name === name)) return 'destroyed';
  if (plan.orphan.volumes.some((v) => v.name === name)) return 'orphaned';
  return 'kept';
}

/**
 * Fates by mount destination. `plans` holds the Plan of each command that was planned (null when planning it
 * failed: unknown); a command absent from `plans` does not apply. Bind mounts are never touched (kept: the host
 * folder stays); a tmpfs holds nothing that persists (not-applicable).
 */
export function mountFates(
  mounts: readonly MountPoint[],
  plans: Partial<Record<FateCommand, Plan | null>>,
): Map<string, Record<FateCommand, Fate>> {
  const out = new Map<string, Record<FateCommand, Fate>>();
  for (const m of mounts) {
    const fates = {} as Record<FateCommand, Fate>;
    for (const cmd of FATE_COMMANDS) {
      const applies = cmd in plans;
      if (!applies) fates[cmd] = 'not-applicable';
      else if (m.type === 'volume' && m.name) fates[cmd] = volumeFate(plans[cmd], m.name);
      else fates[cmd] = m.type === 'bind' ? 'kept' : 'not-applicable';
    }
    out.set(m.destination, fates);
  }
  return out;
}
