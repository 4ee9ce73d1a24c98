/**
 * The Compose model, as Compose v2.26.1 (compose-go v2.0.2) sees it at `docker compose down`: the merged and
 * interpolated files, filtered to the enabled profiles, reduced by `WithoutUnnecessaryResources`, then by the
 * selected services. Pure: the files are read by src/compose/load.ts. Only the keys `down` needs are modelled:
 * services (profiles, image/build, volumes, networks, network_mode, volumes_from, depends_on) and the top-level
 * volumes and networks (name, external). See shared/docker-semantics.md §3.1.
 */

/** A service mount after the short/long syntax is resolved. */
export interface ComposeMount {
  readonly type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** Top-level volume key (type volume) or host path (bind); null for an anonymous volume (`- /scratch`). */
  readonly source: string | null;
  readonly target: string;
}

export interface ComposeService {
  readonly name: string;
  readonly profiles: readonly string[];
  /** `image:`; null when the service only has `build:` (Compose then names the image `<project>-<service>`). */
  readonly image: string | null;
  readonly hasBuild: boolean;
  readonly volumes: readonly ComposeMount[];
  /** Network keys the service joins (`default` when it names none and has no network_mode). */
  readonly networks: readonly string[];
  readonly networkMode: string | null;
  readonly volumesFrom: readonly string[];
  readonly dependsOn: readonly string[];
}

/** A top-level volume or network, with the engine name Compose gives it. */
export interface ComposeResource {
  readonly key: string;
  readonly name: string;
  readonly external: boolean;
}

export interface ComposeModel {
  /** Normalised project name. */
  readonly name: string;
  readonly workingDir: string;
  /** Absolute paths of the files that were merged, in order. */
  readonly files: readonly string[];
  /** Services that `down` acts on: enabled by profile (or named), reduced to the selection and its dependencies. */
  readonly services: readonly ComposeService[];
  /** Services Compose knows but does not act on (profile-disabled, or not selected); their containers are not orphans. */
  readonly disabledServices: readonly ComposeService[];
  /** Names of the services disabled by their profiles (a subset of disabledServices). */
  readonly profileDisabled: readonly string[];
  /** Top-level volumes referenced by an enabled service (`WithoutUnnecessaryResources`). */
  readonly volumes: readonly ComposeResource[];
  /** Networks referenced by an enabled service, including the implicit `default`. */
  readonly networks: readonly ComposeResource[];
  /** Declared top-level volumes dropped because no enabled service uses them (kept by `down -v`). */
  readonly unusedVolumes: readonly ComposeResource[];
  /**
   * Who read the files: `compose` — Compose itself (`docker compose … config --format json`), so merge keys,
   * include, extends, resets, interpolation and profiles are Compose's own; `builtin` — lastlook's loader (no
   * Compose installed), which refuses what it cannot model.
   */
  readonly source: 'compose' | 'builtin';
  /** The Compose version that will run the command (`2.40.3`), or null when no Compose is installed. */
  readonly composeVersion: string | null;
}

/**
 * The fields of the parsed `docker compose … down …` command line that loading and planning read. The
 * parser's `ComposeDownCommand` (core/command-line.ts) has this shape.
 */
export interface ComposeDownArgs {
  readonly tool: 'docker compose' | 'docker-compose';
  readonly projectName: string | null;
  readonly files: readonly string[];
  readonly projectDirectory: string | null;
  readonly profiles: readonly string[];
  readonly envFiles: readonly string[];
  readonly volumes: boolean;
  readonly removeOrphans: boolean;
  readonly rmi: 'local' | 'all' | null;
  readonly services: readonly string[];
  readonly argv: readonly string[];
}

/**
 * How `down` identifies the project. `file`: the model was loaded from files. `labels`: the project is rebuilt
 * from the engine by its labels (`-p` without `-f`, or loading failed and COMPOSE_PROJECT_NAME is set); `why`
 * says which.
 */
export type ComposeProject =
  | { readonly mode: 'file'; readonly model: ComposeModel }
  | {
      readonly mode: 'labels';
      readonly name: string;
      readonly why: string;
      /** The installed Compose version, or null (none installed, or not asked). */
      readonly composeVersion?: string | null;
      /** Something Compose does differently by version, or that lastlook could not check, said in the plan. */
      readonly note?: string;
    };

/**
 * Is the Compose version `v` (`2.40.3`, `2.26.1-4`) at least `min`? An unknown version (null: no Compose
 * installed) counts as the newest: lastlook then plans what today's Compose does, and says where older ones differ.
 */
export function composeAtLeast(v: string | null | undefined, min: string): boolean {
  if (v === null || v === undefined) return true;
  const parts = (x: string) => (x.split('-')[0] ?? '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  const a = parts(v);
  const b = parts(min);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * Compose versions where `down` changed (docker/compose history, read at the tags):
 * - 2.27.0 (5059a1d7b): label mode drops a `depends_on` whose service has no container instead of failing;
 * - 2.27.2 (10531f630): `-p NAME` is no longer checked before label mode, so `-p MyApp down` takes down `myapp`;
 * - 2.29.0 (d3d378b92): a one-off (`compose run`) container is an orphan exactly when it has exited or is dead
 *   (before: when its service is not in the model, like any container);
 * - 2.29.0 (25f85938b): unused volumes and networks are dropped after the SERVICE selection, so `down -v db`
 *   removes only what db and its dependencies use (before: what every enabled service uses);
 * - 2.30.0 (abcc91e2b): label mode with only unknown SERVICE arguments does nothing (before: the whole project).
 */
export const COMPOSE_CHANGES = {
  labelModeOptionalDeps: '2.27.0',
  labelModeNameUnchecked: '2.27.2',
  oneOffOrphanByState: '2.29.0',
  unknownServicesNoop: '2.30.0',
} as const;

/** The project cannot be loaded the way Compose would load it (Compose would fail too). */
export class ComposeModelError extends Error {
  override readonly name = 'ComposeModelError';
}

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------- project name

/** compose-go `NormalizeProjectName`: lower-case, keep only [a-z0-9_-], trim leading `_` and `-`. */
export function normalizeProjectName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

/** An explicitly given name (`-p`, COMPOSE_PROJECT_NAME, `name:`) must already be normalised, or Compose refuses it. */
export function checkProjectName(name: string, from: string): string {
  if (name === '') throw new ComposeModelError(`project name must not be empty (${from})`);
  if (normalizeProjectName(name) !== name) {
    // compose-go `loader.InvalidProjectNameErr`, word for word.
    throw new ComposeModelError(
      `invalid project name ${JSON.stringify(name)}: must consist only of lowercase alphanumeric characters, ` +
        'hyphens, and underscores as well as start with a letter or number',
    );
  }
  return name;
}

// ---------------------------------------------------------------- interpolation

/**
 * compose-go interpolation of one string: `$VAR`, `${VAR}`, `${VAR:-def}`, `${VAR-def}`, `${VAR:+alt}`,
 * `${VAR+alt}`, `${VAR:?err}`, `${VAR?err}`, and `$$` for a literal `$`. Defaults are interpolated too.
 */
export function interpolateString(input: string, env: Readonly<Record<string, string | undefined>>): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = matchingBrace(input, i + 1);
      if (end < 0) throw new ComposeModelError(`invalid interpolation format for "${input}": missing "}"`);
      out += substitute(input.slice(i + 2, end), env, input);
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i + 1));
    if (m) {
      out += env[m[0]] ?? '';
      i += 1 + m[0].length;
      continue;
    }
    out += '$';
    i++;
  }
  return out;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    if (s[j] === '{') depth++;
    else if (s[j] === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

function substitute(expr: string, env: Readonly<Record<string, string | undefined>>, whole: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-+?])([\s\S]*))?$/.exec(expr);
  if (!m) throw new ComposeModelError(`invalid interpolation format for "${whole}": "\${${expr}}"`);
  const [, name = '', colon, op, rest = ''] = m;
  const value = env[name];
  const unset = colon === ':' ? value === undefined || value === '' : value === undefined;
  switch (op) {
    case undefined:
      return value ?? '';
    case '-':
      return unset ? interpolateString(rest, env) : (value ?? '');
    case '+':
      return unset ? '' : interpolateString(rest, env);
    default:
      if (unset) {
        throw new ComposeModelError(`required variable ${name} is missing a value: ${interpolateString(rest, env)}`);
      }
      return value ?? '';
  }
}

/** Interpolates every string value (not keys) of a parsed YAML document. */
export function interpolateDeep(value: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof value === 'string') return interpolateString(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, env));
  if (isDict(value)) {
    const out: Dict = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateDeep(v, env);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------- merge of several files

/** The target of a short- or long-syntax service volume, used as the merge key (compose-go merges by target). */
function volumeTarget(v: unknown): string {
  if (typeof v === 'string') return parseShortVolume(v).target;
  if (isDict(v) && typeof v.target === 'string') return v.target;
  return JSON.stringify(v);
}

function listToMap(v: unknown): Dict {
  if (Array.isArray(v)) return Object.fromEntries(v.map((x) => [String(x), null]));
  return isDict(v) ? v : {};
}

function mergeValue(base: unknown, over: unknown, path: readonly string[]): unknown {
  if (over === undefined) return base;
  if (base === undefined || base === null) return over;
  const p = path.join('.');
  if (path.length === 3 && path[0] === 'services' && path[2] === 'volumes') {
    if (Array.isArray(base) && Array.isArray(over)) {
      const byTarget = new Map<string, unknown>();
      for (const v of [...base, ...over]) byTarget.set(volumeTarget(v), v);
      return [...byTarget.values()];
    }
    return over;
  }
  if (path.length === 3 && path[0] === 'services' && (path[2] === 'networks' || path[2] === 'depends_on')) {
    return mergeValue(listToMap(base), listToMap(over), [...path, '*']);
  }
  if (isDict(base) && isDict(over)) {
    const out: Dict = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeValue(base[k], v, [...path, k]);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over) && p !== '') {
    return [...base, ...over.filter((x) => !base.includes(x))];
  }
  return over;
}

/** Merges Compose files in order, like compose-go: maps deep, service volumes by target, lists appended. */
export function mergeComposeDocuments(docs: readonly unknown[]): Dict {
  let merged: unknown = {};
  for (const d of docs) {
    if (d === null || d === undefined) continue;
    if (!isDict(d)) throw new ComposeModelError('Top-level object must be a mapping');
    merged = mergeValue(merged, d, []);
  }
  return merged as Dict;
}

// ---------------------------------------------------------------- building the model

/** compose-go `ParseVolume` for the short syntax `[src:]dst[:mode]`. */
export function parseShortVolume(spec: string): ComposeMount {
  const parts = spec.split(':');
  // A Windows drive letter (`C:\x`) would add a part; not handled (lastlook previews Linux engines).
  if (parts.length === 1) return { type: 'volume', source: null, target: spec };
  const [src = '', dst = ''] = parts;
  if (src === '') return { type: 'volume', source: null, target: dst };
  const isPath = src.startsWith('.') || src.startsWith('/') || src.startsWith('~');
  return { type: isPath ? 'bind' : 'volume', source: src, target: dst };
}

function parseMount(v: unknown, service: string): ComposeMount {
  if (typeof v === 'string') return parseShortVolume(v);
  if (isDict(v)) {
    const type = typeof v.type === 'string' ? v.type : 'volume';
    const known = ['volume', 'bind', 'tmpfs', 'npipe', 'cluster', 'image'] as const;
    const t = (known as readonly string[]).includes(type) ? (type as ComposeMount['type']) : 'volume';
    const source = typeof v.source === 'string' && v.source !== '' ? v.source : null;
    return { type: t, source, target: typeof v.target === 'string' ? v.target : '' };
  }
  throw new ComposeModelError(`service "${service}": invalid volume ${JSON.stringify(v)}`);
}

function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (typeof v === 'string') return [v];
  return [];
}

function parseService(name: string, raw: unknown): ComposeService {
  const s = isDict(raw) ? raw : {};
  const networkMode = typeof s.network_mode === 'string' ? s.network_mode : null;
  const nets = Object.keys(listToMap(s.networks));
  if (networkMode !== null && nets.length > 0) {
    throw new ComposeModelError(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\``);
  }
  return {
    name,
    profiles: strings(s.profiles),
    image: typeof s.image === 'string' && s.image !== '' ? s.image : null,
    hasBuild: s.build !== undefined && s.build !== null,
    volumes: (Array.isArray(s.volumes) ? s.volumes : []).map((v) => parseMount(v, name)),
    networks: networkMode === null && nets.length === 0 ? ['default'] : nets,
    networkMode,
    volumesFrom: strings(s.volumes_from),
    dependsOn: Object.keys(listToMap(s.depends_on)),
  };
}

function parseResources(raw: unknown, project: string, kind: 'volume' | 'network'): ComposeResource[] {
  const dict = isDict(raw) ? raw : {};
  return Object.entries(dict).map(([key, value]) => {
    const v = isDict(value) ? value : {};
    const ext = v.external;
    const external = ext === true || isDict(ext);
    const extName = isDict(ext) && typeof ext.name === 'string' ? ext.name : null;
    const explicit = typeof v.name === 'string' && v.name !== '' ? v.name : null;
    if (!external && ext !== undefined && ext !== false && ext !== null) {
      throw new ComposeModelError(`${kind} ${key}: invalid external value ${JSON.stringify(ext)}`);
    }
    const name = external ? (explicit ?? extName ?? key) : (explicit ?? `${project}_${key}`);
    return { key, name, external };
  });
}

export interface BuildModelOptions {
  readonly name: string;
  readonly workingDir: string;
  readonly files: readonly string[];
  /** Active profiles (`--profile`, else COMPOSE_PROFILES). `*` enables all. */
  readonly profiles: readonly string[];
  /** SERVICE arguments of `down`. */
  readonly selected: readonly string[];
}

/** Transitive closure of `names` over depends_on, within `byName`. */
function withDependencies(names: readonly string[], byName: ReadonlyMap<string, ComposeService>): Set<string> {
  const out = new Set<string>();
  const stack = [...names];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (out.has(n)) continue;
    out.add(n);
    for (const d of byName.get(n)?.dependsOn ?? []) if (byName.has(d)) stack.push(d);
  }
  return out;
}

/**
 * The model `down` acts on, from the merged, interpolated document (compose-go `WithProfiles`,
 * `WithServicesEnabled(selected)`, `WithoutUnnecessaryResources`, `WithSelectedServices(selected)`, in that order,
 * as compose v2.26.1 `ToProject` does).
 */
export function buildComposeModel(doc: Readonly<Dict>, opts: BuildModelOptions): ComposeModel {
  const rawServices = isDict(doc.services) ? doc.services : {};
  const all = Object.entries(rawServices).map(([n, s]) => parseService(n, s));
  const byName = new Map(all.map((s) => [s.name, s]));
  for (const n of opts.selected) if (!byName.has(n)) throw new ComposeModelError(`no such service: ${n}`);

  const allProfiles = opts.profiles.includes('*');
  const enabledNames = new Set(
    all
      .filter((s) => allProfiles || s.profiles.length === 0 || s.profiles.some((p) => opts.profiles.includes(p)))
      .map((s) => s.name),
  );
  // Naming a service on the command line enables it and its dependencies, whatever their profiles.
  for (const n of withDependencies(opts.selected, byName)) enabledNames.add(n);

  const enabled = all.filter((s) => enabledNames.has(s.name));
  const volumes = parseResources(doc.volumes, opts.name, 'volume');
  const networks = parseResources(doc.networks, opts.name, 'network');
  if (!networks.some((n) => n.key === 'default')) {
    networks.push({ key: 'default', name: `${opts.name}_default`, external: false });
  }
  const declaredVolumes = new Set(volumes.map((v) => v.key));
  const declaredNetworks = new Set(networks.map((n) => n.key));
  for (const s of enabled) {
    for (const m of s.volumes) {
      if (m.type === 'volume' && m.source !== null && !declaredVolumes.has(m.source)) {
        throw new ComposeModelError(
          `service "${s.name}" refers to undefined volume ${m.source}: invalid compose project`,
        );
      }
    }
    for (const n of s.networks) {
      if (!declaredNetworks.has(n)) {
        throw new ComposeModelError(`service "${s.name}" refers to undefined network ${n}: invalid compose project`);
      }
    }
  }
  const selection = opts.selected.length > 0 ? withDependencies(opts.selected, byName) : null;
  const acting = enabled.filter((s) => selection === null || selection.has(s.name));
  // Compose 2.40 (since 2.29.0, 25f85938b) drops unused resources after the SERVICE selection, so `down -v db`
  // removes only what db and its dependencies use; 2.26.1 dropped them before. Without Compose, plan the newest.
  const usedVolumes = new Set(
    acting.flatMap((s) => s.volumes.filter((m) => m.type === 'volume' && m.source !== null).map((m) => m.source)),
  );
  const usedNetworks = new Set(acting.flatMap((s) => s.networks));

  const actingNames = new Set(acting.map((s) => s.name));
  return {
    name: opts.name,
    workingDir: opts.workingDir,
    files: opts.files,
    services: acting,
    disabledServices: all.filter((s) => !actingNames.has(s.name)),
    profileDisabled: all.filter((s) => !enabledNames.has(s.name)).map((s) => s.name),
    volumes: volumes.filter((v) => usedVolumes.has(v.key)),
    networks: networks.filter((n) => usedNetworks.has(n.key)),
    unusedVolumes: volumes.filter((v) => !usedVolumes.has(v.key)),
    source: 'builtin',
    composeVersion: null,
  };
}

// ---------------------------------------------------------------- the model as Compose printed it

export interface ComposeConfigOutput {
  /** `config --format json` with the user's own flags and SERVICE arguments: the project `down` acts on. */
  readonly active: unknown;
  /** The same with `--profile '*'` and no SERVICE: every service Compose knows (null if that run failed). */
  readonly all: unknown | null;
  readonly files: readonly string[];
  readonly workingDir: string;
  readonly composeVersion: string;
}

/**
 * The model from Compose's own canonical output (`docker compose … config --format json`). Compose has already
 * merged the files, resolved merge keys, include, extends, `!reset`/`!override`, interpolated, applied the
 * profiles, the SERVICE selection and `WithoutUnnecessaryResources` exactly as its `down` does (same
 * `ToProject`), so nothing of that is recomputed here. `all` only tells which services exist at all (their
 * containers are not orphans).
 */
export function modelFromComposeConfig(out: ComposeConfigOutput): ComposeModel {
  const active = isDict(out.active) ? out.active : {};
  const all = isDict(out.all) ? out.all : null;
  const name = typeof active.name === 'string' ? active.name : '';
  if (name === '' || normalizeProjectName(name) !== name) {
    throw new ComposeModelError(`docker compose config printed no usable project name (${JSON.stringify(name)})`);
  }
  const services = Object.entries(isDict(active.services) ? active.services : {}).map(([n, s]) => parseService(n, s));
  const activeNames = new Set(services.map((s) => s.name));
  const everyService = all && isDict(all.services) ? Object.entries(all.services) : [];
  const disabledServices = everyService.filter(([n]) => !activeNames.has(n)).map(([n, s]) => parseService(n, s));
  const volumes = parseResources(active.volumes, name, 'volume');
  const networks = parseResources(active.networks, name, 'network');
  const used = new Set(volumes.map((v) => v.key));
  const unusedVolumes = all ? parseResources(all.volumes, name, 'volume').filter((v) => !used.has(v.key)) : [];
  return {
    name,
    workingDir: out.workingDir,
    files: out.files,
    services,
    disabledServices,
    profileDisabled: disabledServices.filter((s) => s.profiles.length > 0).map((s) => s.name),
    volumes,
    networks,
    unusedVolumes,
    source: 'compose',
    composeVersion: out.composeVersion,
  };
}
