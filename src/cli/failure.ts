/** What any failure means for the user: one message, a remedy, and the exit code. The one mapping of errors to codes. */
import { DockerError } from '../docker/errors.js';
import { toCliError } from './backup-errors.js';
import { CliError, UsageError } from './context.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

export interface Failure {
  readonly message: string;
  readonly remedy: string | null;
  readonly exitCode: ExitCodeValue;
  /** Bad usage: printed with a pointer to --help. */
  readonly usage: boolean;
}

export function describeFailure(raw: unknown): Failure {
  // Backup, verify and restore failures (also from guard --backup-to) get their own code and one clear line.
  const err = toCliError(raw);
  if (err instanceof UsageError) return { message: err.message, remedy: null, exitCode: err.exitCode, usage: true };
  if (err instanceof CliError)
    return { message: err.message, remedy: err.remedy, exitCode: err.exitCode, usage: false };
  if (err instanceof DockerError) {
    const exitCode =
      err.kind === 'not-found'
        ? ExitCode.notFound
        : err.kind === 'aborted'
          ? ExitCode.declined
          : err.kind === 'bad-request'
            ? ExitCode.usage
            : ExitCode.engine;
    return { message: err.message, remedy: err.remedy ?? null, exitCode, usage: false };
  }
  const message = `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  return { message, remedy: null, exitCode: ExitCode.declined, usage: false };
}
