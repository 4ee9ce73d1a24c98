/**
 * `lastlook restore ARCHIVE [--volume NAME] [--force] [--container NAME] [--json]`
 *
 * A volume archive goes into a new or empty volume (its own name by default; a non-empty one only with
 * `--force`). A writable-layer archive goes onto an existing container given with `--container` (made from the
 * same image). Every entry is checked before anything is written.
 *
 * Exit codes: 0 restored; 1 the archive failed verification, or the target volume is not empty (add --force);
 * 2 bad usage, a missing/unreadable archive, or an archive refused as unsafe (nothing written); 3 engine;
 * 4 the target container does not exist.
 */
import { RestoreError, restoreContainer, restoreVolume } from '../../backup/restore.js';
import { CliError, type Command, UsageError } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toCliError } from './backup.js';

export const run: Command = async (ctx) => {
  let archive: string | null = null;
  let volume: string | undefined;
  let container: string | undefined;
  let force = false;
  let json = false;
  const argv = ctx.argv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (flag: string) => {
      const v = a === flag ? argv[++i] : a.slice(flag.length + 1);
      if (!v) throw new UsageError(`${flag} needs a name`);
      return v;
    };
    if (a === '--volume' || a.startsWith('--volume=')) volume = value('--volume');
    else if (a === '--container' || a.startsWith('--container=')) container = value('--container');
    else if (a === '--force') force = true;
    else if (a === '--json') json = true;
    else if (a.startsWith('-')) throw new UsageError(`restore: unknown option ${a}`);
    else if (archive === null) archive = a;
    else throw new UsageError('restore takes one archive');
  }
  if (archive === null) throw new UsageError('restore needs an archive (a .tar.gz written by lastlook backup)');
  if (volume !== undefined && container !== undefined) throw new UsageError('give --volume or --container, not both');
  if (ctx.global.readOnly) throw new UsageError('restore writes into a volume or container: not with --read-only');
  const port = ctx.port();
  try {
    const r =
      container !== undefined
        ? await restoreContainer(port, archive, { container, signal: ctx.signal })
        : await restoreVolume(port, archive, {
            ...(volume !== undefined ? { volume } : {}),
            force,
            signal: ctx.signal,
          });
    if (json) {
      ctx.stdout.write(
        `${JSON.stringify({ schema: 'lastlook.restore/v1', archive, kind: r.manifest.kind, target: r.target, created: r.created, entries: r.entries, notDeleted: r.notDeleted }, null, 2)}\n`,
      );
    } else {
      ctx.stdout.write(
        `restored ${r.entries} entries from ${archive} into ${r.manifest.kind === 'volume' ? 'volume' : 'container'} ${r.target}${r.created ? ' (created)' : ''}\n`,
      );
      if (r.notDeleted.length > 0) {
        ctx.stdout.write(
          `  ${r.notDeleted.length} path(s) the original container had deleted are still present (the API cannot delete):\n` +
            r.notDeleted
              .slice(0, 20)
              .map((p) => `    ${p}\n`)
              .join(''),
        );
      }
    }
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof RestoreError) {
      throw new CliError(e.message, e.reason === 'not-empty' ? ExitCode.declined : ExitCode.usage, e.remedy);
    }
    throw toCliError(e);
  }
};
