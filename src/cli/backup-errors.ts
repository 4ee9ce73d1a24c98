/**
 * The one mapping from backup, verify and restore failures to exit codes and one clear line (plus a remedy),
 * used by those commands and by `reportError` for any that surface elsewhere (`guard --backup-to`).
 */
import { ArchiveError, BackupError, DumpError, RestoreError } from '../backup/errors.js';
import { CliError } from './context.js';
import { ExitCode } from './exit-codes.js';

/** Returns a CliError for a known backup/archive/restore failure (or an interruption); anything else unchanged. */
export function toCliError(e: unknown): unknown {
  if (e instanceof BackupError) {
    if (e.reason === 'aborted') return new CliError(e.message, ExitCode.interrupted, e.remedy);
    return new CliError(e.message, e.reason === 'verify' ? ExitCode.declined : ExitCode.usage, e.remedy);
  }
  if (e instanceof DumpError)
    return new CliError(e.message, ExitCode.declined, 'nothing was kept; fix the database or back up without --dump');
  if (e instanceof ArchiveError) {
    const code = e.kind === 'mismatch' ? ExitCode.declined : ExitCode.usage;
    const shown = e.problems.length > 1 ? `${e.message.split(':')[0]}:\n  - ${e.problems.join('\n  - ')}` : e.message;
    return new CliError(
      e.kind === 'mismatch' ? `verification FAILED: ${shown}` : e.kind === 'refused' ? `refused: ${shown}` : shown,
      code,
      e.kind === 'refused' ? 'nothing was written' : null,
    );
  }
  if (e instanceof RestoreError) {
    const code =
      e.reason === 'not-empty' ? ExitCode.declined : e.reason === 'failed' ? ExitCode.engine : ExitCode.usage;
    return new CliError(e.message, code, e.remedy);
  }
  if (e instanceof Error && e.name === 'AbortError') {
    return new CliError('interrupted: stopped and cleaned up', ExitCode.interrupted, null);
  }
  return e;
}
