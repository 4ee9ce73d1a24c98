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
import { lstatSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
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

/** What the export's tar header says of the path at `i` of `found`, or why the layer cannot serve it. */
function statOf(found: Found, i: number, upper: string, path: string): PathStat | string {
  if (found.failedAt === i) {
    return found.code ? `cannot read ${path} in the layer: ${found.code}` : `${path} is not in the layer`;
  }
  switch (found.kind[i]) {
    case KIND.directory:
      return { type: 'directory', size: 0, linkTarget: null };
    case KIND.symlink:
      // The target's bytes as the export's tar header would give them: decoded losslessly (core/escape.ts).
      try {
        return {
          type: 'symlink',
          size: 0,
          linkTarget: decodeNameBytes(readlinkSync(upper + path, { encoding: 'buffer' })),
        };
      } catch (e) {
        return `cannot read ${path} in the layer: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      }
    case KIND.file:
      return { type: 'file', size: found.size[i] as number, linkTarget: null };
    case KIND.other:
      return { type: 'other', size: 0, linkTarget: null };
    default:
      // Not looked up (after a failure on the other thread's part): the failure is reported first.
      return `${path} was not looked up`;
  }
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
  opts: { readonly signal?: AbortSignal; readonly secondThreadFrom?: number } = {},
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

/**
 * From this many paths that hold no other path on, half of those are looked up on a second thread (a worker made
 * for the read, Node's fs alone): after `/changes` the engine is idle, and `lstat` is most of the read (200,000
 * paths: ~0.6 s of syscalls and ~0.1 s of Node building each `Stats`, BENCHMARKS.md "200,000 changed paths").
 */
export const SECOND_THREAD_FROM = 20_000;

/** What one `lstat` found, as numbers a thread can hand back. */
const KIND = { missing: 0, directory: 1, symlink: 2, file: 3, other: 4 } as const;

interface Found {
  readonly kind: Uint8Array;
  readonly size: Float64Array;
  readonly nlink: Float64Array;
  readonly dev: Float64Array;
  readonly ino: Float64Array;
  /** The first index that could not be looked up (-1: none), and the error's code. */
  failedAt: number;
  code: string;
}

/** Room for the lookups of `n` paths. Kept free of anything outside its body: the second thread runs its text. */
function emptyFound(n: number): Found {
  return {
    kind: new Uint8Array(n),
    size: new Float64Array(n),
    nlink: new Float64Array(n),
    dev: new Float64Array(n),
    ino: new Float64Array(n),
    failedAt: -1,
    code: '',
  };
}

/**
 * Looks up `paths[from..to)` (each a path under `upper`) into `found`, at the same indexes; false at the first path
 * that cannot be looked up (then `found.failedAt`). The same loop on either thread: kept free of anything outside
 * its body, the second thread runs its source text.
 */
function lstatInto(
  lstat: typeof lstatSync,
  upper: string,
  paths: readonly string[],
  from: number,
  to: number,
  found: Found,
): boolean {
  for (let i = from; i < to; i++) {
    let st: import('node:fs').Stats | undefined;
    try {
      st = lstat(upper + paths[i], { throwIfNoEntry: false });
    } catch (e) {
      found.failedAt = i;
      found.code = (e as NodeJS.ErrnoException).code ?? String((e as Error).message);
      return false;
    }
    if (st === undefined) {
      found.failedAt = i;
      return false;
    }
    // 1 directory, 2 symlink, 3 file, 4 anything else (KIND).
    found.kind[i] = st.isDirectory() ? 1 : st.isSymbolicLink() ? 2 : st.isFile() ? 3 : 4;
    found.size[i] = st.size;
    found.nlink[i] = st.nlink;
    found.dev[i] = st.dev;
    found.ino[i] = st.ino;
  }
  return true;
}

/** The second thread: `lstatInto` over the paths it is given (joined by NUL, which no path holds). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { lstatSync } = require('node:fs');
const emptyFound = ${emptyFound.toString()};
const lstatInto = ${lstatInto.toString()};
const paths = workerData.joined.split('\\0');
const found = emptyFound(paths.length);
lstatInto(lstatSync, workerData.upper, paths, 0, paths.length, found);
parentPort.postMessage(found, [found.kind.buffer, found.size.buffer, found.nlink.buffer, found.dev.buffer, found.ino.buffer]);
`;

/**
 * `lstatInto` of `paths` on a second thread: `found` is null when the thread could not run it (the caller looks
 * them up itself); `stop` ends the thread. Exported for the tests.
 */
export function lstatOnSecondThread(
  upper: string,
  paths: readonly string[],
  signal?: AbortSignal,
): { found: Promise<Found | null>; stop: () => void } {
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  let worker: import('node:worker_threads').Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { upper, joined: paths.join('\0') } });
  } catch {
    return { found: Promise.resolve(null), stop: () => {} };
  }
  const stop = () => void worker.terminate();
  const found = new Promise<Found | null>((resolve) => {
    signal?.addEventListener('abort', stop, { once: true });
    const settle = (f: Found | null) => {
      signal?.removeEventListener('abort', stop);
      resolve(f);
    };
    worker.once('message', (f: Found) => settle(f));
    worker.once('error', () => settle(null));
    worker.once('exit', () => settle(null));
  });
  return { found, stop };
}

/**
 * The lookups of every path, in chunks between turns of the event loop (the explorer keeps answering keys); from
 * `secondThreadFrom` paths on, the second half on a second thread meanwhile. Null when cancelled.
 */
async function lookUpAll(
  upper: string,
  paths: readonly string[],
  opts: { readonly signal?: AbortSignal; readonly secondThreadFrom?: number },
): Promise<Found | null> {
  const half =
    paths.length >= (opts.secondThreadFrom ?? SECOND_THREAD_FROM) && availableParallelism() > 1
      ? Math.floor(paths.length / 2)
      : paths.length;
  const other = half < paths.length ? lstatOnSecondThread(upper, paths.slice(half), opts.signal) : null;
  const found = emptyFound(paths.length);
  for (let from = 0; from < half; from += CHUNK) {
    if (from > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) {
        other?.stop();
        return null;
      }
    }
    if (!lstatInto(lstatSync, upper, paths, from, Math.min(half, from + CHUNK), found)) {
      // The layer cannot serve: the rest is not needed.
      other?.stop();
      return found;
    }
  }
  if (!other) return found;
  const theirs = await other.found;
  if (opts.signal?.aborted) return null;
  // A thread that could not run: its half here.
  if (!theirs) lstatInto(lstatSync, upper, paths, half, paths.length, found);
  else {
    found.kind.set(theirs.kind, half);
    found.size.set(theirs.size, half);
    found.nlink.set(theirs.nlink, half);
    found.dev.set(theirs.dev, half);
    found.ino.set(theirs.ino, half);
    if (theirs.failedAt >= 0) {
      found.failedAt = half + theirs.failedAt;
      found.code = theirs.code;
    }
  }
  return found;
}

async function lookUp(
  upper: string,
  paths: readonly string[],
  opts: { readonly signal?: AbortSignal; readonly secondThreadFrom?: number },
  sorted: boolean,
): Promise<LayerRead | typeof OUT_OF_ORDER> {
  // A path is looked up only under a parent found to be a directory of the layer. The paths that hold others are
  // looked up first, in order (each after its own parent); the rest then hold nothing, so they are looked up in any
  // order and on two threads.
  const holders = new Set<string>();
  for (const path of paths) holders.add(path.slice(0, path.lastIndexOf('/')));
  const directories = new Set<string>(['']);
  const sizes = new Map<string, PathStat>();
  const leaves: string[] = [];
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
    if (!holders.has(path)) {
      leaves.push(path);
      continue;
    }
    const one = emptyFound(1);
    lstatInto(lstatSync, upper, [path], 0, 1, one);
    const stat = statOf(one, 0, upper, path);
    if (typeof stat === 'string') return fail(stat);
    if (stat.type === 'directory') directories.add(path);
    sizes.set(path, stat);
  }
  const found = await lookUpAll(upper, leaves, opts);
  if (!found) return fail('cancelled');
  // Names of one inode (hardlinks): the first in the export's order carries the bytes, the others link to it.
  const inodes = new Map<string, string[]>();
  for (let i = 0; i < leaves.length; i++) {
    const path = leaves[i] as string;
    const stat = statOf(found, i, upper, path);
    if (typeof stat === 'string') return fail(stat);
    if (stat.type === 'file' && (found.nlink[i] as number) > 1) {
      const inode = `${found.dev[i]}:${found.ino[i]}`;
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
