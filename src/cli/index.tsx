import packageJson from '../../package.json' with { type: 'json' };
import { HELP_LINES } from '../core/families/index.js';
import { resolveConnection } from '../docker/connection.js';
import { connect } from '../docker/dockerode-adapter.js';
import type { DockerPort } from '../docker/port.js';
import { commands } from './commands/index.js';
import { type CommandContext, UsageError } from './context.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { describeFailure } from './failure.js';
import { requestTimeoutMs, splitArgv } from './options.js';
import { guardTerminal } from './terminal-guard.js';

export const HELP = `
  A last look before Docker destroys something.

  Usage
    $ lastlook                                   open the explorer (needs a terminal)
    $ lastlook plan [--json] [--] <docker command line>
    $ lastlook guard [--backup-to DIR] [--yes] [--] <docker command line>
    $ lastlook diff <container> [--json]         writable-layer changes as a tree, with sizes
                    [--added] [--changed] [--deleted] [--min-size SIZE] [--search TEXT] [--sort name|size]
    $ lastlook diff <container> <path> [--json] [--max-bytes SIZE]
                                                 what changed inside that path, against the image
    $ lastlook mounts <container> [--json] [--contents [--depth N]]
                                                 mount table, with each mount's fate under each command
    $ lastlook backup <volume|container>... [--to DIR] [--json] [--commit] [--dump] [--level 1-9]
                                                 verified .tar.gz archives with a manifest (sha256)
    $ lastlook verify <archive> [--json]         re-read an archive and check it against its manifest
    $ lastlook restore <archive> [--volume NAME | --container NAME] [--force] [--json]
                    [--driver NAME] [--opt KEY=VALUE]...   options for a volume restore creates (plain by default)

  Docker command lines lastlook can preview
${HELP_LINES.map((line) => `    ${line}`).join('\n')}

  Global options
    --host, -H URL     Docker host (like docker -H); default: DOCKER_HOST, the current context, then the local socket
    --context NAME     docker context to use; plan takes several (--context a --context b: one plan each)
    --all-contexts     plan only: preview on every docker context (docker context ls)
    --timeout SECONDS  how long each request may wait for the engine (default 60; LASTLOOK_TIMEOUT too; 0 waits
                       forever). Streams (export, archive) fail after that long without data; events may be idle
    --read-only        previews only: never carry out a removal
    --backup-dir DIR   explorer: where b writes its backups, one timestamped folder each (LASTLOOK_BACKUP_DIR too;
                       default ~/lastlook-backups)
    --no-color         no colours (NO_COLOR is honoured too)
    --help             this text
    --version          lastlook's version

  Exit codes
    0 done · 1 declined · 2 bad usage · 3 engine unreachable or refused · 4 object not found · 5 drift (nothing done)
    · 6 interrupted while removing (what went is listed)
    plan on several contexts: every plan is printed; the code is that of the first context not planned (3, 4)
    verify: 1 the archive fails verification, 2 it is missing or unreadable
    restore: 1 the target volume is not empty (use --force), 2 an unsafe archive or unfit target (nothing written)
    130 interrupted (Ctrl+C during a backup or restore; cleaned up, nothing destroyed)

  Examples
    $ lastlook plan -- docker compose -p shop down -v
    $ lastlook plan --json docker volume prune -a
    $ lastlook guard --backup-to /srv/backups -- docker rm -v shop-db-1
`;

export interface MainIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: CommandContext['stdout'];
  readonly stderr: CommandContext['stderr'];
  readonly stdin: CommandContext['stdin'];
  readonly signal: AbortSignal;
}

/** Formats any failure for the terminal and picks its exit code. The only place errors become exit codes. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream): ExitCodeValue {
  const f = describeFailure(err);
  if (f.usage) stderr.write(`lastlook: ${f.message}\nRun lastlook --help for usage.\n`);
  else stderr.write(`lastlook: ${f.message}\n${f.remedy ? `  ${f.remedy}\n` : ''}`);
  return f.exitCode;
}

export async function main(raw: MainIo): Promise<ExitCodeValue> {
  // Every line the CLI prints goes through the terminal guard: nothing from the engine reaches the terminal raw.
  // stdin is read through a getter: `process.stdin` makes its stream at first use (~2 ms), and a plan never reads it.
  const io: MainIo = {
    argv: raw.argv,
    env: raw.env,
    signal: raw.signal,
    get stdin() {
      return raw.stdin;
    },
    stdout: guardTerminal(raw.stdout),
    stderr: guardTerminal(raw.stderr),
  };
  try {
    const split = splitArgv(io.argv);
    // Only --help and --version load meow. It gets the version from the bundled package.json: a single executable
    // has no package.json beside it to find.
    const loadMeow = async () =>
      (await import('meow')).default(HELP, {
        importMeta: import.meta,
        pkg: { name: packageJson.name, version: packageJson.version },
        argv: [],
        autoHelp: false,
        autoVersion: false,
        description: false,
      });
    if (split.global.version) {
      const cli = await loadMeow();
      io.stdout.write(`${cli.pkg.version ?? 'unknown'}\n`);
      return ExitCode.ok;
    }
    if (split.global.help) {
      const cli = await loadMeow();
      io.stdout.write(`${cli.help.replace(/^\n/, '')}\n`);
      return ExitCode.ok;
    }
    const name = split.command ?? 'explore';
    const load = commands[name];
    if (!load) {
      throw new UsageError(
        `unknown command "${name}". Commands: ${Object.keys(commands)
          .filter((c) => c !== 'explore')
          .join(', ')}`,
      );
    }
    const timeout = requestTimeoutMs(split.global.timeout, io.env);
    const fleet = split.global.contexts.length > 1 || split.global.allContexts;
    if (fleet && name !== 'plan') {
      throw new UsageError('several contexts (--context twice, --all-contexts) work with plan only');
    }
    if (fleet && split.global.host) throw new UsageError('use --host or --context/--all-contexts, not both');
    if (split.global.allContexts && split.global.contexts.length > 0) {
      throw new UsageError('use --context NAME... or --all-contexts, not both');
    }
    let connection: ReturnType<typeof resolveConnection> | null = null;
    let port: DockerPort | null = null;
    const ctx: CommandContext = {
      argv: split.rest,
      global: {
        host: split.global.host,
        context: split.global.context,
        contexts: split.global.contexts,
        allContexts: split.global.allContexts,
        readOnly: split.global.readOnly,
        backupDir: split.global.backupDir,
        noColor: split.global.noColor || (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== ''),
      },
      env: io.env,
      stdout: io.stdout,
      stderr: io.stderr,
      get stdin() {
        return io.stdin;
      },
      terminal: { stdout: raw.stdout, stderr: raw.stderr },
      signal: io.signal,
      connection() {
        connection ??= resolveConnection({ host: split.global.host, context: split.global.context, env: io.env });
        return connection;
      },
      port() {
        port ??= this.connectTo(this.connection());
        return port;
      },
      connectTo(c) {
        return connect(c, timeout === undefined ? {} : { timeoutMs: timeout });
      },
    };
    const command = await load();
    return await command(ctx);
  } catch (err) {
    return reportError(err, io.stderr);
  }
}
