/**
 * Backing up a set of objects all-or-nothing: what `guard` calls before it destroys anything, and what
 * `lastlook backup` runs.
 */
import { mkdir, rm } from 'node:fs/promises';
import type { Plan } from '../core/plan/types.js';
import type { DockerPort } from '../docker/port.js';
import {
  BackupError,
  type BackupItem,
  type BackupProgress,
  backupContainer,
  backupVolume,
  checkFreeSpace,
  GZIP_LEVEL,
  interrupted,
} from './backup.js';
import { verifyArchive } from './verify.js';

export type BackupTarget =
  | { readonly kind: 'volume'; readonly name: string; readonly bytes?: number | null }
  | { readonly kind: 'container'; readonly id: string; readonly bytes?: number | null };

export interface BackupSetOptions {
  /** Target folder; created (mode 0700) when missing. */
  readonly dir: string;
  readonly signal?: AbortSignal;
  /** Progress over the whole set: `done` and `total` are summed over all items (total null if any is unknown). */
  readonly onProgress?: (p: BackupProgress & { readonly index: number; readonly count: number }) => void;
  /** Container backups also commit the layer to an image. @default false */
  readonly commit?: boolean;
  /** gzip level. @default GZIP_LEVEL */
  readonly level?: number;
  /** Per-item extra manifest warnings, by volume name or container id. */
  readonly warnings?: ReadonlyMap<string, readonly string[]>;
}

/** The result of a complete, verified backup set. */
export interface BackupResult {
  readonly dir: string;
  readonly items: readonly BackupItem[];
  /** Sum of the archive sizes on disk. */
  readonly archiveBytes: number;
  /** Sum of the content bytes archived (regular file contents). */
  readonly contentBytes: number;
  readonly durationMs: number;
}

/**
 * Backs up every target in order, each verified by a full read-back, and all of them verified again at the end.
 * If any step fails (engine error, target
 * full, verification, abort), every file this call wrote is removed, helper containers are removed, and the
 * error is rethrown: the caller must then destroy nothing.
 */
export async function backupTargets(
  port: DockerPort,
  targets: readonly BackupTarget[],
  opts: BackupSetOptions,
): Promise<BackupResult> {
  const started = Date.now();
  try {
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new BackupError(
      `cannot create the backup folder ${opts.dir} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      'target',
      'choose a folder you can write to with --to',
    );
  }
  const known = targets.map((t) => t.bytes ?? null);
  const total = known.every((b) => b !== null) ? known.reduce<number>((a, b) => a + (b ?? 0), 0) : null;
  // One early check for the whole set (each item checks itself again before it starts).
  const knownSum = known.reduce<number>((a, b) => a + (b ?? 0), 0);
  const first = targets[0];
  const what =
    targets.length === 1 && first
      ? first.kind === 'volume'
        ? `volume ${first.name}`
        : `the writable layer of ${first.id.slice(0, 12)}`
      : `${targets.length} backups`;
  await checkFreeSpace(opts.dir, knownSum > 0 ? knownSum : null, what);
  const items: BackupItem[] = [];
  let before = 0;
  try {
    for (const [index, t] of targets.entries()) {
      opts.signal?.throwIfAborted();
      const base = before;
      const onProgress = (p: BackupProgress) =>
        opts.onProgress?.({
          ...p,
          done: p.phase === 'copy' ? base + p.done : p.done,
          total: p.phase === 'copy' ? total : p.total,
          index,
          count: targets.length,
        });
      const common = {
        dir: opts.dir,
        signal: opts.signal,
        onProgress,
        level: opts.level ?? GZIP_LEVEL,
        warnings: opts.warnings?.get(t.kind === 'volume' ? t.name : t.id) ?? [],
      };
      const item =
        t.kind === 'volume'
          ? await backupVolume(port, t.name, { ...common, ...(t.bytes !== undefined ? { size: t.bytes } : {}) })
          : await backupContainer(port, t.id, { ...common, commit: opts.commit ?? false });
      items.push(item);
      before += t.bytes ?? 0;
    }
    await verifyAll(items, opts);
  } catch (e) {
    for (const it of items) {
      await rm(it.archive, { force: true }).catch(() => {});
      await rm(it.manifestPath, { force: true }).catch(() => {});
    }
    if (opts.signal?.aborted) throw interrupted();
    throw e;
  }
  return {
    dir: opts.dir,
    items,
    archiveBytes: items.reduce((a, i) => a + i.manifest.archive.bytes, 0),
    contentBytes: items.reduce((a, i) => a + (i.manifest.content?.bytes ?? 0), 0),
    durationMs: Date.now() - started,
  };
}

/**
 * Every archive of the set, verified again once all are written (sha256, full read-back, counts), against the
 * manifest beside it and the hash this run wrote: nothing of the set was replaced or changed meanwhile.
 */
async function verifyAll(items: readonly BackupItem[], opts: BackupSetOptions): Promise<void> {
  const seen = new Set<string>();
  for (const [index, it] of items.entries()) {
    if (seen.has(it.archive)) throw new BackupError(`two items of the set were written to ${it.archive}`, 'verify');
    seen.add(it.archive);
    let problem: string | null = null;
    try {
      const r = await verifyArchive(it.archive, {
        signal: opts.signal,
        onProgress: (n) =>
          opts.onProgress?.({
            item: it.name,
            phase: 'verify',
            done: n,
            total: it.manifest.archive.bytes,
            index,
            count: items.length,
          }),
      });
      if (r.readBack.sha256 !== it.manifest.archive.sha256) problem = 'its sha256 is not the one written';
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      problem = (e as Error).message;
    }
    if (problem !== null) {
      throw new BackupError(
        `the archive of ${it.name} changed after it was written (${problem}); the set was not kept`,
        'verify',
        'back up again into a folder nothing else writes to',
      );
    }
  }
}

/**
 * Backs up everything a plan would destroy that holds data: every `plan.destroy.volumes` entry (as a
 * `.tar.gz` of its files) and every `plan.destroy.containers` writable layer (added/changed paths, plus the
 * deleted paths in the manifest). Each archive is written to a temporary name in `dir`, fsynced, read back in
 * full against its manifest, and renamed (mode 0600) beside its `.manifest.json`.
 *
 * Contract for `guard`: resolves only when every archive exists and verified. Throws otherwise — `BackupError`
 * (target missing/unwritable/full, verification failed), `DockerError` (engine; `aborted` on `signal`) — and
 * then `dir` holds none of the files this call wrote (temporary or final) and no helper container is left:
 * the caller must destroy nothing. Networks and images are not backed up (they hold no user data; images can
 * be pulled or rebuilt). A blocked plan backs up nothing (its `destroy` is empty).
 *
 * @param opts.dir target folder, created when missing
 * @param opts.signal aborts the backup (Ctrl+C); cleanup still happens
 * @param opts.onProgress copy progress over all items, bytes done of the known total (~every chunk; throttle it)
 */
export async function backupForPlan(
  port: DockerPort,
  plan: Plan,
  opts: { readonly dir: string; readonly signal?: AbortSignal; readonly onProgress?: BackupSetOptions['onProgress'] },
): Promise<BackupResult> {
  const targets: BackupTarget[] = [
    ...plan.destroy.volumes.map((v) => ({ kind: 'volume' as const, name: v.name, bytes: v.bytes })),
    ...plan.destroy.containers.map((c) => ({ kind: 'container' as const, id: c.id, bytes: c.writableLayer.bytes })),
  ];
  return backupTargets(port, targets, opts);
}

/** What `backupBeforeRemoval` tells its caller while it works (the CLI writes lines, the explorer shows them). */
export type RemovalBackupNotice =
  | { readonly kind: 'kept-running'; readonly name: string; readonly why: 'auto-remove' | 'read-only' }
  | { readonly kind: 'stopping'; readonly name: string }
  | { readonly kind: 'starting'; readonly objects: number; readonly dir: string };

/** Thrown by `backupBeforeRemoval` when the backup failed: the cause, and what it stopped (nothing was removed). */
export class RemovalBackupFailed extends Error {
  constructor(
    override readonly cause: unknown,
    readonly stopped: readonly string[],
  ) {
    super((cause as Error)?.message ?? String(cause));
    this.name = 'RemovalBackupFailed';
  }
}

/**
 * The backup of a plan about to be carried out, taken with nothing writing to it: what `guard --backup-to` and the
 * explorer's `b` both run. The running containers the plan removes are stopped first (the plan stops them anyway;
 * a clean stop also leaves databases consistent on disk), so no write lands between the backup and the removal. A
 * `--rm` container cannot be stopped without the engine removing it (and its anonymous volumes) at once: it keeps
 * running. With `stop: false` (read-only mode: nothing on the engine changes) nothing is stopped and each running
 * container is reported. Then `backupForPlan`: every archive verified, or none left (it throws
 * `RemovalBackupFailed`, naming what it stopped) and the caller must destroy nothing.
 */
export async function backupBeforeRemoval(
  port: DockerPort,
  plan: Plan,
  opts: {
    readonly dir: string;
    readonly signal?: AbortSignal;
    readonly stop?: boolean;
    readonly onProgress?: BackupSetOptions['onProgress'];
    readonly onNotice?: (n: RemovalBackupNotice) => void;
  },
): Promise<BackupResult & { readonly stopped: readonly string[] }> {
  const d = plan.destroy;
  const live = d.containers.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused');
  const stopped: string[] = [];
  try {
    for (const c of live) {
      if (opts.stop === false) {
        opts.onNotice?.({ kind: 'kept-running', name: c.name, why: 'read-only' });
        continue;
      }
      const info = await port.inspectContainer(c.id, { signal: opts.signal });
      if (info.spec?.autoRemove) {
        opts.onNotice?.({ kind: 'kept-running', name: c.name, why: 'auto-remove' });
        continue;
      }
      opts.onNotice?.({ kind: 'stopping', name: c.name });
      await port.stopContainer(c.id, { signal: opts.signal });
      stopped.push(c.name);
    }
    opts.onNotice?.({ kind: 'starting', objects: d.volumes.length + d.containers.length, dir: opts.dir });
    // A failed or partial backup throws before anything is destroyed; its files are already removed.
    const result = await backupForPlan(port, plan, {
      dir: opts.dir,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return { ...result, stopped };
  } catch (e) {
    throw new RemovalBackupFailed(e, stopped);
  }
}
