/**
 * State and actions of the explorer's three "inside" screens (issue 12): the backup of a preview's plan before its
 * removal, a volume's contents, and a container's logs. Their handlers are ./inside.ts.
 */
import type { DiffTree } from '../diff-tree.js';
import type { VolumeContents } from '../volume-tree.js';

/**
 * ready: the folder and what will be stopped are shown, nothing started; running: stopping writers, copying,
 * verifying; cancelling: esc pressed, the backup cleans up; verified: every archive verified, the removal is offered;
 * failed: nothing was removed and no file of it is left.
 */
export type BackupPhase = 'ready' | 'running' | 'cancelling' | 'verified' | 'failed';

export interface BackupState {
  readonly seq: number;
  readonly phase: BackupPhase;
  /** What the running backup does now. */
  readonly stage: 'stopping' | 'copy' | 'verify';
  /** The object being copied or verified, its index (0-based) and how many there are. */
  readonly item: string | null;
  readonly index: number;
  readonly count: number;
  /** Bytes copied of all objects (copy), or read back of this archive (verify), and of how many (null: unknown). */
  readonly done: number;
  readonly total: number | null;
  /** Monotonic ms of the first and of the latest progress of the current stage (throughput, ETA). */
  readonly startedMs: number | null;
  readonly atMs: number | null;
  /** What it did besides copying (containers stopped or kept running), already worded. */
  readonly notices: readonly string[];
  /** The folder the archives go to (known once the backup starts). */
  readonly dir: string | null;
  readonly archives: readonly string[];
  readonly archiveBytes: number;
  readonly error: string | null;
  /** Containers stopped for the backup (named again when it fails: nothing was removed). */
  readonly stopped: readonly string[];
}

export interface ContentsState {
  readonly seq: number;
  readonly volume: string;
  readonly tree: DiffTree | null;
  readonly summary: Omit<VolumeContents, 'entries' | 'volume'> | null;
  readonly error: string | null;
  readonly cursor: number;
  readonly collapsed: ReadonlySet<string>;
}

export interface LogsState {
  readonly seq: number;
  readonly id: string;
  readonly name: string;
  /** Complete lines (raw text: escaped when drawn), the last LOG_LINES of them. */
  readonly lines: readonly string[];
  /** The text after the last newline. */
  readonly partial: string;
  /** Lines dropped at the top to keep LOG_LINES. */
  readonly dropped: number;
  /** The engine could not give the logs (e.g. `--log-driver none`), or the stream failed. */
  readonly error: string | null;
  /** The stream ended (the container stopped). */
  readonly ended: boolean;
  /** First line shown; null follows the end. */
  readonly scroll: number | null;
}

/** Where a running backup is: the stage and item of the set, and the bytes done of the whole set's total. */
export interface BackupStageProgress {
  readonly stage: 'copy' | 'verify';
  readonly item: string;
  readonly index: number;
  readonly count: number;
  readonly done: number;
  readonly total: number | null;
}

export type InsideAction =
  | { readonly type: 'backup-open' }
  | { readonly type: 'backup-start' }
  | { readonly type: 'backup-proceed' }
  | { readonly type: 'backup-notice'; readonly seq: number; readonly text: string; readonly stopped?: string }
  | ({ readonly type: 'backup-progress'; readonly seq: number; readonly atMs: number } & BackupStageProgress)
  | { readonly type: 'backup-dir'; readonly seq: number; readonly dir: string }
  | {
      readonly type: 'backup-done';
      readonly seq: number;
      readonly dir: string;
      readonly archives: readonly string[];
      readonly archiveBytes: number;
    }
  | { readonly type: 'backup-failed'; readonly seq: number; readonly error: string }
  | { readonly type: 'contents-loaded'; readonly seq: number; readonly contents: VolumeContents }
  | { readonly type: 'contents-failed'; readonly seq: number; readonly error: string }
  | { readonly type: 'logs-open' }
  | { readonly type: 'logs-data'; readonly seq: number; readonly text: string }
  | { readonly type: 'logs-ended'; readonly seq: number; readonly error: string | null }
  | { readonly type: 'inside-scroll'; readonly delta: number }
  | { readonly type: 'inside-scroll-to'; readonly where: 'top' | 'bottom' }
  | { readonly type: 'inside-open' }
  | { readonly type: 'inside-back' };
