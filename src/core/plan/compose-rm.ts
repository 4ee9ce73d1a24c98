/**
 * `docker compose rm [-s] [-v] [-f] [SERVICE...]` (Compose 2.26.1 and 2.40.3, pkg/compose/remove.go; the same in
 * both). Pure: the project was loaded by src/compose (file mode) or is taken from the engine's labels (`-p NAME`
 * without `-f`: label mode).
 *
 * What Compose does: with `-s` it first stops the project's containers (of the SERVICEs given, else of every
 * service of the project); then it lists the containers carrying the project label and a config hash that are not
 * one-offs (`compose run` containers stay), keeps those of the SERVICEs given, in file mode those of the project's
 * services (orphans and profile-disabled services stay), and removes the ones that are not running (inspect
 * `State.Running`: a paused container counts as running) with `RemoveVolumes` = `-v`, in parallel. No network,
 * no named volume, no image is touched.
 */
import type { ComposeProject } from '../compose-model.js';
import { COMPOSE_LABELS, type ContainerInfo, type Snapshot } from '../model.js';
import { volumesRemovedWithContainers } from './spec-source.js';
import { makePlan, type PlanExtra, plannedContainer } from './totals.js';
import type { PlanBody, PlannedContainer } from './types.js';

export interface ComposeRmArgs {
  readonly projectName: string | null;
  /** `-s`: stop the containers first, so that running ones are removed too. */
  readonly stop: boolean;
  /** `-v`: RemoveVolumes: the daemon removes each removed container's anonymous volumes. */
  readonly volumes: boolean;
  readonly services: readonly string[];
  readonly argv: readonly string[];
}

export interface ComposeRmExtra extends PlanExtra {
  readonly compose?: ComposeProject | null;
}

const L = COMPOSE_LABELS;

/** `State.Running` of inspect: true for running, paused and restarting containers. */
const running = (c: ContainerInfo) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting';

/** The containers Compose lists for the project (`getContainers(oneOffExclude)`), or why one of them stays. */
function selection(
  snapshot: Snapshot,
  cmd: ComposeRmArgs,
  project: ComposeProject,
): { members: ContainerInfo[]; keep: { c: ContainerInfo; reason: string }[]; name: string } {
  const name = project.mode === 'file' ? project.model.name : project.name;
  const known = project.mode === 'file' ? new Set(project.model.services.map((s) => s.name)) : null;
  const members: ContainerInfo[] = [];
  const keep: { c: ContainerInfo; reason: string }[] = [];
  for (const c of snapshot.containers) {
    if (c.labels[L.project] !== name || !(L.configHash in c.labels)) continue;
    const service = c.labels[L.service] ?? '';
    if (c.labels[L.oneoff] !== 'False') {
      keep.push({ c, reason: 'one-off container (compose run): compose rm never removes it' });
    } else if (cmd.services.length > 0 && !cmd.services.includes(service)) {
      keep.push({ c, reason: `service ${service} is not among the SERVICEs given` });
    } else if (known && !known.has(service)) {
      keep.push({
        c,
        reason: `service ${service} is not an active service of the project (orphan or disabled by a profile): compose rm leaves it`,
      });
    } else members.push(c);
  }
  return { members, keep, name };
}

export function planComposeRm(snapshot: Snapshot, cmd: ComposeRmArgs, extra: ComposeRmExtra = {}): PlanBody {
  const project: ComposeProject = extra.compose ?? {
    mode: 'labels',
    name: (cmd.projectName ?? '').toLowerCase(),
    why: '-p without -f',
  };
  const sel = selection(snapshot, cmd, project);
  const removed: ContainerInfo[] = [];
  const keep: PlannedContainer[] = sel.keep.map(({ c, reason }) => plannedContainer(c, reason, extra.sizes));
  for (const c of sel.members) {
    if (running(c) && !cmd.stop) {
      keep.push(
        plannedContainer(
          c,
          `${c.state}: compose rm removes stopped containers only (-s stops them first)`,
          extra.sizes,
        ),
      );
      continue;
    }
    removed.push(c);
  }
  const destroy = removed.map((c) =>
    plannedContainer(
      c,
      running(c)
        ? `${c.state}: stopped (-s), then removed${cmd.volumes ? ' with its anonymous volumes (-v)' : ''}`
        : `${c.state}: removed${cmd.volumes ? ' with its anonymous volumes (-v)' : ''}`,
      extra.sizes,
    ),
  );
  const fates = volumesRemovedWithContainers(
    snapshot,
    removed.map((c) => c.id),
    { v: cmd.volumes, ...(extra.sizes ? { volumeBytes: extra.sizes.volumes } : {}) },
  );
  const warnings = [...fates.warnings];
  if (project.mode === 'labels')
    warnings.push(`label mode: project ${sel.name} is read from the engine's labels (${project.why})`);
  if (removed.length === 0) warnings.push('No stopped containers: compose rm removes nothing');
  return makePlan(snapshot, cmd.argv, {
    destroy: { containers: destroy, volumes: fates.destroyed },
    orphan: { volumes: fates.orphaned },
    keep: { containers: keep, volumes: fates.kept },
    warnings,
  });
}
