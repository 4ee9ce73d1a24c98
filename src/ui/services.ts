import type { ContentDiff } from '../core/content-diff.js';
import type { PathStat } from '../core/diff-tree.js';
import type { BackupStageProgress } from '../core/explorer/inside-state.js';
import type { Change, ContainerInfo } from '../core/model.js';
import type { Plan } from '../core/plan/types.js';
import type { VolumeContents } from '../core/volume-tree.js';
import type { ExecutionProgress, ExecutionReport } from '../docker/execute.js';
import type { DockerPort } from '../docker/port.js';

/**
 * What the explorer asks of the outside world. The composition root (src/cli/commands/explore.tsx) builds it from
 * the real port, the snapshot reader and the planner; UI tests build it from an in-memory port.
 */
export interface ExplorerServices {
  readonly port: DockerPort;
  /**
   * Plans docker command lines against a fresh read of the engine. With `measure` (the default) the sizes of the
   * planned objects are filled in; the mount fates do without.
   */
  planAll(
    argvs: readonly (readonly string[])[],
    signal: AbortSignal,
    opts?: { readonly measure?: boolean },
  ): Promise<Plan[]>;
  /** Recomputes the plan, compares (drift), and removes exactly what it lists. Throws DriftError on drift. */
  execute(
    plan: Plan,
    opts: { readonly signal: AbortSignal; readonly onProgress: (p: ExecutionProgress) => void },
  ): Promise<ExecutionReport>;
  /**
   * Sizes of a container's changed paths (src/docker/filesystem.ts `readChangeSizes`), reported through `onSizes`
   * as they arrive; optional (the tree shows no sizes without it). `container` is inspected (its `spec.started`
   * and tmpfs mounts decide whether per-path reads are safe). A whole-filesystem export, where it is the only safe
   * or the cheaper read, waits for the selection to rest and for any other export to end first.
   */
  changeSizes?(
    container: ContainerInfo,
    changes: readonly Change[],
    signal: AbortSignal,
    onSizes?: (batch: ReadonlyMap<string, PathStat>) => void,
  ): Promise<ReadonlyMap<string, PathStat>>;
  /**
   * What changed inside one path of the container (`enter` on a file of the change tree): the same read as
   * `lastlook diff CONTAINER PATH` (src/docker/file-read.ts). Optional: without it the pane says it is unavailable.
   */
  contentDiff?(container: ContainerInfo, path: string, signal: AbortSignal): Promise<ContentDiff>;
  /**
   * Where `b` writes its backups (each one into a new timestamped folder under it): `--backup-dir`, else
   * `LASTLOOK_BACKUP_DIR`, else ~/lastlook-backups. Shown before the backup starts.
   */
  readonly backupRoot?: string;
  /**
   * Backs up everything the plan destroys, verified (src/backup/for-plan.ts `backupBeforeRemoval`, the same code
   * as `guard --backup-to`): the running containers it removes are stopped first unless `stop` is false (read-only).
   * Resolves only when every archive verified; otherwise rejects and no file of it is left.
   */
  backup?(plan: Plan, opts: BackupRunOptions): Promise<{ dir: string; archives: string[]; archiveBytes: number }>;
  /** A volume's tree with sizes, read through a never-started helper container (src/docker/filesystem.ts). */
  volumeContents?(volume: string, signal: AbortSignal): Promise<VolumeContents>;
}

export interface BackupRunOptions {
  readonly signal: AbortSignal;
  /** Stop the plan's running containers first (nothing writes after the backup). False in read-only mode. */
  readonly stop: boolean;
  readonly onDir: (dir: string) => void;
  /** A worded notice; `stopped` names a container that was stopped. */
  readonly onNotice: (text: string, stopped?: string) => void;
  readonly onProgress: (p: BackupStageProgress) => void;
}
