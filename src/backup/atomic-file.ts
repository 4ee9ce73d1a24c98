/**
 * Files that appear complete or not at all: written under a hidden temporary name in the target folder
 * (mode 0600), fsynced, then given their final name without ever replacing an existing file (a hard link, which
 * fails if the name is taken, then the temporary name is removed), and the folder fsynced. `discard` removes the
 * temporary file.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, lstat, open, rename, rm, statfs, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

/** Prefix of every temporary file lastlook writes; leftovers from a killed run can be found by it. */
export const TEMP_PREFIX = '.lastlook-tmp-';

export class AtomicFile {
  private done = false;

  private constructor(
    readonly finalPath: string,
    readonly tempPath: string,
  ) {}

  /** Reserves the temporary name: `wx` never follows or overwrites anything; 0600 because backups hold user data. */
  static async create(finalPath: string): Promise<AtomicFile> {
    const tempPath = join(dirname(finalPath), `${TEMP_PREFIX}${randomBytes(4).toString('hex')}-${basename(finalPath)}`);
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
