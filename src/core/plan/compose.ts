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
import type { PlanBody, PlannedImage, PlannedNetwork, PlannedUntag, PlannedVolume } from './types.js';

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

export interface Removal {
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

const isOneOff = (c: ContainerInfo) => c.labels[LABEL.oneoff] === 'True';

/** The project `down` acts on and the services it takes down: the selection step's result. */
export interface DownSelection {
  readonly kind: 'selection';
  /** The project name (file mode: the model's; label mode: `-p`, lower-cased). */
  readonly name: string;
  /** The loaded Compose model (file mode), or null (label mode). */
  readonly model: ComposeModel | null;
  /** Compose's version (null: not installed, lastlook plans what 2.40 does). */
  readonly version: string | null;
  /** Every container labelled for the project. */
  readonly projectContainers: readonly ContainerInfo[];
  readonly services: readonly DownService[];
  /** Services of the model or the labels, and the disabled ones of the model: what is not an orphan. */
  readonly known: ReadonlySet<string>;
  readonly serviceNames: ReadonlySet<string>;
  /** The services whose containers go: the selected ones and their dependents, or all. */
  readonly acting: ReadonlySet<string>;
  readonly warnings: readonly string[];
}

export type SelectionResult =
  | DownSelection
  /** Compose would fail: the plan is blocked. */
  | { readonly kind: 'blocked'; readonly reason: string; readonly warnings: readonly string[] }
  /** Compose does nothing (named services of no container, since 2.x). */
  | { readonly kind: 'noop'; readonly warnings: readonly string[] };

/** Label mode before optional depends_on: a dependency with no container left makes Compose fail. */
function missingDependency(services: readonly DownService[]): string | null {
  const serviceNames = new Set(services.map((s) => s.name));
  for (const s of services) {
    const missing = s.dependsOn.find((d) => !serviceNames.has(d));
    if (missing !== undefined) {
      return (
        `docker compose would fail with "could not find ${missing}: not found": in label mode service ` +
        `${s.name} depends on ${missing}, which has no container left`
      );
    }
  }
  return null;
}

/** The project, its services and the ones `down` acts on (Compose `projectFromName`, `WithRootNodesAndDown`). */
export function downSelection(snapshot: Snapshot, cmd: ComposeDownPlanArgs, ref: ComposeProject): SelectionResult {
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
  const projectContainers = snapshot.containers.filter((c) => c.labels[LABEL.project] === name);
  const members = projectContainers.filter(
    (c) => c.labels[LABEL.configHash] !== undefined && (cmd.removeOrphans || !isOneOff(c)),
  );
  const toDown = (s: ComposeService): DownService => ({ name: s.name, image: s.image, dependsOn: s.dependsOn });
  const services: DownService[] = model ? model.services.map(toDown) : servicesFromLabels(members);
  const known = new Set([...services.map((s) => s.name), ...(model?.disabledServices.map((s) => s.name) ?? [])]);
  const serviceNames = new Set(services.map((s) => s.name));
  if (!model && !since(COMPOSE_CHANGES.labelModeOptionalDeps)) {
    const reason = missingDependency(services);
    if (reason) return { kind: 'blocked', reason, warnings };
  }
  let selected = cmd.services.filter((s) => serviceNames.has(s) || (model !== null && known.has(s)));
  if (!model && cmd.services.length > 0) {
    const unknown = cmd.services.filter((s) => !serviceNames.has(s));
    if (unknown.length > 0 && selected.length === 0 && since(COMPOSE_CHANGES.unknownServicesNoop)) {
      // compose down.go: `Any of the services … not running in project`, and nothing is removed.
      warnings.push(
        `Any of the services [${unknown.join(' ')}] not running in project "${name}": Compose does nothing`,
      );
      return { kind: 'noop', warnings };
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
  const selection = { kind: 'selection' as const, name, model, version, projectContainers, services, known };
  return { ...selection, serviceNames, acting, warnings };
}

/** The containers step's result: what Compose removes (and how), what it keeps and why. */
export interface ContainerStepResult {
  readonly removals: readonly Removal[];
  readonly keep: readonly { readonly container: ContainerInfo; readonly reason: string }[];
  readonly warnings: readonly string[];
}

/** Why a project container that is not acted on stays (or goes, as an orphan under --remove-orphans). */
function notActing(sel: DownSelection, cmd: ComposeDownPlanArgs, c: ContainerInfo): Removal | { keep: string } {
  const svc = c.labels[LABEL.service] ?? '';
  // compose isOrphaned: before 2.29.0 a one-off is an orphan when its service is unknown, like any container;
  // since then a one-off is an orphan exactly when it has exited (or is dead), whatever its service.
  const oneOffRule = isOneOff(c) && composeAtLeast(sel.version, COMPOSE_CHANGES.oneOffOrphanByState);
  const orphan = oneOffRule ? c.state === 'exited' || c.state === 'dead' : !sel.known.has(svc);
  if (orphan && cmd.removeOrphans) {
    return {
      container: c,
      withVolumes: false,
      reason: isOneOff(c)
        ? `one-off container of service ${svc}, removed by --remove-orphans (without its volumes)`
        : `orphan: service ${svc} is not in the Compose model; --remove-orphans removes it without its volumes`,
    };
  }
  if (orphan) return { keep: `orphan: service ${svc} is not in the Compose model; only --remove-orphans removes it` };
  if (oneOffRule) {
    return {
      keep: `running one-off container of service ${svc}: Compose ${sel.version ?? '2.40'} removes one-offs only once exited`,
    };
  }
  return {
    keep: sel.model?.profileDisabled.includes(svc)
      ? `service ${svc} is disabled by its profile; down keeps it (even with --remove-orphans)`
      : `service ${svc} is not selected`,
  };
}

/** The containers `down` removes: the acting services' (with RemoveVolumes = -v), then orphans (without). */
export function downContainers(sel: DownSelection, cmd: ComposeDownPlanArgs): ContainerStepResult {
  const removals: Removal[] = [];
  const keep: { container: ContainerInfo; reason: string }[] = [];
  const orphansKept: ContainerInfo[] = [];
  for (const c of sel.projectContainers) {
    const svc = c.labels[LABEL.service] ?? '';
    if (c.labels[LABEL.configHash] === undefined) {
      keep.push({ container: c, reason: 'no com.docker.compose.config-hash label, so Compose v2 ignores it' });
    } else if (isOneOff(c) && !cmd.removeOrphans) {
      keep.push({ container: c, reason: 'one-off container (compose run); only --remove-orphans removes it' });
    } else if (sel.acting.has(svc)) {
      const what = isOneOff(c) ? `one-off container of service ${svc}` : `service ${svc}`;
      removals.push({
        container: c,
        withVolumes: cmd.volumes,
        reason: `${what} of project ${sel.name}: stopped, then removed${cmd.volumes ? ' with its anonymous volumes' : ''}`,
      });
    } else {
      const fate = notActing(sel, cmd, c);
      if ('container' in fate) removals.push(fate);
      else {
        keep.push({ container: c, reason: fate.keep });
        if (fate.keep.startsWith('orphan:')) orphansKept.push(c);
      }
    }
  }
  const warnings =
    orphansKept.length > 0
      ? [
          `Found orphan containers (${names(orphansKept)}) for this project. If you removed or renamed this service in ` +
            'your compose file, you can run this command with the --remove-orphans flag to clean it up.',
        ]
      : [];
  return { removals, keep, warnings };
}

/** A volume's fate in one step, before sizes: its info, whether anonymous, why. */
export interface VolumeFateEntry {
  readonly volume: VolumeInfo;
  readonly anonymous: boolean;
  readonly reason: string;
}

/** The volumes step's result. */
export interface VolumeStepResult {
  readonly destroy: readonly VolumeFateEntry[];
  readonly keep: readonly VolumeFateEntry[];
  readonly orphan: readonly VolumeFateEntry[];
  readonly warnings: readonly string[];
}

/** Who mounts each volume, and which of them survive `down`. */
interface VolumeRefs {
  readonly byName: ReadonlyMap<string, VolumeInfo>;
  readonly refs: ReadonlyMap<string, readonly ContainerInfo[]>;
  readonly removedIds: ReadonlySet<string>;
  readonly surviving: (volume: string) => ContainerInfo[];
}

function volumeRefs(snapshot: Snapshot, removals: readonly Removal[]): VolumeRefs {
  const refs = new Map<string, ContainerInfo[]>();
  for (const c of snapshot.containers) {
    for (const m of c.mounts) {
      if (m.type !== 'volume' || m.name === null) continue;
      const list = refs.get(m.name) ?? [];
      if (!list.includes(c)) list.push(c);
      refs.set(m.name, list);
    }
  }
  const removedIds = new Set(removals.map((r) => r.container.id));
  return {
    byName: new Map(snapshot.volumes.map((v) => [v.name, v])),
    refs,
    removedIds,
    surviving: (v) => (refs.get(v) ?? []).filter((c) => !removedIds.has(c.id)),
  };
}

/** How the removed containers mount one volume (rule 1: RemoveVolumes removes the anonymous ones). */
interface MountFate {
  anon: ContainerInfo[];
  named: ContainerInfo[];
  unknown: ContainerInfo[];
  withoutV: ContainerInfo[];
  inherited: boolean;
}

function mountFates(snapshot: Snapshot, removals: readonly Removal[]): Map<string, MountFate> {
  const fates = new Map<string, MountFate>();
  for (const r of removals) {
    for (const m of r.container.mounts) {
      if (m.type !== 'volume' || m.name === null) continue;
      const f = fates.get(m.name) ?? { anon: [], named: [], unknown: [], withoutV: [], inherited: false };
      fates.set(m.name, f);
      if (!r.withVolumes) {
        f.withoutV.push(r.container);
        continue;
      }
      const src = removalSource(snapshot, r.container, m.destination);
      if (src === null) f.unknown.push(r.container);
      else if (src === '') f.anon.push(r.container);
      else {
        f.named.push(r.container);
        if (HEX64.test(src)) f.inherited = true;
      }
    }
  }
  return fates;
}

/** Mutable collector of one volume step. */
interface VolumeAcc {
  readonly destroy: Map<string, VolumeFateEntry>;
  readonly keep: Map<string, VolumeFateEntry>;
  /** Why a volume the removed containers leave unused is orphaned (when more is known than "no user left"). */
  readonly orphanReason: Map<string, { anonymous: boolean; reason: string }>;
  readonly warnings: string[];
}

/** The anonymous volumes the engine removes with the removed containers (RemoveVolumes, per container). */
export function anonymousVolumes(
  snapshot: Snapshot,
  sel: Pick<DownSelection, 'acting'>,
  cmd: Pick<ComposeDownPlanArgs, 'volumes'>,
  removals: readonly Removal[],
  acc: VolumeAcc = newAcc(),
): VolumeAcc {
  const { byName, surviving } = volumeRefs(snapshot, removals);
  for (const [volName, f] of mountFates(snapshot, removals)) {
    const vol = byName.get(volName);
    if (!vol) continue;
    const still = surviving(volName);
    const removers = [...f.anon, ...f.unknown];
    if (still.length > 0) {
      if (removers.length > 0) {
        acc.keep.set(volName, { volume: vol, anonymous: true, reason: `anonymous, but still used by ${names(still)}` });
      }
      continue;
    }
    if (removers.length > 0) {
      const who = names(removers);
      if (f.named.length + f.withoutV.length > 0) {
        acc.warnings.push(
          `volume ${volName} is anonymous in ${who} but mounted by name in ${names([...f.named, ...f.withoutV])}: ` +
            'whether -v removes it depends on which container Compose removes last; shown as destroyed',
        );
      }
      if (f.unknown.length > 0) {
        acc.warnings.push(`the mount spec of ${names(f.unknown)} could not be read; assuming -v removes ${volName}`);
      }
      acc.destroy.set(volName, { volume: vol, anonymous: true, reason: `anonymous volume of ${who}; removed by -v` });
    } else if (f.inherited && f.named.length > 0) {
      acc.orphanReason.set(volName, { anonymous: false, reason: INHERITED_REASON });
    } else if (f.withoutV.length > 0 && cmd.volumes) {
      const byOrphans = f.withoutV.every((c) => !sel.acting.has(c.labels[LABEL.service] ?? '') || isOneOff(c));
      acc.orphanReason.set(volName, {
        anonymous: false,
        reason: byOrphans
          ? `its container ${names(f.withoutV)} is removed by --remove-orphans without RemoveVolumes, so -v leaves it`
          : `no container uses it after down`,
      });
    }
  }
  return acc;
}

function newAcc(): VolumeAcc {
  return { destroy: new Map(), keep: new Map(), orphanReason: new Map(), warnings: [] };
}

/** File mode, -v: the model's declared volumes, removed by name (force); external and unused ones stay. */
export function declaredVolumes(
  snapshot: Snapshot,
  sel: Pick<DownSelection, 'name'> & { readonly model: ComposeModel },
  removals: readonly Removal[],
  acc: VolumeAcc = newAcc(),
): VolumeAcc {
  const { byName, surviving } = volumeRefs(snapshot, removals);
  const { model, name } = sel;
  const keep = (vol: VolumeInfo, reason: string) => acc.keep.set(vol.name, { volume: vol, anonymous: false, reason });
  for (const r of model.volumes) {
    const vol = byName.get(r.name);
    if (r.external) {
      if (vol) keep(vol, 'external');
      continue;
    }
    if (!vol) {
      acc.warnings.push(`declared volume ${r.name} does not exist: down -v has nothing to remove there`);
      continue;
    }
    const still = surviving(r.name);
    if (still.length > 0) {
      keep(vol, `still in use by ${names(still)}`);
      continue;
    }
    if (vol.labels[LABEL.project] !== name) {
      acc.warnings.push(
        `declared volume ${r.name} was not created by Compose for this project; down -v removes it by name`,
      );
    }
    const reason = `declared by project ${name} (volumes.${r.key}); removed by -v`;
    acc.destroy.set(r.name, { volume: vol, anonymous: false, reason });
  }
  const declared = new Set([...model.volumes, ...model.unusedVolumes].map((r) => r.name));
  for (const r of model.unusedVolumes) {
    const vol = byName.get(r.name);
    if (vol && !acc.destroy.has(r.name)) {
      keep(vol, r.external ? 'external' : 'declared but not used by an enabled service; down -v keeps it');
    }
  }
  for (const vol of snapshot.volumes) {
    if (vol.labels[LABEL.project] === name && !declared.has(vol.name) && !acc.destroy.has(vol.name)) {
      keep(vol, `labelled for project ${name} but no longer declared; down -v in file mode keeps it`);
    }
  }
  return acc;
}

/**
 * Label mode, -v: every project-labelled volume, keyed by its compose volume label. Volumes sharing a key collapse
 * into one map entry, the last the engine lists; but the engine lists volumes in map order, which changes from call
 * to call, so which one Compose removes cannot be known. The plan shows the last by name (stable across snapshots,
 * so guard sees no drift) and says that the other may go instead.
 */
export function labelledVolumes(
  snapshot: Snapshot,
  sel: Pick<DownSelection, 'name'>,
  removals: readonly Removal[],
  acc: VolumeAcc = newAcc(),
): VolumeAcc {
  const { surviving } = volumeRefs(snapshot, removals);
  const { name } = sel;
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
      acc.warnings.push(
        `volumes ${vols.map((v) => v.name).join(', ')} share the Compose key "${key}": docker compose down -v ` +
          `removes only ONE of them, and which one depends on the engine's volume list order, which varies ` +
          `between calls; shown: ${chosen.name} destroyed (back up all of them)`,
      );
    }
    for (const other of vols.slice(0, -1)) {
      const reason = `shares the Compose key "${key}" with ${chosen.name}: Compose removes only one of them, not predictably which`;
      acc.keep.set(other.name, { volume: other, anonymous: false, reason });
    }
    const still = surviving(chosen.name);
    if (still.length > 0) {
      acc.keep.set(chosen.name, { volume: chosen, anonymous: false, reason: `still in use by ${names(still)}` });
    } else {
      const reason = `labelled for project ${name}; removed by -v (label mode removes every one)`;
      acc.destroy.set(chosen.name, { volume: chosen, anonymous: false, reason });
    }
  }
  return acc;
}

/** The volumes step: anonymous ones with their containers, named ones by name under -v, then the orphaned rest. */
export function downVolumes(
  snapshot: Snapshot,
  sel: DownSelection,
  cmd: ComposeDownPlanArgs,
  removals: readonly Removal[],
): VolumeStepResult {
  const acc = anonymousVolumes(snapshot, sel, cmd, removals);
  if (cmd.volumes && sel.model) declaredVolumes(snapshot, { name: sel.name, model: sel.model }, removals, acc);
  else if (cmd.volumes) labelledVolumes(snapshot, sel, removals, acc);
  // Every other volume whose last reference goes is orphaned.
  const { byName, refs, removedIds, surviving } = volumeRefs(snapshot, removals);
  const orphan: VolumeFateEntry[] = [];
  for (const [volName, list] of refs) {
    if (acc.destroy.has(volName)) continue;
    if (!list.some((c) => removedIds.has(c.id)) || surviving(volName).length > 0) continue;
    const vol = byName.get(volName);
    if (!vol) continue;
    acc.keep.delete(volName);
    const known = acc.orphanReason.get(volName);
    const reason =
      known?.reason ??
      (cmd.volumes
        ? 'mounted by name, so -v leaves it; no container uses it after down'
        : 'no container uses it after down (down without -v keeps volumes)');
    orphan.push({ volume: vol, anonymous: known?.anonymous ?? false, reason });
  }
  return { destroy: [...acc.destroy.values()], keep: [...acc.keep.values()], orphan, warnings: acc.warnings };
}

/** The networks step's result. */
export interface NetworkStepResult {
  readonly destroy: readonly PlannedNetwork[];
  readonly keep: readonly PlannedNetwork[];
  readonly warnings: readonly string[];
}

/** The project's networks: removed when no running container is left on them; external and unlabelled ones stay. */
export function downNetworks(snapshot: Snapshot, sel: DownSelection, removals: readonly Removal[]): NetworkStepResult {
  const { name, model } = sel;
  const removedIds = new Set(removals.map((r) => r.container.id));
  const survivors = snapshot.containers.filter((c) => !removedIds.has(c.id));
  const destroy: PlannedNetwork[] = [];
  const keep: PlannedNetwork[] = [];
  const warnings: string[] = [];
  const candidates: { key: string; name: string; external: boolean }[] = model
    ? model.networks.map((n) => ({ key: n.key, name: n.name, external: n.external }))
    : snapshot.networks
        .filter((n) => n.labels[LABEL.project] === name)
        .map((n) => ({ key: n.labels[LABEL.network] ?? '', name: n.name, external: false }));
  const seen = new Set<string>();
  for (const cand of candidates) {
    if (cand.external) {
      const n = snapshot.networks.find((x) => x.name === cand.name);
      if (n) keep.push({ id: n.id, name: n.name, reason: 'external' });
      continue;
    }
    const matches = snapshot.networks.filter(
      (n: NetworkInfo) =>
        n.labels[LABEL.project] === name && n.labels[LABEL.network] === cand.key && n.name === cand.name,
    );
    for (const n of matches) {
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      // A project's network is never predefined: its endpoints were read.
      const running = (n.endpoints ?? []).filter((id) => !removedIds.has(id));
      if (running.length > 0) {
        const users = snapshot.containers.filter((c) => running.includes(c.id));
        const reason = `still in use by ${users.length > 0 ? names(users) : running.join(', ')}`;
        keep.push({ id: n.id, name: n.name, reason });
        continue;
      }
      destroy.push({ id: n.id, name: n.name, reason: `network of project ${name} with no running container left` });
      for (const c of survivors.filter((c) => c.networks.includes(n.name) && !isRunningState(c))) {
        warnings.push(
          `${c.name} (${c.state}) is attached to network ${n.name}, which down removes: ${c.name} will no longer start`,
        );
      }
    }
  }
  for (const n of model ? snapshot.networks : []) {
    const declared = model?.networks.find((r) => r.name === n.name && !r.external);
    if (declared && !seen.has(n.id) && n.labels[LABEL.project] !== name) {
      keep.push({ id: n.id, name: n.name, reason: `not labelled for project ${name}, so Compose never removes it` });
    }
  }
  return { destroy, keep, warnings };
}

/** The image references `--rmi` removes: the services' images (all), the project's built ones (local and all). */
function rmiRefs(snapshot: Snapshot, sel: DownSelection, cmd: ComposeDownPlanArgs): Set<string> {
  const refs = new Set<string>();
  if (cmd.rmi === 'all') {
    for (const s of sel.services) if (s.image !== null) refs.add(familiarImageRef(s.image));
  }
  for (const img of snapshot.images) {
    if (img.labels[LABEL.project] !== sel.name || img.repoTags.length === 0) continue;
    if (cmd.removeOrphans || sel.serviceNames.has(img.labels[LABEL.service] ?? '')) {
      refs.add(familiarImageRef(img.repoTags[0] as string));
    }
  }
  for (const s of sel.services) {
    if (s.image === null) refs.add(familiarImageRef(`${sel.name}-${s.name}`));
  }
  return refs;
}

/** The images step (--rmi local|all): the project's image references, removed as Compose removes them. */
export function downImages(
  snapshot: Snapshot,
  sel: DownSelection,
  cmd: ComposeDownPlanArgs,
  removals: readonly Removal[],
): {
  readonly destroy: readonly PlannedImage[];
  readonly untag: readonly PlannedUntag[];
  readonly warnings: readonly string[];
} {
  if (cmd.rmi === null) return { destroy: [], untag: [], warnings: [] };
  const removedIds = new Set(removals.map((r) => r.container.id));
  const survivors = snapshot.containers.filter((c) => !removedIds.has(c.id));
  const refsToRemove = rmiRefs(snapshot, sel, cmd);
  // Compose sends `DELETE /images/{ref}?noprune=1` for each: replayed on every image (./image-removal.ts).
  const refs = snapshot.images.flatMap((img) => img.repoTags.filter((t) => refsToRemove.has(familiarImageRef(t))));
  const r = removeImageRefs(snapshot.images, survivors, refs, { prune: false });
  const reason = `--rmi ${cmd.rmi}: image of project ${sel.name}'s services`;
  const destroy = r.deleted.map((img) => ({ ...plannedImage(snapshot, img), reason }));
  const untag = r.untagged.map((u) => untagEntry(snapshot, survivors, u.image, u.refs, `--rmi ${cmd.rmi}`));
  const touched = new Set([...r.deleted, ...r.untagged.map((u) => u.image)].map((i) => i.id));
  const warnings: string[] = [];
  for (const img of snapshot.images) {
    const refused = img.repoTags.filter((t) => refs.includes(t));
    const users = survivors.filter((c) => c.imageId === img.id);
    if (refused.length === 0 || touched.has(img.id) || users.length === 0) continue;
    warnings.push(
      `image ${refused.join(', ')} is still used by ${names(users)}: Compose reports "Resource is still in use" and keeps it`,
    );
  }
  return { destroy, untag, warnings };
}

/**
 * Plans `docker compose down`: selection → containers → volumes → networks → images, in Compose's order.
 * `extra.compose` is the loaded project (file mode) or the label-mode name; absent means label mode with
 * `cmd.projectName`.
 */
export function planComposeDown(snapshot: Snapshot, cmd: ComposeDownPlanArgs, extra: ComposeExtra = {}): PlanBody {
  const command = normaliseCommand(cmd.argv);
  const sizes = extra.sizes;
  const ref: ComposeProject = extra.compose ?? {
    mode: 'labels',
    name: (cmd.projectName ?? '').toLowerCase(),
    why: '-p without -f: Compose ignores any compose file and finds the project by its labels',
  };
  const sel = downSelection(snapshot, cmd, ref);
  if (sel.kind === 'blocked')
    return makePlan(snapshot, command, { blocked: { reason: sel.reason }, warnings: [...sel.warnings] });
  if (sel.kind === 'noop') return makePlan(snapshot, command, { warnings: [...sel.warnings] });
  const containers = downContainers(sel, cmd);
  const volumes = downVolumes(snapshot, sel, cmd, containers.removals);
  const networks = downNetworks(snapshot, sel, containers.removals);
  const images = downImages(snapshot, sel, cmd, containers.removals);
  const planned = (v: VolumeFateEntry): PlannedVolume => ({
    name: v.volume.name,
    anonymous: v.anonymous,
    bytes: sizes?.volumes[v.volume.name] ?? v.volume.size ?? null,
    reason: v.reason,
    driver: v.volume.driver,
    labels: v.volume.labels,
  });
  const destroy = {
    containers: containers.removals.map((r) => plannedContainer(r.container, r.reason, sizes)),
    volumes: volumes.destroy.map(planned),
    networks: [...networks.destroy],
    images: [...images.destroy],
  };
  const warnings = [
    ...sel.warnings,
    ...containers.warnings,
    ...volumes.warnings,
    ...networks.warnings,
    ...images.warnings,
  ];
  const empty = destroy.containers.length + destroy.volumes.length + destroy.networks.length + destroy.images.length;
  if (empty === 0 && sel.model === null) warnings.push(`No resource found to remove for project "${sel.name}".`);
  return makePlan(snapshot, command, {
    destroy,
    orphan: { volumes: volumes.orphan.map(planned) },
    untag: [...images.untag],
    keep: {
      containers: containers.keep.map((k) => plannedContainer(k.container, k.reason, sizes)),
      volumes: volumes.keep.map(planned),
      networks: [...networks.keep],
    },
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
