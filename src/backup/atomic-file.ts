/**
 * Files that appear complete or not at all: written under a hidden temporary name in the target folder
 * (mode 0600), fsynced, then renamed, and the folder fsynced. `discard` removes the temporary file.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm, statfs, writeFile } from 'node:fs/promises';
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

  /** Seals, renames to the final name and fsyncs the folder. */
  async commit(): Promise<void> {
    await this.seal();
    await rename(this.tempPath, this.finalPath);
    this.done = true;
    await syncDir(dirname(this.finalPath));
  }

  /** Removes the temporary file (no-op after commit). Never throws. */
  async discard(): Promise<void> {
    if (!this.done) await rm(this.tempPath, { force: true }).catch(() => {});
  }
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
