/**
 * Restore in two passes. Pass 1 reads the whole archive before anything is written: sha256 and counts against
 * the manifest, and every entry through EntryPolicy (./entry-policy.ts). Only a clean archive gets pass 2,
 * which streams the original tar bytes unchanged (gunzipped) to `PUT /containers/{id}/archive` of:
 * - a volume archive: a never-started helper with the target volume mounted read-write at `/v`; the engine
 *   extracts with the modes, owners (numeric uid/gid) and links of the tar headers;
 * - a writable-layer archive: the target container itself, at `/`. Deleted paths cannot be replayed through the
 *   API; they are returned for the caller to report.
 */
import { createReadStream } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { TarScanner } from '../core/tar-scan.js';
import type { DockerPort } from '../docker/port.js';
import { EntryPolicy } from './entry-policy.js';
import type { BackupManifest } from './manifest.js';
import { ArchiveError, compareWithManifest, loadManifest, readBack } from './verify.js';

export interface ValidatedArchive {
  readonly manifest: BackupManifest;
  readonly entries: number;
}

/** How many refused entries a message lists. */
const MAX_LISTED = 20;

/**
 * Pass 1: full read-back and policy check of every entry. Throws ArchiveError (`missing` / `unreadable` /
 * `mismatch` / `refused`, the last listing the refused entries) without touching any engine.
 */
export async function validateArchive(archive: string, signal?: AbortSignal): Promise<ValidatedArchive> {
  const manifest = await loadManifest(archive);
  if (manifest.kind === 'dump' || !manifest.content) {
    throw new ArchiveError(
      'unreadable',
      `${archive} is a ${manifest.kind === 'dump' ? `${manifest.dump?.database ?? 'database'} dump` : 'file'}, not a tar archive: load it with the database's own tool`,
    );
  }
  const policy = new EntryPolicy({ root: manifest.content.root });
  const refused: string[] = [];
  let total = 0;
  const r = await readBack(archive, {
    signal,
    onEntry: (e) => {
      total++;
      const why = policy.check(e);
      if (why) refused.push(why);
    },
  });
  const problems = compareWithManifest(manifest, r);
  if (problems.length > 0) {
    throw new ArchiveError('mismatch', `${archive} does not match its manifest: ${problems.join('; ')}`, problems);
  }
  if (refused.length > 0) {
    const listed = refused.slice(0, MAX_LISTED);
    if (refused.length > MAX_LISTED) listed.push(`… and ${refused.length - MAX_LISTED} more`);
    throw new ArchiveError(
      'refused',
      `${archive} has ${refused.length} unsafe entr${refused.length === 1 ? 'y' : 'ies'}: ${listed.join('; ')}`,
      listed,
    );
  }
  return { manifest, entries: total };
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

function gunzipped(archive: string): NodeJS.ReadableStream & PassThrough {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  pipeline(createReadStream(archive, { highWaterMark: 1 << 20 }), createGunzip(), out).catch((e: unknown) =>
    out.destroy(e as Error),
  );
  return out;
}

export interface RestoreVolumeOptions {
  /** Target volume. @default the manifest's volume name */
  readonly volume?: string;
  /** Allow a non-empty target volume (files of the archive overwrite same-named ones). @default false */
  readonly force?: boolean;
  readonly signal?: AbortSignal;
}

export interface RestoreResult {
  readonly target: string;
  /** True when the volume did not exist and was created (with the manifest's driver, options and labels). */
  readonly created: boolean;
  readonly entries: number;
  readonly manifest: BackupManifest;
  /** Writable layer: paths the original container had deleted, which restore cannot delete. */
  readonly notDeleted: readonly string[];
}

/** Restore refused before anything was written, for a reason about the target (not the archive). */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
  constructor(
    message: string,
    readonly reason: 'not-empty' | 'wrong-kind',
    readonly remedy: string | null,
  ) {
    super(message);
  }
}

/**
 * Restores a volume archive into a new or empty volume (a non-empty one only with `force`). Validates every
 * entry first; on refusal nothing is created or written.
 */
export async function restoreVolume(
  port: DockerPort,
  archive: string,
  opts: RestoreVolumeOptions = {},
): Promise<RestoreResult> {
  const { manifest, entries } = await validateArchive(archive, opts.signal);
  if (manifest.kind !== 'volume') {
    throw new RestoreError(
      `${archive} is a writable-layer backup of container ${manifest.source.name}, not a volume`,
      'wrong-kind',
      'restore it onto a container with --container NAME',
    );
  }
  const target = opts.volume ?? manifest.source.name;
  const exists = (await port.listVolumes({ signal: opts.signal })).some((v) => v.name === target);
  if (exists && !opts.force && !(await volumeIsEmpty(port, target, opts.signal))) {
    throw new RestoreError(
      `volume ${target} is not empty`,
      'not-empty',
      `restore into a new volume with --volume NEW_NAME, or add --force to write over ${target}`,
    );
  }
  opts.signal?.throwIfAborted();
  if (!exists) {
    await port.createVolume(
      {
        name: target,
        driver: manifest.source.driver ?? 'local',
        labels: manifest.source.labels,
        options: manifest.source.options ?? {},
      },
      { signal: opts.signal },
    );
  }
  const helper = await port.createVolumeWriter(target, { signal: AbortSignal.timeout(60_000) });
  try {
    opts.signal?.throwIfAborted();
    // Entries are `v/…`: extracted at `/` of the helper they land in the volume mounted at /v.
    await port.putArchive(helper, '/', gunzipped(archive), { signal: opts.signal });
  } finally {
    await port.removeContainer(helper, { force: true, volumes: false, signal: AbortSignal.timeout(60_000) });
  }
  return { target, created: !exists, entries, manifest, notDeleted: [] };
}

/**
 * Restores a writable-layer archive onto an existing container (typically a new one from the same image):
 * added and changed paths are written at `/`. Deleted paths are returned, not applied.
 */
export async function restoreContainer(
  port: DockerPort,
  archive: string,
  opts: { readonly container: string; readonly signal?: AbortSignal },
): Promise<RestoreResult> {
  const { manifest, entries } = await validateArchive(archive, opts.signal);
  if (manifest.kind !== 'container') {
    throw new RestoreError(`${archive} is a volume backup, not a writable layer`, 'wrong-kind', 'use --volume NAME');
  }
  const info = await port.inspectContainer(opts.container, { signal: opts.signal });
  if (manifest.source.imageId && info.imageId && manifest.source.imageId !== info.imageId) {
    throw new RestoreError(
      `container ${info.name} runs image ${info.image} (${info.imageId.slice(7, 19)}), the layer was taken on ${manifest.source.image} (${manifest.source.imageId.slice(7, 19)})`,
      'wrong-kind',
      'restore onto a container created from the same image',
    );
  }
  if (entries > 0) {
    await port.putArchive(info.id, '/', gunzipped(archive), { signal: opts.signal });
  }
  return { target: info.name, created: false, entries, manifest, notDeleted: manifest.deleted ?? [] };
}
