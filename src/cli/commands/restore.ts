/**
 * `lastlook restore ARCHIVE [--volume NAME] [--driver NAME] [--opt KEY=VALUE]... [--force] [--container NAME] [--json]`
 *
 * A volume archive goes into a new or empty volume (its own name by default; a non-empty one only with
 * `--force`). A volume restore creates is a plain local volume: the driver and options the manifest names are
 * shown, never applied; `--driver` / `--opt` (as `docker volume create` takes them) are the only way to get
 * others, and even then restore never writes where another volume's data lives. A writable-layer archive goes
 * onto an existing container given with `--container` (made from the same image), never into its mounts. Every
 * entry is checked before anything is written, and again while it is written.
 *
 * Exit codes: 0 restored; 1 the archive failed verification, or the target volume is not empty (add --force);
 * 2 bad usage, a missing/unreadable archive, an archive refused as unsafe, a target that does not fit (another
 * volume's data, another image, not enough room; nothing written); 3 engine, or the engine failed part-way (a
 * volume the restore created is removed again); 4 the target container does not exist; 130 interrupted.
 */
import { restoreContainer, restoreVolume } from '../../backup/restore.js';
import { escapeName } from '../../core/escape.js';
import { toCliError } from '../backup-errors.js';
import { CliError, type Command, UsageError } from '../context.js';
import { ExitCode } from '../exit-codes.js';

interface RestoreArgs {
  readonly archive: string;
  readonly volume: string | undefined;
  readonly container: string | undefined;
  readonly driver: string | undefined;
  readonly options: Record<string, string> | undefined;
  readonly force: boolean;
  readonly json: boolean;
}

function parseArgs(argv: readonly string[]): RestoreArgs {
  let archive: string | null = null;
  let volume: string | undefined;
  let container: string | undefined;
  let driver: string | undefined;
  let options: Record<string, string> | undefined;
  let force = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (flag: string) => {
      const v = a === flag ? argv[++i] : a.slice(flag.length + 1);
      if (!v) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === '--volume' || a.startsWith('--volume=')) volume = value('--volume');
    else if (a === '--container' || a.startsWith('--container=')) container = value('--container');
    else if (a === '--driver' || a.startsWith('--driver=')) driver = value('--driver');
    else if (a === '--opt' || a.startsWith('--opt=') || a === '-o') {
      const v = a === '-o' ? value('-o') : value('--opt');
      const eq = v.indexOf('=');
      if (eq <= 0) throw new UsageError(`--opt takes KEY=VALUE (as docker volume create --opt), not ${v}`);
      options = { ...options, [v.slice(0, eq)]: v.slice(eq + 1) };
    } else if (a === '--force') force = true;
    else if (a === '--json') json = true;
    else if (a.startsWith('-')) throw new UsageError(`restore: unknown option ${a}`);
    else if (archive === null) archive = a;
    else throw new UsageError('restore takes one archive');
  }
  if (archive === null) throw new UsageError('restore needs an archive (a .tar.gz written by lastlook backup)');
  if (volume !== undefined && container !== undefined) throw new UsageError('give --volume or --container, not both');
  if (container !== undefined && (driver !== undefined || options !== undefined)) {
    throw new UsageError('--driver and --opt are for a volume restore creates, not with --container');
  }
  return { archive, volume, container, driver, options, force, json };
}

export const run: Command = async (ctx) => {
  const args = parseArgs(ctx.argv);
  if (ctx.global.readOnly) throw new UsageError('restore writes into a volume or container: not with --read-only');
  const port = ctx.port();
  const { archive } = args;
  try {
    const r =
      args.container !== undefined
        ? await restoreContainer(port, archive, { container: args.container, signal: ctx.signal })
        : await restoreVolume(port, archive, {
            ...(args.volume !== undefined ? { volume: args.volume } : {}),
            ...(args.driver !== undefined ? { driver: args.driver } : {}),
            ...(args.options !== undefined ? { options: args.options } : {}),
            force: args.force,
            signal: ctx.signal,
          });
    if (args.json) {
      ctx.stdout.write(
        `${JSON.stringify({ schema: 'lastlook.restore/v1', archive, kind: r.manifest.kind, target: r.target, created: r.created, entries: r.entries, notDeleted: r.notDeleted, notes: r.notes }, null, 2)}\n`,
      );
    } else {
      ctx.stdout.write(
        `restored ${r.entries} entries from ${escapeName(archive)} into ${r.manifest.kind === 'volume' ? 'volume' : 'container'} ${escapeName(r.target)}${r.created ? ' (created)' : ''}\n`,
      );
      for (const n of r.notes) ctx.stdout.write(`  note: ${n}\n`);
      if (r.notDeleted.length > 0) {
        ctx.stdout.write(
          `  ${r.notDeleted.length} path(s) the original container had deleted are still present (the API cannot delete):\n` +
            r.notDeleted
              .slice(0, 20)
              .map((p) => `    ${escapeName(p)}\n`)
              .join(''),
        );
      }
    }
    return ExitCode.ok;
  } catch (e) {
    if (ctx.signal.aborted) {
      throw new CliError('interrupted: the restore stopped (a volume it created was removed)', ExitCode.interrupted);
    }
    throw toCliError(e);
  }
};
