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
  | { readonly mode: 'labels'; readonly name: string; readonly why: string };

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
    throw new ComposeModelError(
      `invalid project name "${name}" (${from}): it must contain only lowercase letters, decimal digits, dashes, ` +
        'and underscores, and must begin with a lowercase letter or decimal digit',
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
  const usedVolumes = new Set(
    enabled.flatMap((s) => s.volumes.filter((m) => m.type === 'volume' && m.source !== null).map((m) => m.source)),
  );
  const usedNetworks = new Set(enabled.flatMap((s) => s.networks));

  const selection = opts.selected.length > 0 ? withDependencies(opts.selected, byName) : null;
  const acting = enabled.filter((s) => selection === null || selection.has(s.name));
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
  };
}
