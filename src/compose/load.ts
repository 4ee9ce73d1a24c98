/**
 * Reads a Compose project for `docker compose down` and decides between file mode and label mode
 * (shared/docker-semantics.md §3.1). Where Compose is installed, Compose itself reads the files (./real.ts:
 * `docker compose … config --format json`). Where it is not, lastlook's own loader below reads them the way
 * Compose v2 does (cmd/compose/compose.go `projectOrName` + compose-go `cli.ProjectFromOptions`), and refuses,
 * naming the key, what it cannot model: `include:`, `extends:`, `!reset` / `!override` and other YAML tags,
 * `-f -` (stdin). YAML merge keys (`<<: *base`) are modelled. The model itself is built by core/compose-model.ts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { isPair, isScalar, type Node, parseDocument, visit } from 'yaml';
import {
  buildComposeModel,
  COMPOSE_CHANGES,
  type ComposeDownArgs,
  type ComposeModel,
  ComposeModelError,
  type ComposeProject,
  checkProjectName,
  composeAtLeast,
  interpolateDeep,
  interpolateString,
  mergeComposeDocuments,
  modelFromComposeConfig,
  normalizeProjectName,
} from '../core/compose-model.js';
import { absoluteFiles, ComposeMissing, type ComposeRunIo, composeConfig, composeVersion } from './real.js';

/** File names Compose looks for, in its order of preference (compose-go `cli.DefaultFileNames`). */
export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_OVERRIDE_FILE_NAMES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
];

/** Loading failed the way `docker compose` itself would fail (no file, bad YAML, bad name, …). */
export class ComposeLoadError extends Error {
  override readonly name = 'ComposeLoadError';
}

export interface ComposeLoadIo {
  /** The directory the docker command would run in. */
  readonly cwd: string;
  /** The environment the docker command would see. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

type Env = Record<string, string | undefined>;

/** Parses a `.env` file (compose-go dotenv): `KEY=VALUE`, `export`, comments, quotes, `${VAR}` in values. */
export function parseDotEnv(text: string, lookup: Readonly<Env>): Record<string, string> {
  const out: Record<string, string> = {};
  const env = (): Env => ({ ...lookup, ...out });
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const body = line.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    if (eq < 0) continue;
    const key = body.slice(0, eq).trim();
    let value = body.slice(eq + 1).trim();
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      value = value.slice(1, end < 0 ? undefined : end);
    } else if (value.startsWith('"')) {
      const end = value.lastIndexOf('"');
      value = interpolateString(
        value
          .slice(1, end > 0 ? end : undefined)
          .replace(/\\n/g, '\n')
          .replace(/\\"/g, '"'),
        env(),
      );
    } else {
      value = interpolateString(value.replace(/\s+#.*$/, ''), env());
    }
    out[key] = value;
  }
  return out;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function firstExisting(dir: string, names: readonly string[]): string | null {
  for (const n of names) {
    const p = join(dir, n);
    if (isFile(p)) return p;
  }
  return null;
}

/** compose-go `WithDefaultConfigPath`: the first default name in `start` or its nearest parent, plus its override. */
export function findDefaultComposeFiles(start: string): string[] {
  let dir = start;
  for (;;) {
    const main = firstExisting(dir, DEFAULT_FILE_NAMES);
    if (main) {
      const override = firstExisting(dir, DEFAULT_OVERRIDE_FILE_NAMES);
      return override ? [main, override] : [main];
    }
    const parent = dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
}

function loadEnvFiles(files: readonly string[], base: Readonly<Env>, explicit: boolean): Env {
  const env: Env = { ...base };
  for (const f of files) {
    if (!isFile(f)) {
      if (explicit) throw new ComposeLoadError(`couldn't find env file: ${f}`);
      continue;
    }
    const vars = parseDotEnv(readFileSync(f, 'utf8'), env);
    // The process environment wins over .env files.
    for (const [k, v] of Object.entries(vars)) if (env[k] === undefined) env[k] = v;
  }
  return env;
}

/** Top-level keys and service keys Compose supports that the built-in loader cannot model. */
const UNMODELLED_TOP = ['include'] as const;
const UNMODELLED_SERVICE = ['extends'] as const;

function refuse(file: string, what: string): never {
  throw new ComposeLoadError(
    `${file}: ${what}, which lastlook's own Compose loader cannot model (Compose is not installed here to read ` +
      'it): install the Compose plugin, or preview on a host that has it',
  );
}

/**
 * Parses one Compose file: YAML 1.1 merge keys resolved (as Compose does), warnings never printed, and a refusal
 * naming the key for every tag (`!reset`, `!override`, …) and for `include:` / `extends:`.
 */
export function readComposeYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { merge: true, logLevel: 'silent', uniqueKeys: true });
  if (doc.errors.length > 0) throw new ComposeLoadError(`${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
  visit(doc, {
    Node(_key, node, path) {
      const tag = (node as Node).tag;
      if (tag?.startsWith('!') && !tag.startsWith('!!')) {
        const keys = path.filter(isPair).map((p) => (isScalar(p.key) ? String(p.key.value) : '?'));
        const at = keys.length > 0 ? keys.join('.') : 'the document';
        refuse(file, `${tag} at ${at}`);
      }
    },
  });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 10_000 });
  } catch (e) {
    throw new ComposeLoadError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const dict = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  for (const k of UNMODELLED_TOP) if (k in dict(value)) refuse(file, `the top-level key "${k}:"`);
  for (const [name, svc] of Object.entries(dict(dict(value).services))) {
    for (const k of UNMODELLED_SERVICE) if (k in dict(svc)) refuse(file, `"services.${name}.${k}:"`);
  }
  return value;
}

/** Loads the model in file mode. Throws ComposeLoadError (or ComposeModelError) where Compose would fail. */
export function loadComposeModel(cmd: ComposeDownArgs, io: ComposeLoadIo): ComposeModel {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
  const projectDir = cmd.projectDirectory !== null ? abs(cmd.projectDirectory) : null;
  const explicitEnvFiles = cmd.envFiles.map(abs);
  let env = loadEnvFiles(
    explicitEnvFiles.length > 0 ? explicitEnvFiles : [join(projectDir ?? io.cwd, '.env')],
    io.env,
    explicitEnvFiles.length > 0,
  );

  let files: string[];
  if (cmd.files.length > 0) {
    if (cmd.files.includes('-')) throw new ComposeLoadError('lastlook cannot read a Compose file from stdin (-f -)');
    files = cmd.files.map(abs);
  } else if (env.COMPOSE_FILE) {
    const sep = env.COMPOSE_PATH_SEPARATOR || ':';
    files = env.COMPOSE_FILE.split(sep)
      .filter((f) => f !== '')
      .map(abs);
  } else {
    files = findDefaultComposeFiles(projectDir ?? io.cwd);
    if (files.length === 0) throw new ComposeLoadError('no configuration file provided: not found');
  }
  for (const f of files) {
    if (!existsSync(f)) throw new ComposeLoadError(`open ${f}: no such file or directory`);
  }
  const workingDir = projectDir ?? dirname(files[0] as string);
  if (explicitEnvFiles.length === 0 && workingDir !== (projectDir ?? io.cwd)) {
    // The file was found elsewhere (a parent dir, COMPOSE_FILE, -f): its project dir's .env applies too.
    env = loadEnvFiles([join(workingDir, '.env')], env, false);
  }

  const docs = files.map((f) => interpolateDeep(readComposeYaml(f, readFileSync(f, 'utf8')) ?? {}, env));
  const merged = mergeComposeDocuments(docs);

  let name: string;
  if (cmd.projectName !== null) name = checkProjectName(cmd.projectName, '-p');
  else if (env.COMPOSE_PROJECT_NAME) name = checkProjectName(env.COMPOSE_PROJECT_NAME, 'COMPOSE_PROJECT_NAME');
  else {
    const fromFile = typeof merged.name === 'string' ? normalizeProjectName(merged.name) : '';
    name = fromFile !== '' ? fromFile : normalizeProjectName(basename(workingDir));
    if (name === '') throw new ComposeModelError('project name must not be empty');
  }
  const profiles =
    cmd.profiles.length > 0 ? cmd.profiles : (env.COMPOSE_PROFILES ?? '').split(',').filter((p) => p !== '');
  return buildComposeModel(merged, { name, workingDir, files, profiles, selected: cmd.services });
}

const LABEL_MODE_WHY = '-p without -f: Compose ignores any compose file and finds the project by its labels';

/**
 * compose v2.26.1 `projectOrName`: file mode when `-f` is given or `-p` is not; label mode for `-p` alone, or
 * when loading fails and COMPOSE_PROJECT_NAME is set in the process environment.
 */
export function loadComposeProject(cmd: ComposeDownArgs, io: ComposeLoadIo): ComposeProject {
  if (cmd.files.length === 0 && cmd.projectName !== null) {
    return {
      mode: 'labels',
      name: cmd.projectName.toLowerCase(),
      why: LABEL_MODE_WHY,
    };
  }
  try {
    return { mode: 'file', model: loadComposeModel(cmd, io) };
  } catch (e) {
    const envName = io.env.COMPOSE_PROJECT_NAME;
    if (!(e instanceof ComposeLoadError || e instanceof ComposeModelError)) throw e;
    if (envName) {
      return {
        mode: 'labels',
        name: envName.toLowerCase(),
        why: `the Compose file could not be loaded (${e.message}), so COMPOSE_PROJECT_NAME selects the project by its labels`,
      };
    }
    throw e instanceof ComposeLoadError ? e : new ComposeLoadError(e.message);
  }
}

/** Compose's own message for a project name it refuses (compose-go `loader.InvalidProjectNameErr`). */
export function invalidProjectNameMessage(name: string): string {
  return (
    `invalid project name ${JSON.stringify(name)}: must consist only of lowercase alphanumeric characters, ` +
    'hyphens, and underscores as well as start with a letter or number'
  );
}

/**
 * Label mode (`-p NAME` without `-f`): no file is read. Compose before 2.27.2 still refuses a name that is not
 * normalised (its `setEnvWithDotEnv` ran `WithName`); since 2.27.2 nothing checks it and `down` lower-cases it.
 */
function labelProject(name: string, version: string | null): ComposeProject {
  const lower = name.toLowerCase();
  let note: string | undefined;
  if (normalizeProjectName(name) !== name) {
    if (!composeAtLeast(version, COMPOSE_CHANGES.labelModeNameUnchecked)) {
      throw new ComposeLoadError(invalidProjectNameMessage(name));
    }
    note =
      version === null
        ? `Compose is not installed here: Compose before ${COMPOSE_CHANGES.labelModeNameUnchecked} refuses -p ${name} ` +
          `("invalid project name"); later versions take down project "${lower}", as shown`
        : `Compose ${version} does not check -p ${name} in label mode: it takes down project "${lower}"`;
  }
  return {
    mode: 'labels',
    name: lower,
    why: LABEL_MODE_WHY,
    composeVersion: version,
    ...(note ? { note } : {}),
  };
}

/** The installed Compose's version for the user's spelling, or null when it is not installed. */
async function installedCompose(cmd: ComposeDownArgs, io: ComposeRunIo): Promise<string | null> {
  try {
    return await composeVersion(cmd.tool, io);
  } catch (e) {
    if (e instanceof ComposeMissing) return null;
    throw e;
  }
}

/** Whether any service of a `config --format json` output belongs to a profile. */
function inAnyProfile(json: unknown): boolean {
  const services = (json as { services?: unknown } | null)?.services;
  if (services === null || typeof services !== 'object') return false;
  return Object.values(services as Record<string, unknown>).some((s) => {
    const profiles = (s as { profiles?: unknown } | null)?.profiles;
    return Array.isArray(profiles) && profiles.length > 0;
  });
}

/**
 * The project `down` will act on, read by the user's own Compose where it is installed (./real.ts), else by the
 * built-in loader. Throws ComposeLoadError where Compose itself would fail (its own message), or where the
 * built-in loader cannot model the files.
 */
export async function readComposeProject(cmd: ComposeDownArgs, io: ComposeRunIo): Promise<ComposeProject> {
  const labelShaped = cmd.files.length === 0 && cmd.projectName !== null;
  // In file mode every service is read (`--profile '*'`) while the version is: one Compose run fewer in the wall
  // time. Where Compose is missing this run fails too, and is ignored.
  const everyService = labelShaped ? null : composeConfig(cmd, io, { allProfiles: true });
  everyService?.catch(() => undefined);
  const version = await installedCompose(cmd, io);
  if (version?.startsWith('1.')) {
    throw new ComposeLoadError(
      `${cmd.tool} is Compose ${version} (v1, end of life), whose down removes other things: lastlook previews ` +
        'Compose v2 only',
    );
  }
  if (labelShaped && cmd.projectName !== null) return labelProject(cmd.projectName, version);
  if (version === null || everyService === null) {
    const project = loadComposeProject(cmd, io);
    return project.mode === 'labels' ? { ...project, composeVersion: null } : project;
  }
  const all = await everyService;
  // Without SERVICE arguments and with no service in a profile, the user's own profiles select every service: the
  // active project is the same JSON (test/engine/oracle/compose-config.test.ts compares them), so Compose runs once.
  const active = cmd.services.length === 0 && all.ok && !inAnyProfile(all.json) ? all : await composeConfig(cmd, io);
  if (!active.ok) {
    const envName = io.env.COMPOSE_PROJECT_NAME;
    if (envName) {
      return {
        mode: 'labels',
        name: envName.toLowerCase(),
        why: `the Compose file could not be loaded (${active.message}), so COMPOSE_PROJECT_NAME selects the project by its labels`,
        composeVersion: version,
      };
    }
    throw new ComposeLoadError(active.message);
  }
  const model = modelFromComposeConfig({
    active: active.json,
    all: all.ok ? all.json : null,
    files: absoluteFiles(cmd, io.cwd),
    workingDir: cmd.projectDirectory !== null ? resolve(io.cwd, cmd.projectDirectory) : io.cwd,
    composeVersion: version,
  });
  return { mode: 'file', model };
}
