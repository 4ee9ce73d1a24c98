/**
 * The explorer's services for its "inside" screens (issue 12): the backup of a preview's plan (the same code as
 * `guard --backup-to`), a volume's contents and a container's logs. Built by the composition root (commands/explore).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { escapeName } from '../core/escape.js';
import type { DockerPort } from '../docker/port.js';
import type { ExplorerServices } from '../ui/services.js';

/** Where `b` writes: `--backup-dir`, else `LASTLOOK_BACKUP_DIR`, else ~/lastlook-backups (relative paths from cwd). */
export function backupRoot(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const chosen = flag ?? (env.LASTLOOK_BACKUP_DIR || undefined);
  return chosen ?? join(env.HOME || homedir(), 'lastlook-backups');
}

/** A folder name for one backup: its UTC time, sortable and valid on every filesystem (`2026-11-27T13-45-12Z`). */
export function backupFolderName(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace(/:/g, '-')}Z`;
}

export function insideServices(
  port: DockerPort,
  root: string,
  stop: AbortSignal,
): Pick<ExplorerServices, 'backupRoot' | 'backup' | 'volumeContents'> {
  return {
    backupRoot: root,
    backup: async (plan, opts) => {
      const { backupBeforeRemoval } = await import('../backup/for-plan.js');
      const dir = join(root, backupFolderName(new Date()));
      opts.onDir(dir);
      const result = await backupBeforeRemoval(port, plan, {
        dir,
        // SIGTERM also stops it (and its cleanup runs).
        signal: AbortSignal.any([opts.signal, stop]),
        stop: opts.stop,
        onProgress: (p) =>
          opts.onProgress({
            stage: p.phase,
            item: p.item,
            index: p.index,
            count: p.count,
            done: p.done,
            total: p.total,
          }),
        onNotice: (n) => {
          if (n.kind === 'stopping')
            opts.onNotice(
              `stopped ${escapeName(n.name)} first: nothing may write to its data after the backup`,
              n.name,
            );
          else if (n.kind === 'kept-running')
            opts.onNotice(
              n.why === 'read-only'
                ? `read-only mode: ${escapeName(n.name)} keeps running; what it writes after the backup is not in it`
                : `${escapeName(n.name)} was started with --rm: stopping it would remove it, so it keeps running; what it writes after the backup is lost`,
            );
          // 'starting' says nothing the screen does not already show.
        },
      });
      return { dir, archives: result.items.map((i) => i.archive), archiveBytes: result.archiveBytes };
    },
    volumeContents: async (volume, signal) => {
      const { volumeSummary } = await import('../docker/filesystem.js');
      return volumeSummary(port, volume, { signal: AbortSignal.any([signal, stop]), depth: 4, limit: 2000 });
    },
  };
}
