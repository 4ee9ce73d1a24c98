/** Exit codes shared by every subcommand (shared/DESIGN.md). */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** The user declined (or a non-interactive run needed --yes). */
  declined: 1,
  /** Bad usage: unknown command, flag or argument. */
  usage: 2,
  /** The engine is unreachable or refused the request. */
  engine: 3,
  /** An object that was named does not exist. */
  notFound: 4,
  /** Drift: the engine changed since the preview and nothing was done. */
  drift: 5,
  /** Interrupted (Ctrl+C, SIGTERM, the engine gone) while removing: stopped, read back, what went was reported. */
  interruptedRemoving: 6,
  /** Interrupted (Ctrl+C, SIGTERM): the work stopped and cleaned up after itself (128 + SIGINT, as shells do). */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
