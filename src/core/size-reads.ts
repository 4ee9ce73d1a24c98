/**
 * Which reads give the sizes of a container's changed paths at a cost that follows the changes, not the image
 * (src/docker/filesystem.ts `readChangeSizes` carries them out):
 * - every added directory whose parent was not added (an "added root") and that holds changes of its own is read
 *   as one `GET /containers/{id}/archive?path=<root>`: everything under an added directory is new, so that tar
 *   holds exactly its changes (raw name bytes and hardlinks within it kept, like the export);
 * - every other added or changed path is stat'ed alone (`HEAD …/archive?path=…`, one header, no body).
 * A root with a mount at or under it is not archived (the tar would stream the volume's contents): its paths are
 * stat'ed one by one. A name the engine's JSON could not spell (a byte that is not UTF-8, shown as U+FFFD) cannot
 * be asked for by name: when one lies outside every archived root, only the export can size it.
 *
 * Pure: no I/O.
 */
import type { Change, MountPoint } from './model.js';

export interface SizeReads {
  /** Added roots to read as one archive each. */
  readonly archives: readonly string[];
  /** Paths to stat one by one. */
  readonly stats: readonly string[];
  /** Some path outside the archives has a name the engine cannot be asked for (U+FFFD in its JSON form). */
  readonly unnameable: number;
}

const parentOf = (p: string): string => {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
};

function isUnder(path: string, dir: string): boolean {
  return dir === '/' ? path !== '/' : path === dir || path.startsWith(`${dir}/`);
}

/** Whether the added `path` lies in (or is) one of the `archived` roots: climbs while the parents are added. */
function underArchive(path: string, added: ReadonlySet<string>, archived: ReadonlySet<string>): boolean {
  let at = path;
  for (;;) {
    if (archived.has(at)) return true;
    const parent = parentOf(at);
    if (parent === '/' || !added.has(parent)) return false;
    at = parent;
  }
}

/** Plans the reads for `changes` (any order); deleted paths need no size. */
export function planSizeReads(changes: readonly Change[], mounts: readonly MountPoint[] = []): SizeReads {
  const added = new Set<string>();
  for (const c of changes) if (c.kind === 'added') added.add(c.path);
  // An added root holds changes when some added path has it as parent (every path under it has an added chain
  // up to it, so one of its children is in the list). No map from path to root: at 200,000 paths it was the
  // largest object of a run.
  const holds = new Set<string>();
  for (const p of added) {
    const parent = parentOf(p);
    if (parent !== '/' && added.has(parent) && !added.has(parentOf(parent))) holds.add(parent);
  }
  const mountDests = mounts.map((m) => m.destination);
  const archives = [...holds].filter((r) => !mountDests.some((d) => isUnder(d, r))).sort();
  const archived = new Set(archives);
  const stats: string[] = [];
  let unnameable = 0;
  for (const c of changes) {
    if (c.kind === 'deleted') continue;
    if (c.kind === 'added' && archived.size > 0 && underArchive(c.path, added, archived)) continue;
    if (c.path.includes('\ufffd')) unnameable++;
    else stats.push(c.path);
  }
  return { archives, stats, unnameable };
}
