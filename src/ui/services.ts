import type { ContentDiff } from '../core/content-diff.js';
import type { PathStat } from '../core/diff-tree.js';
import type { Change, ContainerInfo } from '../core/model.js';
import type { Plan } from '../core/plan/types.js';
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
  /** Tar-header sizes of a container's changed paths; optional (the tree shows no sizes without it). */
  changeSizes?(
    container: ContainerInfo,
    changes: readonly Change[],
    signal: AbortSignal,
  ): Promise<ReadonlyMap<string, PathStat>>;
  /**
   * What changed inside one path of the container (`enter` on a file of the change tree): the same read as
   * `lastlook diff CONTAINER PATH` (src/docker/file-read.ts). Optional: without it the pane says it is unavailable.
   */
  contentDiff?(container: ContainerInfo, path: string, signal: AbortSignal): Promise<ContentDiff>;
}
