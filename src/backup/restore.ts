/**
 * Restore in two passes over one open file descriptor (so the bytes checked are the bytes extracted: a file
 * swapped in at the archive's path meanwhile is never read). Pass 1 reads the whole archive before anything is
 * written: sha256 and counts against the manifest, and every entry through EntryPolicy (./entry-policy.ts).
 * Only a clean archive gets pass 2, which streams the tar (gunzipped) to `PUT /containers/{id}/archive` through
 * the same scanner and policy again: an entry refused there stops the stream before its bytes reach the engine,
 * more content than pass 1 counted stops it too, and a hash that differs at the end fails the restore.
 * - a volume archive goes through a never-started helper with the target volume mounted read-write at `/v`;
 * - a writable-layer archive goes onto the target container itself, at `/`, never into any of its mounts.
 *
 * The manifest is untrusted input: the policy's rules follow from the kind of restore, never from the manifest;
 * a restored volume is a plain local volume unless the user passes a driver or options; the manifest's driver
 * options are only shown. A restore that fails after it created a volume removes that volume.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { escapeName } from '../core/escape.js';
import type { VolumeInfo } from '../core/model.js';
import { TAR_END, TarScanner } from '../core/tar-scan.js';
import { DockerError } from '../docker/errors.js';
import type { DockerPort } from '../docker/port.js';
import { freeBytes } from './atomic-file.js';
import { ENGINE_MOUNTS, EntryPolicy, type PolicyOptions } from './entry-policy.js';
import { ArchiveError, RestoreError } from './errors.js';
import type { BackupManifest } from './manifest.js';
import { archiveStream, compareWithManifest, loadManifest, openArchive, readBack } from './verify.js';

export interface ValidatedArchive {
  readonly manifest: BackupManifest;
  readonly entries: number;
}

/** How many refused entries a message lists. */
const MAX_LISTED = 20;

export { RestoreError } from './errors.js';

/** Room counted per entry on top of the content bytes (an inode, a directory block). */
const BYTES_PER_ENTRY = 4096;

/**
 * Pass 1 over an open archive: full read-back and policy check of every entry. Throws ArchiveError (`mismatch` /
 * `refused`, the last listing the refused entries) without touching any engine.
 */
export async function validateOpen(
  handle: FileHandle,
  manifest: BackupManifest,
  name: string,
  policy: PolicyOptions,
  signal?: AbortSignal,
): Promise<ValidatedArchive> {
  const check = new EntryPolicy(policy);
  const refused: string[] = [];
  let total = 0;
  const r = await readBack(handle, {
    signal,
    onEntry: (e) => {
      total++;
      const why = check.check(e);
      if (why) refused.push(why);
    },
  });
  const problems = compareWithManifest(manifest, r);
  if (problems.length > 0) {
    throw new ArchiveError('mismatch', `${name} does not match its manifest: ${problems.join('; ')}`, problems);
  }
  if (refused.length > 0) {
    const listed = refused.slice(0, MAX_LISTED);
    if (refused.length > MAX_LISTED) listed.push(`… and ${refused.length - MAX_LISTED} more`);
    throw new ArchiveError(
      'refused',
      `${name} has ${refused.length} unsafe entr${refused.length === 1 ? 'y' : 'ies'}: ${listed.join('; ')}`,
      listed,
    );
  }
  return { manifest, entries: total };
}

/** Pass 1 by path (opens, validates, closes), for callers that only check. */
export async function validateArchive(archive: string, signal?: AbortSignal): Promise<ValidatedArchive> {
  const manifest = await loadTarManifest(archive);
  const h = await openArchive(archive);
  try {
    return await validateOpen(h, manifest, archive, { root: manifest.kind === 'volume' ? 'v' : '' }, signal);
  } finally {
    await h.close();
  }
}

async function loadTarManifest(archive: string): Promise<BackupManifest> {
  const manifest = await loadManifest(archive);
  if (manifest.kind === 'dump' || !manifest.content) {
    throw new ArchiveError(
      'unreadable',
      `${archive} is a ${manifest.kind === 'dump' ? `${manifest.dump?.database ?? 'database'} dump` : 'file'}, not a tar archive: load it with the database's own tool`,
    );
  }
  return manifest;
}

/**
 * Pass 2: the archive from the same descriptor, gunzipped and re-checked entry by entry; only the raw bytes of
 * accepted entries go on, then an end-of-archive marker. Fails on a refused entry, on more content than
 * `limit`, and (at the end) on a hash that is not the manifest's.
 */
function checkedTar(handle: FileHandle, manifest: BackupManifest, policy: PolicyOptions, limit: number) {
  const check = new EntryPolicy(policy);
  const hash = createHash('sha256');
  let content = 0;
  const out: Buffer[] = [];
  const scanner = new TarScanner({
    onEntry: (e) => {
      const why = check.check(e);
      if (why) throw new ArchiveError('refused', `the archive changed while it was restored: ${why}`, [why]);
      content += e.size;
      if (content > limit) {
        throw new ArchiveError(
          'mismatch',
          `the archive changed while it was restored: it holds more than the ${limit} bytes it was checked to hold`,
        );
      }
      return true;
    },
    onRaw: (b) => out.push(b),
  });
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const filter = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _e, cb) {
      try {
        scanner.write(chunk);
        for (const b of out) this.push(b);
        out.length = 0;
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        scanner.end();
        if (hash.digest('hex') !== manifest.archive.sha256) {
          throw new ArchiveError('mismatch', 'the archive changed while it was restored (its sha256 differs now)');
        }
        this.push(TAR_END);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
  pipeline(archiveStream(handle), tap, createGunzip(), filter).catch((e: unknown) => filter.destroy(e as Error));
  return filter;
}

/** True when the volume holds anything besides its root directory (read through a read-only helper). */
export async function volumeIsEmpty(port: DockerPort, volume: string, signal?: AbortSignal): Promise<boolean> {
  const helper = await port.createVolumeReader(volume, { signal: AbortSignal.timeout(60_000) });
  try {
    const stream = await port.archive(helper, '/v', { signal });
    let entries = 0;
    const scanner = new TarScanner({
      onEntry: () => {
        entries++;
        return false;
      },
    });
    const ac = new AbortController();
    try {
      await pipeline(
        stream,
        new Writable({
          write(chunk: Buffer, _e, cb) {
            scanner.write(chunk);
            // The root `v/` is the first entry; a second one means "not empty": stop reading there.
            if (entries > 1) ac.abort();
            cb();
          },
        }),
        { signal: AbortSignal.any([ac.signal, ...(signal ? [signal] : [])]) },
      );
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    }
    return entries <= 1;
  } finally {
    await port.removeContainer(helper, { force: true, volumes: false, signal: AbortSignal.timeout(60_000) });
  }
}

export interface RestoreVolumeOptions {
  /** Target volume. @default the manifest's volume name */
  readonly volume?: string;
  /** Allow a non-empty target volume (files of the archive overwrite same-named ones). @default false */
  readonly force?: boolean;
  /** Driver for a volume the restore creates (given by the user, never taken from the manifest). @default local */
  readonly driver?: string;
  /** Driver options for a volume the restore creates (given by the user). @default none */
  readonly options?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface RestoreResult {
  readonly target: string;
  /** True when the volume did not exist and was created (plain local, unless the user passed options). */
  readonly created: boolean;
  readonly entries: number;
  readonly manifest: BackupManifest;
  /** Writable layer: paths the original container had deleted, which restore cannot delete. */
  readonly notDeleted: readonly string[];
  /** Things the user should know (options the manifest names but restore did not apply, an unchecked room). */
  readonly notes: readonly string[];
}

/** Host folders where a volume's data lives: its mountpoint, and an absolute `device` option (bind-type). */
function dataPaths(v: { readonly mountpoint?: string; readonly options?: Readonly<Record<string, string>> }) {
  const paths: string[] = [];
  if (v.mountpoint) paths.push(v.mountpoint);
  const device = v.options?.device;
  if (device?.startsWith('/')) paths.push(device);
  return paths.map((p) => p.replace(/\/+$/, '') || '/');
}

function overlaps(a: string, b: string): boolean {
  const inside = (x: string, y: string) => x === y || y === '/' || x.startsWith(`${y}/`);
  return inside(a, b) || inside(b, a);
}

/** The other volume whose data lives where `target` would write, if any. */
function overlappingVolume(
  target: string,
  paths: readonly string[],
  volumes: readonly VolumeInfo[],
): { name: string; path: string } | null {
  for (const v of volumes) {
    if (v.name === target) continue;
    for (const other of dataPaths(v)) {
      for (const mine of paths) if (overlaps(mine, other)) return { name: v.name, path: other };
    }
  }
  return null;
}

/** A line that shows (never applies) the driver and options a manifest names. */
export function manifestOptionsNote(manifest: BackupManifest): string | null {
  const opts = manifest.source.options ?? {};
  const keys = Object.keys(opts);
  const driver = manifest.source.driver;
  if (keys.length === 0 && (driver === undefined || driver === 'local')) return null;
  const shown = keys.map((k) => `--opt ${escapeName(`${k}=${opts[k] ?? ''}`)}`).join(' ');
  return (
    `the backed-up volume used driver ${escapeName(driver ?? 'local')}${shown ? ` with ${shown}` : ''}; ` +
    'not applied (a manifest is untrusted): pass --driver / --opt yourself to use them'
  );
}

/**
 * Free bytes where a volume's data will land, when lastlook can see that folder (a local engine); null when it
 * cannot tell (remote engine, a driver that keeps data elsewhere).
 */
async function roomFor(port: DockerPort, paths: readonly string[], signal?: AbortSignal): Promise<number | null> {
  const host = (await port.engineInfo({ signal })).host;
  const path = paths[paths.length - 1];
  if (!host.startsWith('unix://') || !path) return null;
  try {
    return await freeBytes(path);
  } catch {
    return null;
  }
}

/**
 * Restores a volume archive into a new or empty volume (a non-empty one only with `force`). Validates every
 * entry first; on refusal nothing is created or written. A volume it created is removed again if the restore
 * fails after that.
 */
export async function restoreVolume(
  port: DockerPort,
  archive: string,
  opts: RestoreVolumeOptions = {},
): Promise<RestoreResult> {
  const manifest = await loadTarManifest(archive);
  if (manifest.kind !== 'volume') {
    throw new RestoreError(
      `${archive} is a writable-layer backup of container ${manifest.source.name}, not a volume`,
      'wrong-kind',
      'restore it onto a container with --container NAME',
    );
  }
  const handle = await openArchive(archive);
  try {
    const policy: PolicyOptions = { root: 'v' };
    const { entries } = await validateOpen(handle, manifest, archive, policy, opts.signal);
    const target = opts.volume ?? manifest.source.name;
    const notes = [manifestOptionsNote(manifest)].filter((n): n is string => n !== null);
    const volumes = await port.listVolumes({ signal: opts.signal });
    const existing = volumes.find((v) => v.name === target) ?? null;
    const clash = overlappingVolume(target, dataPaths(existing ?? { options: opts.options ?? {} }), volumes);
    if (clash) {
      throw new RestoreError(
        `volume ${clash.name}'s data lives at ${clash.path}, where ${target} would write: restore never writes there`,
        'overlap',
        'restore into a plain new volume (--volume NEW_NAME, without --opt)',
      );
    }
    opts.signal?.throwIfAborted();
    if (!existing) {
      await port.createVolume(
        { name: target, driver: opts.driver ?? 'local', labels: manifest.source.labels, options: opts.options ?? {} },
        { signal: opts.signal },
      );
    }
    try {
      await fillVolume(port, handle, manifest, target, entries, notes, opts);
    } catch (e) {
      if (!existing) await removeCreated(port, target, e);
      throw e;
    }
    return { target, created: !existing, entries, manifest, notDeleted: [], notes };
  } finally {
    await handle.close();
  }
}

/** Removes a volume this restore created (its failure is reported with the original error). */
async function removeCreated(port: DockerPort, volume: string, cause: unknown): Promise<void> {
  try {
    await port.removeVolume(volume, { force: true, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    if (cause instanceof Error)
      cause.message += ` (and the volume ${volume} it created could not be removed: ${(e as Error).message})`;
  }
}

/** Emptiness and room checks on the target, then pass 2 through a writer helper. */
async function fillVolume(
  port: DockerPort,
  handle: FileHandle,
  manifest: BackupManifest,
  target: string,
  entries: number,
  notes: string[],
  opts: RestoreVolumeOptions,
): Promise<void> {
  if (!opts.force && !(await volumeIsEmpty(port, target, opts.signal))) {
    throw new RestoreError(
      `volume ${target} is not empty`,
      'not-empty',
      `restore into a new volume with --volume NEW_NAME, or add --force to write over ${target}`,
    );
  }
  const content = manifest.content?.bytes ?? 0;
  const need = content + entries * BYTES_PER_ENTRY;
  const info = (await port.listVolumes({ signal: opts.signal })).find((v) => v.name === target);
  const free = info ? await roomFor(port, dataPaths(info), opts.signal) : null;
  if (free === null)
    notes.push(`the free space for volume ${escapeName(target)} could not be checked (about ${need} bytes needed)`);
  else if (need > free) {
    throw new RestoreError(
      `not enough room for volume ${target}: the archive declares ${content} bytes in ${entries} entries (about ${need} bytes with metadata), ${free} free`,
      'space',
      'free some space where the volume lives, or restore into another volume',
    );
  }
  const helper = await port.createVolumeWriter(target, { signal: AbortSignal.timeout(60_000) });
  try {
    opts.signal?.throwIfAborted();
    // Entries are `v/…`: extracted at `/` of the helper they land in the volume mounted at /v.
    await extract(port, helper, checkedTar(handle, manifest, { root: 'v' }, content), target, opts.signal);
  } finally {
    await port.removeContainer(helper, { force: true, volumes: false, signal: AbortSignal.timeout(60_000) });
  }
}

/** `putArchive`, with an engine failure mid-way turned into one clear RestoreError. */
async function extract(
  port: DockerPort,
  id: string,
  tar: Transform,
  target: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await port.putArchive(id, '/', tar, { signal });
  } catch (e) {
    if (e instanceof ArchiveError || signal?.aborted) throw e;
    if (e instanceof DockerError && (e.kind === 'unreachable' || e.kind === 'permission')) throw e;
    throw new RestoreError(
      `the engine stopped extracting into ${target} part-way: ${(e as Error).message}`,
      'failed',
      null,
    );
  }
}

/**
 * Restores a writable-layer archive onto an existing container created from the same image (the manifest must
 * name that image's ID): added and changed paths are written at `/`, never at or below one of the container's
 * mounts. Deleted paths are returned, not applied.
 */
export async function restoreContainer(
  port: DockerPort,
  archive: string,
  opts: { readonly container: string; readonly signal?: AbortSignal },
): Promise<RestoreResult> {
  const manifest = await loadTarManifest(archive);
  if (manifest.kind !== 'container') {
    throw new RestoreError(`${archive} is a volume backup, not a writable layer`, 'wrong-kind', 'use --volume NAME');
  }
  const info = await port.inspectContainer(opts.container, { signal: opts.signal });
  const want = manifest.source.imageId;
  if (typeof want !== 'string' || want === '') {
    throw new RestoreError(
      `${archive}'s manifest names no image ID: restore cannot check that ${info.name} is from the image the layer was taken on`,
      'wrong-image',
      'restore only archives written by lastlook backup, onto a container created from the same image',
    );
  }
  if (want !== info.imageId) {
    throw new RestoreError(
      `container ${info.name} runs image ${info.image} (${info.imageId.slice(7, 19)}), the layer was taken on ${manifest.source.image ?? 'another image'} (${want.slice(7, 19)})`,
      'wrong-image',
      'restore onto a container created from the same image',
    );
  }
  const policy: PolicyOptions = { root: '', mounts: [...info.mounts.map((m) => m.destination), ...ENGINE_MOUNTS] };
  const handle = await openArchive(archive);
  try {
    const { entries } = await validateOpen(handle, manifest, archive, policy, opts.signal);
    if (entries > 0) {
      const tar = checkedTar(handle, manifest, policy, manifest.content?.bytes ?? 0);
      await extract(port, info.id, tar, `container ${info.name}`, opts.signal);
    }
    return { target: info.name, created: false, entries, manifest, notDeleted: manifest.deleted ?? [], notes: [] };
  } finally {
    await handle.close();
  }
}
