/**
 * The Compose project read by Compose itself: the user's own `docker compose` (plugin) or `docker-compose`
 * (standalone), found on the user's PATH, run in the user's folder and environment with the user's global flags:
 * `… config --format json [SERVICE...]`. Its `ToProject` is the one `down` runs, so merge keys, include, extends,
 * `!reset`/`!override`, interpolation, profiles and the SERVICE selection are exactly what `down` will act on, in
 * whatever version is installed.
 *
 * `config` needs no engine, but Compose 2.26.1 still pings the one DOCKER_HOST names (HEAD /_ping, GET /info; an
 * ssh:// host would even start ssh). So Compose runs with DOCKER_HOST set to a socket in a fresh private folder
 * that nothing listens on: it can reach no engine at all (test/compose/real.test.ts proves both).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { ComposeDownArgs } from '../core/compose-model.js';

export interface ComposeRunIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

export interface ComposeRunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Compose is not installed for this spelling (no `docker` / `docker-compose` on PATH, or no compose plugin). */
export class ComposeMissing extends Error {
  override readonly name = 'ComposeMissing';
}

const TIMEOUT_MS = 60_000;

/** The executable and leading words for the user's spelling: `docker compose …` or `docker-compose …`. */
function invocation(tool: ComposeDownArgs['tool']): { file: string; lead: string[] } {
  return tool === 'docker-compose' ? { file: 'docker-compose', lead: [] } : { file: 'docker', lead: ['compose'] };
}

/** Runs the user's Compose with `args` (after `compose`), unable to reach any engine. */
export function runCompose(
  tool: ComposeDownArgs['tool'],
  args: readonly string[],
  io: ComposeRunIo,
): Promise<ComposeRunResult> {
  const { file, lead } = invocation(tool);
  const noEngine = mkdtempSync(join(tmpdir(), 'lastlook-noengine-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
  env.DOCKER_HOST = `unix://${join(noEngine, 'docker.sock')}`;
  return new Promise((resolvePromise, reject) => {
    execFile(
      file,
      [...lead, ...args],
      {
        cwd: io.cwd,
        env,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: TIMEOUT_MS,
        ...(io.signal ? { signal: io.signal } : {}),
      },
      (err, stdout, stderr) => {
        rmSync(noEngine, { recursive: true, force: true });
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new ComposeMissing(`${file} is not on PATH`));
          return;
        }
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolvePromise({ code: err ? (err.code as unknown as number) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * Versions already read in this process, by what selects the Compose that runs: the spelling, PATH (which `docker`
 * or `docker-compose`; with the folder too where PATH has a relative entry), DOCKER_CONFIG and HOME (where the
 * docker CLI finds its plugins). The explorer previews many compose commands in one session: each asked Compose for
 * its version again. Only answers are kept, never a failure (Compose may be installed meanwhile).
 */
const versions = new Map<string, string>();

function versionKey(tool: ComposeDownArgs['tool'], io: ComposeRunIo): string {
  const path = io.env.PATH ?? '';
  const relative = path.split(':').some((dir) => !isAbsolute(dir));
  return JSON.stringify([tool, path, relative ? io.cwd : '', io.env.DOCKER_CONFIG ?? '', io.env.HOME ?? '']);
}

/**
 * The installed Compose's version (`2.40.3`), or ComposeMissing. `version` runs no project loading, so it answers
 * even where the project flags are wrong.
 */
export async function composeVersion(tool: ComposeDownArgs['tool'], io: ComposeRunIo): Promise<string> {
  const key = versionKey(tool, io);
  const known = versions.get(key);
  if (known !== undefined) return known;
  const r = await runCompose(tool, ['version', '--short'], io);
  const v = r.stdout.trim().replace(/^v/, '');
  if (r.code !== 0 || !/^\d+\.\d+\.\d+/.test(v)) {
    throw new ComposeMissing(`${invocation(tool).file} ${invocation(tool).lead.join(' ')} version failed`.trim());
  }
  const version = (/^\d+\.\d+\.\d+/.exec(v) as RegExpExecArray)[0];
  versions.set(key, version);
  return version;
}

/** The user's global Compose flags, as `down` would receive them (from the parsed command line). */
export function globalFlags(cmd: ComposeDownArgs, opts: { allProfiles?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const f of cmd.files) out.push('-f', f);
  if (cmd.projectName !== null) out.push('-p', cmd.projectName);
  if (cmd.projectDirectory !== null) out.push('--project-directory', cmd.projectDirectory);
  for (const e of cmd.envFiles) out.push('--env-file', e);
  if (opts.allProfiles) out.push('--profile', '*');
  else for (const p of cmd.profiles) out.push('--profile', p);
  return out;
}

/** `… config --format json [SERVICE...]`: parsed JSON, or Compose's own error message. */
export async function composeConfig(
  cmd: ComposeDownArgs,
  io: ComposeRunIo,
  opts: { allProfiles?: boolean } = {},
): Promise<{ ok: true; json: unknown } | { ok: false; message: string }> {
  const args = [...globalFlags(cmd, opts), 'config', '--format', 'json', ...(opts.allProfiles ? [] : cmd.services)];
  const r = await runCompose(cmd.tool, args, io);
  if (r.code !== 0) return { ok: false, message: r.stderr.trim() || `exit status ${r.code}` };
  try {
    return { ok: true, json: JSON.parse(r.stdout) as unknown };
  } catch {
    return { ok: false, message: 'docker compose config printed something that is not JSON' };
  }
}

/** Absolute paths of the -f files (for display; Compose itself resolved them). */
export function absoluteFiles(cmd: ComposeDownArgs, cwd: string): string[] {
  return cmd.files.map((f) => (f === '-' || isAbsolute(f) ? f : resolve(cwd, f)));
}
