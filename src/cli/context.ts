import type { Connection } from '../docker/connection.js';
import type { DockerPort } from '../docker/port.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** Flags that every subcommand accepts (shared/DESIGN.md). */
export interface GlobalOptions {
  readonly host: string | undefined;
  readonly context: string | undefined;
  /** Every `--context` given, in order; more than one only for `plan`. */
  readonly contexts: readonly string[];
  /** `--all-contexts` (plan only). */
  readonly allContexts: boolean;
  readonly readOnly: boolean;
  readonly noColor: boolean;
  /** `--backup-dir DIR`: where the explorer's `b` writes its backups. */
  readonly backupDir?: string | undefined;
}

/** What a subcommand gets from the entry point. Subcommands never read process.* directly. */
export interface CommandContext {
  /** Arguments after the subcommand name, verbatim (a subcommand parses its own flags). */
  readonly argv: readonly string[];
  readonly global: GlobalOptions;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /**
   * The raw streams, for the few writers that drive the terminal themselves (Ink, readline's prompt). stdout and
   * stderr above pass every write through the terminal guard (src/cli/terminal-guard.ts); these do not, so
   * whatever is written here must already be escaped.
   */
  readonly terminal: {
    readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
    readonly stderr: NodeJS.WritableStream;
  };
  /** Where the engine is (resolved once, lazily). */
  connection(): Connection;
  /** The engine port (built once, lazily). */
  port(): DockerPort;
  /** A port of its own to another engine (another context), with the same request timeout; the caller closes it. */
  connectTo(connection: Connection): DockerPort;
  /** Aborted on Ctrl+C / SIGTERM: long work must stop and clean up. */
  readonly signal: AbortSignal;
}

export type Command = (ctx: CommandContext) => Promise<ExitCodeValue>;

/** Bad usage: the message is printed as is, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode: ExitCodeValue = ExitCode.usage;
}

/** A failure with a specific exit code and a remedy line. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly remedy: string | null = null,
  ) {
    super(message);
  }
}
