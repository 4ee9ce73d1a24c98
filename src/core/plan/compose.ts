/**
 * `docker compose down [-v] [--remove-orphans] [--rmi local|all] [SERVICE...]`, Compose v2.26.1
 * (shared/docker-semantics.md §3.1 and §6 rule 4). Pure: the project was loaded by src/compose/load.ts (file mode)
 * or is rebuilt here from the engine's labels (label mode).
 *
 * What Compose does, in order: removes the containers of the acting services (stop, then rm -f, with
 * RemoveVolumes = -v), then the orphans if --remove-orphans (RemoveVolumes=false even under -v), then the project
 * networks that have no running endpoint left, then images (--rmi), then volumes (-v) by name with force.
 */
import {
  COMPOSE_CHANGES,
  type ComposeModel,
  type ComposeProject,
  type ComposeService,
  composeAtLeast,
} from '../compose-model.js';
import { COMPOSE_LABELS, type ContainerInfo, type NetworkInfo, type Snapshot, type VolumeInfo } from '../model.js';
import { plannedImage, removeImageRefs, untagEntry } from './image-removal.js';
import { removalSource } from './spec-source.js';
import { makePlan, type PlanExtra, plannedContainer } from './totals.js';
import type { PlanBody, PlannedContainer, PlannedImage, PlannedNetwork, PlannedUntag, PlannedVolume } from './types.js';

/** The command fields the planner reads (core/command-line.ts `ComposeDownCommand` has this shape). */
export interface ComposeDownPlanArgs {
  readonly projectName: string | null;
  readonly volumes: boolean;
  readonly removeOrphans: boolean;
  readonly rmi: 'local' | 'all' | null;
  readonly services: readonly string[];
  readonly argv: readonly string[];
}

export const LABEL = COMPOSE_LABELS;

export const INHERITED_REASON = 'inherited by name at a recreate, so -v leaves it';

const HEX64 = /^[0-9a-f]{64}$/;

/** A service of the project as `down` sees it: from the file, or rebuilt from container labels. */
interface DownService {
  readonly name: string;
  readonly image: string | null;
  readonly dependsOn: readonly string[];
}

function isRunningState(c: ContainerInfo): boolean {
  return c.state === 'running' || c.state === 'paused' || c.state === 'restarting';
}

/** What the compose planner needs besides the snapshot: the measured sizes and the loaded project. */
export interface ComposeExtra extends PlanExtra {
  /** The project (file mode) or label-mode name from src/compose/load.ts; absent: label mode with `-p`. */
  readonly compose?: ComposeProject | null;
}

function names(cs: readonly ContainerInfo[]): string {
  return cs
    .map((c) => c.name)
    .sort()
    .join(', ');
}

/** Normalises an image reference the way the docker CLI shows tags: familiar name, `:latest` when untagged. */
export function familiarImageRef(ref: string): string {
  let r = ref.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
  const lastSlash = r.lastIndexOf('/');
  if (!r.includes('@') && !r.slice(lastSlash + 1).includes(':')) r = `${r}:latest`;
  return r;
}

/** Services and their dependencies rebuilt from container labels (compose `projectFromName`). */
function servicesFromLabels(members: readonly ContainerInfo[]): DownService[] {
  const byName = new Map<string, DownService>();
  for (const c of members) {
    if (c.labels[LABEL.oneoff] === 'True') continue;
    const name = c.labels[LABEL.service] ?? '';
    if (byName.has(name)) continue;
    const deps = (c.labels[LABEL.dependsOn] ?? '')
      .split(',')
      .map((d) => d.split(':')[0] ?? '')
      .filter((d) => d !== '');
    byName.set(name, { name, image: c.image || null, dependsOn: deps });
  }
  return [...byName.values()];
}

/** `selected` plus every service that (transitively) depends on one of them (compose `WithRootNodesAndDown`). */
function withDependents(selected: readonly string[], services: readonly DownService[]): Set<string> {
  const out = new Set(selected);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of services) {
      if (!out.has(s.name) && s.dependsOn.some((d) => out.has(d))) {
        out.add(s.name);
        grew = true;
      }
    }
  }
  return out;
}

interface Removal {
  readonly container: ContainerInfo;
  /** RemoveVolumes of the engine call. */
  readonly withVolumes: boolean;
  readonly reason: string;
}

function normaliseCommand(argv: readonly string[]): readonly string[] {
  if (argv[0] === 'docker' || argv[0] === 'docker-compose') return argv;
  if (argv[0] === 'compose') return ['docker', ...argv];
  return argv;
}

/**
 * Plans `docker compose down`. `project` is the loaded project (file mode) or the label-mode name; null means
 * label mode with `cmd.projectName`.
 */
export function planComposeDown(snapshot: Snapshot, cmd: ComposeDownPlanArgs, extra: ComposeExtra = {}): PlanBody {
  const command = normaliseCommand(cmd.argv);
  const sizes = extra.sizes;
  const plannedVolume = (v: VolumeInfo, anonymous: boolean, reason: string): PlannedVolume => ({
    name: v.name,
    anonymous,
    bytes: sizes?.volumes[v.name] ?? v.size ?? null,
    reason,
    driver: v.driver,
    labels: v.labels,
  });
  const kept = (c: ContainerInfo, reason: string): PlannedContainer => plannedContainer(c, reason, sizes);
  const ref: ComposeProject = extra.compose ?? {
    mode: 'labels',
    name: (cmd.projectName ?? '').toLowerCase(),
    why: '-p without -f: Compose ignores any compose file and finds the project by its labels',
  };
  const model: ComposeModel | null = ref.mode === 'file' ? ref.model : null;
  const name = ref.mode === 'file' ? ref.model.name : ref.name;
  const version = ref.mode === 'file' ? ref.model.composeVersion : (ref.composeVersion ?? null);
  const since = (v: string) => composeAtLeast(version, v);
  const warnings: string[] = [];
  if (ref.mode === 'labels') warnings.push(`label mode: ${ref.why}`);
  if (ref.mode === 'labels' && ref.note) warnings.push(ref.note);
  if (version === null) {
    warnings.push('Compose is not installed here: lastlook read the project itself and plans what Compose 2.40 does');
  }

  const all = snapshot.containers;
  const projectContainers = all.filter((c) => c.labels[LABEL.project] === name);
  const isOneOff = (c: ContainerInfo) => c.labels[LABEL.oneoff] === 'True';
  const members = projectContainers.filter(
    (c) => c.labels[LABEL.configHash] !== undefined && (cmd.removeOrphans || !isOneOff(c)),
  );

  // ---- the services Compose acts on, and the ones it knows
  const toDown = (s: ComposeService): DownService => ({ name: s.name, image: s.image, dependsOn: s.dependsOn });
  const services: DownService[] = model ? model.services.map(toDown) : servicesFromLabels(members);
  const known = new Set([...services.map((s) => s.name), ...(model?.disabledServices.map((s) => s.name) ?? [])]);
  const serviceNames = new Set(services.map((s) => s.name));

  if (!model && !since(COMPOSE_CHANGES.labelModeOptionalDeps)) {
    for (const s of services) {
      const missing = s.dependsOn.find((d) => !serviceNames.has(d));
      if (missing !== undefined) {
        return makePlan(snapshot, command, {
          blocked: {
            reason:
              `docker compose would fail with "could not find ${missing}: not found": in label mode service ` +
              `${s.name} depends on ${missing}, which has no container left`,
          },
          warnings,
        });
      }
    }
  }
  let selected = cmd.services.filter((s) => serviceNames.has(s) || (model !== null && known.has(s)));
  if (!model && cmd.services.length > 0) {
    const unknown = cmd.services.filter((s) => !serviceNames.has(s));
    if (unknown.length > 0 && selected.length === 0 && since(COMPOSE_CHANGES.unknownServicesNoop)) {
      // compose down.go: `Any of the services … not running in project`, and nothing is removed.
      warnings.push(
        `Any of the services [${unknown.join(' ')}] not running in project "${name}": Compose does nothing`,
      );
      return makePlan(snapshot, command, { warnings });
    }
    if (unknown.length > 0 && selected.length === 0) {
      warnings.push(
        `no container of ${unknown.join(', ')} exists in project ${name}; without a Compose file, Compose then takes ` +
          'down the WHOLE project',
      );
    } else if (unknown.length > 0) {
      warnings.push(`no container of ${unknown.join(', ')} exists in project ${name}; Compose ignores the name`);
    }
  }
  selected = selected.filter((s) => serviceNames.has(s));
  const acting = selected.length > 0 ? withDependents(selected, services) : serviceNames;

  // ---- containers
  const removals: Removal[] = [];
  const keepContainers: PlannedContainer[] = [];
  const orphansKept: ContainerInfo[] = [];
  for (const c of projectContainers) {
    const svc = c.labels[LABEL.service] ?? '';
    if (c.labels[LABEL.configHash] === undefined) {
      keepContainers.push(kept(c, 'no com.docker.compose.config-hash label, so Compose v2 ignores it'));
      continue;
    }
    if (isOneOff(c) && !cmd.removeOrphans) {
      keepContainers.push(kept(c, 'one-off container (compose run); only --remove-orphans removes it'));
      continue;
    }
    if (acting.has(svc)) {
      const what = isOneOff(c) ? `one-off container of service ${svc}` : `service ${svc}`;
      removals.push({
        container: c,
        withVolumes: cmd.volumes,
        reason: `${what} of project ${name}: stopped, then removed${cmd.volumes ? ' with its anonymous volumes' : ''}`,
      });
      continue;
    }
    // compose isOrphaned: before 2.29.0 a one-off is an orphan when its service is unknown, like any container;
    // since then a one-off is an orphan exactly when it has exited (or is dead), whatever its service.
    const oneOffRule = isOneOff(c) && since(COMPOSE_CHANGES.oneOffOrphanByState);
    const orphan = oneOffRule ? c.state === 'exited' || c.state === 'dead' : !known.has(svc);
    if (orphan && cmd.removeOrphans) {
      removals.push({
        container: c,
        withVolumes: false,
        reason: isOneOff(c)
          ? `one-off container of service ${svc}, removed by --remove-orphans (without its volumes)`
          : `orphan: service ${svc} is not in the Compose model; --remove-orphans removes it without its volumes`,
      });
    } else if (orphan) {
      orphansKept.push(c);
      keepContainers.push(
        kept(c, `orphan: service ${svc} is not in the Compose model; only --remove-orphans removes it`),
      );
    } else if (oneOffRule) {
      keepContainers.push(
        kept(
          c,
          `running one-off container of service ${svc}: Compose ${version ?? '2.40'} removes one-offs only once exited`,
        ),
      );
    } else {
      keepContainers.push(
        kept(
          c,
          model?.profileDisabled.includes(svc)
            ? `service ${svc} is disabled by its profile; down keeps it (even with --remove-orphans)`
            : `service ${svc} is not selected`,
        ),
      );
    }
  }
  if (orphansKept.length > 0) {
    warnings.push(
      `Found orphan containers (${names(orphansKept)}) for this project. If you removed or renamed this service in ` +
        'your compose file, you can run this command with the --remove-orphans flag to clean it up.',
    );
  }
  const removedIds = new Set(removals.map((r) => r.container.id));
  const survivors = all.filter((c) => !removedIds.has(c.id));

  // ---- volumes
  const volumeByName = new Map(snapshot.volumes.map((v) => [v.name, v]));
  const refs = new Map<string, ContainerInfo[]>();
  for (const c of all) {
    for (const m of c.mounts) {
      if (m.type !== 'volume' || m.name === null) continue;
      const list = refs.get(m.name) ?? [];
      if (!list.includes(c)) list.push(c);
      refs.set(m.name, list);
    }
  }
  const survivingRefs = (v: string) => (refs.get(v) ?? []).filter((c) => !removedIds.has(c.id));

  const destroyVolumes = new Map<string, PlannedVolume>();
  const keepVolumes = new Map<string, PlannedVolume>();
  const orphanReason = new Map<string, { anonymous: boolean; reason: string }>();

  // Anonymous volumes the daemon removes with RemoveVolumes (rule 1, applied per removed container).
  interface VolumeFate {
    anon: ContainerInfo[];
    named: ContainerInfo[];
    unknown: ContainerInfo[];
    withoutV: ContainerInfo[];
    inherited: boolean;
  }
  const fates = new Map<string, VolumeFate>();
  for (const r of removals) {
    for (const m of r.container.mounts) {
      if (m.type !== 'volume' || m.name === null) continue;
      const f = fates.get(m.name) ?? { anon: [], named: [], unknown: [], withoutV: [], inherited: false };
      fates.set(m.name, f);
      if (!r.withVolumes) {
        f.withoutV.push(r.container);
        continue;
      }
      const src = removalSource({ ...snapshot, containers: all }, r.container, m.destination);
      if (src === null) f.unknown.push(r.container);
      else if (src === '') f.anon.push(r.container);
      else {
        f.named.push(r.container);
        if (HEX64.test(src)) f.inherited = true;
      }
    }
  }
  for (const [volName, f] of fates) {
    const vol = volumeByName.get(volName);
    if (!vol) continue;
    const still = survivingRefs(volName);
    if (still.length > 0) {
      if (f.anon.length + f.unknown.length > 0) {
        keepVolumes.set(volName, plannedVolume(vol, true, `anonymous, but still used by ${names(still)}`));
      }
      continue;
    }
    const removers = f.anon.length + f.unknown.length;
    if (removers > 0) {
      const who = names([...f.anon, ...f.unknown]);
      if (f.named.length + f.withoutV.length > 0) {
        warnings.push(
          `volume ${volName} is anonymous in ${who} but mounted by name in ${names([...f.named, ...f.withoutV])}: ` +
            'whether -v removes it depends on which container Compose removes last; shown as destroyed',
        );
      }
      if (f.unknown.length > 0) {
        warnings.push(`the mount spec of ${names(f.unknown)} could not be read; assuming -v removes ${volName}`);
      }
      destroyVolumes.set(volName, plannedVolume(vol, true, `anonymous volume of ${who}; removed by -v`));
    } else if (f.inherited && f.named.length > 0) {
      orphanReason.set(volName, { anonymous: false, reason: INHERITED_REASON });
    } else if (f.withoutV.length > 0 && cmd.volumes) {
      const isOrphanRemoval = f.withoutV.every((c) => !acting.has(c.labels[LABEL.service] ?? '') || isOneOff(c));
      orphanReason.set(volName, {
        anonymous: false,
        reason: isOrphanRemoval
          ? `its container ${names(f.withoutV)} is removed by --remove-orphans without RemoveVolumes, so -v leaves it`
          : `no container uses it after down`,
      });
    }
  }

  // Named volumes, removed by name (force) under -v.
  if (cmd.volumes) {
    if (model) {
      for (const r of model.volumes) {
        const vol = volumeByName.get(r.name);
        if (r.external) {
          if (vol) keepVolumes.set(r.name, plannedVolume(vol, false, 'external'));
          continue;
        }
        if (!vol) {
          warnings.push(`declared volume ${r.name} does not exist: down -v has nothing to remove there`);
          continue;
        }
        const still = survivingRefs(r.name);
        if (still.length > 0) {
          keepVolumes.set(r.name, plannedVolume(vol, false, `still in use by ${names(still)}`));
          continue;
        }
        if (vol.labels[LABEL.project] !== name) {
          warnings.push(
            `declared volume ${r.name} was not created by Compose for this project; down -v removes it by name`,
          );
        }
        destroyVolumes.set(
          r.name,
          plannedVolume(vol, false, `declared by project ${name} (volumes.${r.key}); removed by -v`),
        );
      }
      const declared = new Set([...model.volumes, ...model.unusedVolumes].map((r) => r.name));
      for (const r of model.unusedVolumes) {
        const vol = volumeByName.get(r.name);
        if (vol && !destroyVolumes.has(r.name)) {
          keepVolumes.set(
            r.name,
            plannedVolume(
              vol,
              false,
              r.external ? 'external' : 'declared but not used by an enabled service; down -v keeps it',
            ),
          );
        }
      }
      for (const vol of snapshot.volumes) {
        if (vol.labels[LABEL.project] === name && !declared.has(vol.name) && !destroyVolumes.has(vol.name)) {
          keepVolumes.set(
            vol.name,
            plannedVolume(
              vol,
              false,
              `labelled for project ${name} but no longer declared; down -v in file mode keeps it`,
            ),
          );
        }
      }
    } else {
      // Label mode: every project-labelled volume, keyed by its compose volume label. Volumes sharing a key
      // collapse into one map entry, the last the engine lists; but the engine lists volumes in map order, which
      // changes from call to call, so which one Compose removes cannot be known. The plan shows the last by name
      // (stable across snapshots, so guard sees no drift) and says that the other may go instead.
      const byKey = new Map<string, VolumeInfo[]>();
      for (const vol of snapshot.volumes) {
        if (vol.labels[LABEL.project] !== name) continue;
        const key = vol.labels[LABEL.volume] ?? '';
        byKey.set(key, [...(byKey.get(key) ?? []), vol]);
      }
      for (const [key, unordered] of byKey) {
        const vols = [...unordered].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const chosen = vols[vols.length - 1] as VolumeInfo;
        if (vols.length > 1) {
          warnings.push(
            `volumes ${vols.map((v) => v.name).join(', ')} share the Compose key "${key}": docker compose down -v ` +
              `removes only ONE of them, and which one depends on the engine's volume list order, which varies ` +
              `between calls; shown: ${chosen.name} destroyed (back up all of them)`,
          );
        }
        for (const other of vols.slice(0, -1)) {
          keepVolumes.set(
            other.name,
            plannedVolume(
              other,
              false,
              `shares the Compose key "${key}" with ${chosen.name}: Compose removes only one of them, not predictably which`,
            ),
          );
        }
        const still = survivingRefs(chosen.name);
        if (still.length > 0) {
          keepVolumes.set(chosen.name, plannedVolume(chosen, false, `still in use by ${names(still)}`));
        } else {
          destroyVolumes.set(
            chosen.name,
            plannedVolume(chosen, false, `labelled for project ${name}; removed by -v (label mode removes every one)`),
          );
        }
      }
    }
  }

  // Every other volume whose last reference goes is orphaned.
  const orphanVolumes: PlannedVolume[] = [];
  for (const [volName, list] of refs) {
    if (destroyVolumes.has(volName)) continue;
    if (!list.some((c) => removedIds.has(c.id)) || survivingRefs(volName).length > 0) continue;
    const vol = volumeByName.get(volName);
    if (!vol) continue;
    keepVolumes.delete(volName);
    const known = orphanReason.get(volName);
    const reason =
      known?.reason ??
      (cmd.volumes
        ? 'mounted by name, so -v leaves it; no container uses it after down'
        : 'no container uses it after down (down without -v keeps volumes)');
    orphanVolumes.push(plannedVolume(vol, known?.anonymous ?? false, reason));
  }

  // ---- networks
  const destroyNetworks: PlannedNetwork[] = [];
  const keepNetworks: PlannedNetwork[] = [];
  const candidates: { key: string; name: string; external: boolean }[] = model
    ? model.networks.map((n) => ({ key: n.key, name: n.name, external: n.external }))
    : snapshot.networks
        .filter((n) => n.labels[LABEL.project] === name)
        .map((n) => ({ key: n.labels[LABEL.network] ?? '', name: n.name, external: false }));
  const seen = new Set<string>();
  for (const cand of candidates) {
    if (cand.external) {
      const n = snapshot.networks.find((x) => x.name === cand.name);
      if (n) keepNetworks.push({ id: n.id, name: n.name, reason: 'external' });
      continue;
    }
    const matches = snapshot.networks.filter(
      (n: NetworkInfo) =>
        n.labels[LABEL.project] === name && n.labels[LABEL.network] === cand.key && n.name === cand.name,
    );
    for (const n of matches) {
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      const running = n.endpoints.filter((id) => !removedIds.has(id));
      if (running.length > 0) {
        const users = all.filter((c) => running.includes(c.id));
        keepNetworks.push({
          id: n.id,
          name: n.name,
          reason: `still in use by ${users.length > 0 ? names(users) : running.join(', ')}`,
        });
        continue;
      }
      destroyNetworks.push({
        id: n.id,
        name: n.name,
        reason: `network of project ${name} with no running container left`,
      });
      const stranded = survivors.filter((c) => c.networks.includes(n.name) && !isRunningState(c));
      for (const c of stranded) {
        warnings.push(
          `${c.name} (${c.state}) is attached to network ${n.name}, which down removes: ${c.name} will no longer start`,
        );
      }
    }
  }
  if (model) {
    for (const n of snapshot.networks) {
      const declared = model.networks.find((r) => r.name === n.name && !r.external);
      if (declared && !seen.has(n.id) && n.labels[LABEL.project] !== name) {
        keepNetworks.push({
          id: n.id,
          name: n.name,
          reason: `not labelled for project ${name}, so Compose never removes it`,
        });
      }
    }
  }

  // ---- images (--rmi)
  const destroyImages: PlannedImage[] = [];
  const untagImages: PlannedUntag[] = [];
  if (cmd.rmi !== null) {
    const refsToRemove = new Set<string>();
    if (cmd.rmi === 'all') {
      for (const s of services) if (s.image !== null) refsToRemove.add(familiarImageRef(s.image));
    }
    for (const img of snapshot.images) {
      if (img.labels[LABEL.project] !== name || img.repoTags.length === 0) continue;
      if (cmd.removeOrphans || serviceNames.has(img.labels[LABEL.service] ?? '')) {
        refsToRemove.add(familiarImageRef(img.repoTags[0] as string));
      }
    }
    for (const s of services) {
      if (s.image === null) refsToRemove.add(familiarImageRef(`${name}-${s.name}`));
    }
    // Compose sends `DELETE /images/{ref}?noprune=1` for each: replayed on every image (./image-removal.ts).
    const refs = snapshot.images.flatMap((img) => img.repoTags.filter((t) => refsToRemove.has(familiarImageRef(t))));
    const r = removeImageRefs(snapshot.images, survivors, refs, { prune: false });
    for (const img of r.deleted) {
      destroyImages.push({
        ...plannedImage(snapshot, img),
        reason: `--rmi ${cmd.rmi}: image of project ${name}'s services`,
      });
    }
    for (const u of r.untagged) untagImages.push(untagEntry(snapshot, survivors, u.image, u.refs, `--rmi ${cmd.rmi}`));
    const touched = new Set([...r.deleted, ...r.untagged.map((u) => u.image)].map((i) => i.id));
    for (const img of snapshot.images) {
      const refused = img.repoTags.filter((t) => refs.includes(t));
      const users = survivors.filter((c) => c.imageId === img.id);
      if (refused.length === 0 || touched.has(img.id) || users.length === 0) continue;
      warnings.push(
        `image ${refused.join(', ')} is still used by ${names(users)}: Compose reports "Resource is still in use" and keeps it`,
      );
    }
  }

  const destroy = {
    containers: removals.map((r) => plannedContainer(r.container, r.reason, sizes)),
    volumes: [...destroyVolumes.values()],
    networks: destroyNetworks,
    images: destroyImages,
  };
  if (
    destroy.containers.length + destroy.volumes.length + destroy.networks.length + destroy.images.length === 0 &&
    model === null
  ) {
    warnings.push(`No resource found to remove for project "${name}".`);
  }
  return makePlan(snapshot, command, {
    destroy,
    orphan: { volumes: orphanVolumes },
    untag: untagImages,
    keep: { containers: keepContainers, volumes: [...keepVolumes.values()], networks: keepNetworks },
    warnings,
  });
}

/**
 * The containers whose inspect (mount specs) `down` needs: under -v, the compose containers that mount a volume
 * (of the `-p` project in label mode, of every project otherwise, since the file-mode name is known only after
 * loading). Their --volumes-from donors are added by the snapshot reader.
 */
export function composeContainersToInspect(
  snapshot: Pick<Snapshot, 'containers'>,
  cmd: Pick<ComposeDownPlanArgs, 'projectName' | 'volumes'> & { readonly files: readonly string[] },
): string[] {
  if (!cmd.volumes) return [];
  const only = cmd.files.length === 0 && cmd.projectName !== null ? cmd.projectName.toLowerCase() : null;
  return snapshot.containers
    .filter((c) => {
      const project = c.labels[LABEL.project];
      return project !== undefined && (only === null || project === only) && c.mounts.some((m) => m.type === 'volume');
    })
    .map((c) => c.id);
}
