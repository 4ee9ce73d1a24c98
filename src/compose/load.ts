/**
 * Finds and reads a Compose project the way Compose v2.26.1 does for `docker compose down`
 * (cmd/compose/compose.go `projectOrName` + compose-go v2.0.2 `cli.ProjectFromOptions`), and decides between
 * file mode and label mode (shared/docker-semantics.md §3.1). The model itself is built by core/compose-model.ts.
 *
 * Not modelled (documented gaps): `-f -` (stdin), `include:`, `extends:`, Windows paths.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  buildComposeModel,
  type ComposeDownArgs,
  type ComposeModel,
  ComposeModelError,
  type ComposeProject,
  checkProjectName,
  interpolateDeep,
  interpolateString,
  mergeComposeDocuments,
  normalizeProjectName,
} from '../core/compose-model.js';

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

  const docs = files.map((f) => {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(f, 'utf8'));
    } catch (e) {
      throw new ComposeLoadError(`${f}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return interpolateDeep(parsed ?? {}, env);
  });
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

/**
 * compose v2.26.1 `projectOrName`: file mode when `-f` is given or `-p` is not; label mode for `-p` alone, or
 * when loading fails and COMPOSE_PROJECT_NAME is set in the process environment.
 */
export function loadComposeProject(cmd: ComposeDownArgs, io: ComposeLoadIo): ComposeProject {
  if (cmd.files.length === 0 && cmd.projectName !== null) {
    return {
      mode: 'labels',
      name: cmd.projectName.toLowerCase(),
      why: '-p without -f: Compose ignores any compose file and finds the project by its labels',
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
