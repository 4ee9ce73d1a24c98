/**
 * Sizes of a container's added and changed paths read from its writable layer on this machine: the engine's
 * overlay upper directory (inspect's `GraphDriver.Data.UpperDir`), one `lstat` per path, nothing written and no
 * request to the engine. Docker 28 streams `GET …/archive` and the export at ~80 µs per file (16 s for 200,000
 * paths, BENCHMARKS.md "## diff"), where `docker diff` itself takes ~3.5 s: a local engine's layer is read here in a
 * fraction of that. Used only when lastlook can read that directory (a local engine, as root or as the owner of a
 * rootless one); anything unexpected returns null and the engine is asked instead (./filesystem.ts).
 *
 * What it reports is what the export's tar headers say (test/engine/diff-nonmutation.test.ts compares them path
 * by path on every engine and in every state; the rules on local directories: test/docker/layer-sizes.test.ts): a directory, symlink or special file has size 0, a symlink's target
 * is kept as written, and of several names of one inode (hardlinks) the first in the export's walk order carries
 * the bytes and the others are links to it.
 *
 * The layer's names are hostile (the container made them): a path is only looked up under a parent that was itself
 * found to be a real directory of the layer (never a symlink), and the result is dropped otherwise. Whatever the
 * layer does not hold as `/changes` listed it (a running container removed a file meanwhile, or a driver that lists
 * a renamed directory's files at their new path while they stay in a lower layer) hands the whole read back to the
 * engine: no size is left unknown that the engine could give.
 */
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { PathStat } from '../core/diff-tree.js';
import { decodeNameBytes } from '../core/escape.js';
import type { Change } from '../core/model.js';

/** A `.` or `..` segment: never in a path the engine lists. */
const DOT_SEGMENT = /\/\.\.?(\/|$)/;

/** Paths looked up between two turns of the event loop (the explorer keeps answering keys meanwhile). */
const CHUNK = 2_000;

/** The export's walk order: directory by directory, names in byte order (`a`, `a/c`, `a.b`). */
export function walkOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A segment that ends first sorts first: `/` ranks below every other character.
    if (x === 0x2f) return -1;
    if (y === 0x2f) return 1;
    return x - y;
  }
  return a.length - b.length;
}

function statOf(st: Stats, full: string): PathStat {
  if (st.isDirectory()) return { type: 'directory', size: 0, linkTarget: null };
  // The target's bytes as the export's tar header would give them: decoded losslessly (core/escape.ts).
  if (st.isSymbolicLink()) {
    return { type: 'symlink', size: 0, linkTarget: decodeNameBytes(readlinkSync(full, { encoding: 'buffer' })) };
  }
  if (st.isFile()) return { type: 'file', size: st.size, linkTarget: null };
  return { type: 'other', size: 0, linkTarget: null };
}

export interface LayerRead {
  readonly sizes: Map<string, PathStat> | null;
  /** Why the layer could not serve (null when it did). */
  readonly reason: string | null;
}

const fail = (reason: string): LayerRead => ({ sizes: null, reason });

/**
 * The sizes of `changes` (added and changed paths) from the layer at `upper`, or null sizes with the reason when it
 * cannot serve: not an absolute readable directory, a name the engine's JSON cannot spell (U+FFFD), a path whose
 * parent is not a directory of the layer, or a path missing from it.
 */
export async function readLayerSizes(
  upper: string,
  changes: readonly Change[],
  opts: { readonly signal?: AbortSignal } = {},
): Promise<LayerRead> {
  if (!isAbsolute(upper)) return fail('the layer path is not absolute');
  try {
    if (!lstatSync(upper).isDirectory()) return fail(`${upper} is not a directory`);
  } catch (e) {
    return fail(`cannot read ${upper}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const wanted: string[] = [];
  for (const c of changes) {
    if (c.kind === 'deleted') continue;
    if (c.path.includes('\ufffd')) return fail("a name the engine's JSON cannot spell");
    if (c.path[0] !== '/' || DOT_SEGMENT.test(c.path)) {
      return fail(`an unexpected path in /changes: ${JSON.stringify(c.path)}`);
    }
    wanted.push(c.path);
  }
  // The engine lists a directory before what it holds (a walk of the layer, in the directory's own order): looked
  // up as listed, and in the export's order only when a path came before its parent.
  const listed = await lookUp(upper, wanted, opts, false);
  if (listed !== OUT_OF_ORDER) return listed;
  wanted.sort(walkOrder);
  return (await lookUp(upper, wanted, opts, true)) as LayerRead;
}

const OUT_OF_ORDER = Symbol('out of order');

/** One lstat per path, parents first; OUT_OF_ORDER when a path comes before its parent in an unsorted list. */
async function lookUp(
  upper: string,
  paths: readonly string[],
  opts: { readonly signal?: AbortSignal },
  sorted: boolean,
): Promise<LayerRead | typeof OUT_OF_ORDER> {
  const sizes = new Map<string, PathStat>();
  const directories = new Set<string>(['']);
  // Names of one inode (hardlinks): the first in the export's order carries the bytes, the others link to it.
  const inodes = new Map<string, string[]>();
  for (let i = 0; i < paths.length; i++) {
    if (i > 0 && i % CHUNK === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) return fail('cancelled');
    }
    const path = paths[i] as string;
    if (!directories.has(path.slice(0, path.lastIndexOf('/')))) {
      if (!sorted) return OUT_OF_ORDER;
      // Its parent is not a directory found in the layer: never looked up through whatever stands there.
      return fail(`the parent of ${path} is not a directory of the layer`);
    }
    const full = upper + path;
    let st: Stats | undefined;
    let stat: PathStat;
    try {
      st = lstatSync(full, { throwIfNoEntry: false });
      if (st === undefined) return fail(`${path} is not in the layer`);
      stat = statOf(st, full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return fail(`cannot read ${path} in the layer: ${code ?? (e as Error).message}`);
    }
    if (stat.type === 'directory') directories.add(path);
    if (stat.type === 'file' && st.nlink > 1) {
      const inode = `${st.dev}:${st.ino}`;
      const names = inodes.get(inode);
      if (names) names.push(path);
      else inodes.set(inode, [path]);
    }
    sizes.set(path, stat);
  }
  for (const names of inodes.values()) {
    if (names.length < 2) continue;
    names.sort(walkOrder);
    const first = names[0] as string;
    for (const other of names.slice(1)) sizes.set(other, { type: 'link', size: 0, linkTarget: first });
  }
  return { sizes, reason: null };
}
