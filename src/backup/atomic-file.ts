/**
 * Files that appear complete or not at all: written under a hidden temporary name in the target folder
 * (mode 0600), fsynced, then given their final name without ever replacing an existing file (a hard link, which
 * fails if the name is taken, then the temporary name is removed), and the folder fsynced. `discard` removes the
 * temporary file.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, lstat, open, readdir, rename, rm, statfs, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { ownerGone, ownerTag } from '../docker/sweep.js';

/** Prefix of every temporary file lastlook writes; leftovers from a killed run can be found by it. */
export const TEMP_PREFIX = '.lastlook-tmp-';

/**
 * `.lastlook-tmp-<8 hex>-<hostname>:<pid>~<final name>`: the owner is in the name, so that a later run can tell a
 * leftover of a killed run (owner gone) from a file another run is still writing. `~` never occurs in a hostname.
 */
const TEMP_NAME = /^\.lastlook-tmp-[0-9a-f]{8}-([A-Za-z0-9.-]+:[0-9]+)~/;

/** The temporary name for `finalPath`, owned by this process. */
export function tempNameFor(finalPath: string): string {
  return join(
    dirname(finalPath),
    `${TEMP_PREFIX}${randomBytes(4).toString('hex')}-${ownerTag()}~${basename(finalPath)}`,
  );
}

/**
 * Removes the temporary files in `dir` left by a lastlook run on this host that no longer runs (kill -9 mid-backup
 * leaves one as large as the archive was). Only regular files with lastlook's own name pattern owned by this user;
 * never follows a link, never touches a live run's file. Returns the names removed. Never throws.
 */
export async function sweepTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const owner = TEMP_NAME.exec(name)?.[1];
    if (owner === undefined || !ownerGone(owner)) continue;
    const path = join(dir, name);
    const st = await lstat(path).catch(() => null);
    if (!st?.isFile() || (process.getuid !== undefined && st.uid !== process.getuid())) continue;
    if (
      await unlink(path).then(
        () => true,
        () => false,
      )
    )
      removed.push(name);
  }
  return removed;
}

export class AtomicFile {
  private done = false;

  private constructor(
    readonly finalPath: string,
    readonly tempPath: string,
  ) {}

  /** Reserves the temporary name: `wx` never follows or overwrites anything; 0600 because backups hold user data. */
  static async create(finalPath: string): Promise<AtomicFile> {
    await sweepTempFiles(dirname(finalPath));
    const tempPath = tempNameFor(finalPath);
    const h = await open(tempPath, 'wx', 0o600);
    try {
      await h.chmod(0o600);
    } finally {
      await h.close();
    }
    return new AtomicFile(finalPath, tempPath);
  }

  /** A write stream on the temporary file (closes itself at the end; `seal` then fsyncs). */
  stream(): Writable {
    return createWriteStream(this.tempPath, { flags: 'r+', highWaterMark: 1 << 20 });
  }

  async write(data: Buffer | string): Promise<void> {
    await writeFile(this.tempPath, data, { flag: 'r+' });
  }

  /** fsync, keeping the temporary name (so a verification can still read it before it counts). */
  async seal(): Promise<void> {
    const h = await open(this.tempPath, 'r+');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  }

  /** Seals, gives the file its final name (never replacing one; EEXIST if it is taken) and fsyncs the folder. */
  async commit(): Promise<void> {
    await this.commitUnique(() => this.finalPath, 1);
  }

  /**
   * Seals and gives the file the first free name of `nameFor(0)`, `nameFor(1)`, … (at most `tries`), never
   * replacing an existing file, nor taking a name for which `alsoFree(name)` exists. Returns the name taken.
   * Throws EEXIST when all are taken.
   */
  async commitUnique(
    nameFor: (n: number) => string,
    tries = 1000,
    alsoFree: (name: string) => string | null = () => null,
  ): Promise<string> {
    await this.seal();
    for (let n = 0; n < tries; n++) {
      const name = nameFor(n);
      const companion = alsoFree(name);
      if (companion !== null && (await exists(companion))) continue;
      if (!(await placeNoReplace(this.tempPath, name))) continue;
      this.done = true;
      await unlink(this.tempPath).catch(() => {});
      await syncDir(dirname(name));
      return name;
    }
    throw Object.assign(new Error(`${nameFor(0)}: every free name is taken`), { code: 'EEXIST' });
  }

  /** Removes the temporary file (no-op after commit). Never throws. */
  async discard(): Promise<void> {
    if (!this.done) await rm(this.tempPath, { force: true }).catch(() => {});
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives `temp` the name `name` unless that name exists: false when it does. A hard link is atomic and never
 * replaces; where the file system has no hard links, the name is reserved with O_EXCL first and then replaced
 * by the (complete) temporary file.
 */
async function placeNoReplace(temp: string, name: string): Promise<boolean> {
  try {
    await link(temp, name);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw e;
  }
  try {
    await (await open(name, 'wx', 0o600)).close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  await rename(temp, name);
  return true;
}

export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Bytes available to an unprivileged writer on the file system holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}
