/**
 * `lastlook verify ARCHIVE [--json]`: sha256 against the manifest, full read-back (gunzip + parse of every tar
 * entry), counts against the manifest. Needs no engine.
 *
 * Exit codes: 0 the archive matches its manifest; 1 verification FAILED (corrupt, truncated or differing from
 * its manifest: do not rely on it); 2 the archive or its manifest is missing or unreadable, or bad usage.
 */

import { manifestOptionsNote } from '../../backup/restore.js';
import { verifyArchive } from '../../backup/verify.js';
import { escapeName } from '../../core/escape.js';
import { formatBytes } from '../../core/progress.js';
import { type Command, UsageError } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { ProgressPrinter, toCliError } from './backup.js';

export const run: Command = async (ctx) => {
  let archive: string | null = null;
  let json = false;
  for (const a of ctx.argv) {
    if (a === '--json') json = true;
    else if (a.startsWith('-')) throw new UsageError(`verify: unknown option ${a}`);
    else if (archive === null) archive = a;
    else throw new UsageError('verify takes one archive');
  }
  if (archive === null) throw new UsageError('verify needs an archive (a .tar.gz written by lastlook backup)');
  const printer = new ProgressPrinter(ctx.stderr, !json);
  try {
    const { manifest, readBack } = await verifyArchive(archive, {
      signal: ctx.signal,
      onProgress: (n) => printer.update(`verifying ${archive}`, n, null),
    });
    printer.finish(`verified ${archive}`);
    const c = readBack.stats;
    if (json) {
      ctx.stdout.write(
        `${JSON.stringify({ schema: 'lastlook.verify/v1', archive, ok: true, sha256: readBack.sha256, content: c, manifest }, null, 2)}\n`,
      );
    } else {
      ctx.stdout.write(
        `OK ${archive}\n  ${manifest.kind} ${manifest.source.name}, taken ${manifest.createdAt} on ${manifest.engine.host} (Docker ${manifest.engine.version})\n` +
          `  sha256 ${readBack.sha256} matches; ` +
          (c
            ? `${c.entries} entries (${c.files} files, ${formatBytes(c.bytes)}) read back and match the manifest\n`
            : `${formatBytes(readBack.rawBytes)} dump read back and matches the manifest\n`),
      );
      for (const w of manifest.warnings) ctx.stdout.write(`  note: ${escapeName(w)}\n`);
      const opts = manifestOptionsNote(manifest);
      if (opts) ctx.stdout.write(`  note: ${opts}\n`);
    }
    return ExitCode.ok;
  } catch (e) {
    printer.finish(`verification of ${archive} did not pass`);
    throw toCliError(e);
  }
};
