/**
 * The failures of backup, verify and restore, in one light module (no streams, no zlib), so that the CLI can map
 * them to exit codes wherever they surface (`guard --backup-to` too) without loading the backup code.
 */

/** A backup could not be completed; nothing of it was left behind. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    message: string,
    /**
     * `space`: the target is too small or filled up; `target`: cannot write there; `verify`: read-back failed
     * (or restore would refuse what was read); `aborted`: interrupted (Ctrl+C, SIGTERM).
     */
    readonly reason: 'space' | 'target' | 'verify' | 'aborted',
    readonly remedy: string | null = null,
  ) {
    super(message);
  }
}

/** The database's own dump tool failed; nothing was kept. */
export class DumpError extends Error {
  override readonly name = 'DumpError';
}

/**
 * Why an archive cannot be used. `missing`: the archive or its manifest is not there; `unreadable`: not a file
 * we can read, or not a lastlook manifest; `mismatch`: it is there but differs from its manifest (corrupt,
 * truncated, tampered); `refused`: restore's policy rejects an entry.
 */
export type ArchiveErrorKind = 'missing' | 'unreadable' | 'mismatch' | 'refused';

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  constructor(
    readonly kind: ArchiveErrorKind,
    message: string,
    /** Every problem found (mismatch: each differing field; refused: each refused entry, capped). */
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Restore refused or failed, for a reason about the target (not the archive). */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
  constructor(
    message: string,
    /**
     * `not-empty`: the target holds data (use --force); `wrong-kind`: archive and target do not fit;
     * `wrong-image`: the container is not from the image the layer was taken on; `overlap`: another volume's
     * data lives where the target would write; `space`: not enough room; `failed`: the engine failed mid-way
     * (what the restore created was removed).
     */
    readonly reason: 'not-empty' | 'wrong-kind' | 'wrong-image' | 'overlap' | 'space' | 'failed',
    readonly remedy: string | null,
  ) {
    super(message);
  }
}
