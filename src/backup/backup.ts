/**
 * Backups of volumes and writable layers, streamed from the engine into verified `.tar.gz` files.
 *
 * - A volume is read through a never-started helper container from an empty image with the volume mounted
 *   read-only at `/v` (`GET /containers/{helper}/archive?path=/v`): nothing runs in the user's containers.
 *   The engine's tar is kept byte for byte (entries are `v/…`), only gzipped.
 * - A writable layer is read with `GET /containers/{id}/export` (no side effect, unlike the archive endpoint,
 *   which creates missing mountpoints in the layer), filtered to the paths `GET /containers/{id}/changes`
 *   reports as added or modified; raw tar blocks are copied, so names, modes, owners and links stay exact.
 *   Deleted paths go into the manifest.
 *
 * Every archive is written under a temporary name, fsynced, read back in full against its manifest, and only
 * then renamed into place (mode 0600) next to its manifest. On any failure or abort the temporary files and
 * helper containers are removed.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ContainerInfo, EngineInfo } from '../core/model.js';
import { TAR_END, TarScanner } from '../core/tar-scan.js';
import { DockerError } from '../docker/errors.js';
import type { DockerPort } from '../docker/port.js';
import { AtomicFile, freeBytes } from './atomic-file.js';
import type { DatabaseMatch } from './db-dump.js';
import { EntryPolicy } from './entry-policy.js';
import { ArchiveError, BackupError, DumpError } from './errors.js';
import {
  type BackupKind,
  type BackupManifest,
  type ContentStats,
  countEntry,
  emptyStats,
  MANIFEST_SCHEMA,
  manifestPathFor,
  safeName,
  stamp,
} from './manifest.js';
import { compareWithManifest, readBack } from './verify.js';

export { BackupError, DumpError } from './errors.js';

/**
 * gzip level 1. Measured in bench/backup-bench.mjs (BENCHMARKS.md "## backup"): level 6 (gzip's default) costs
 * about 2-3x the CPU per byte for archives only ~10 % smaller on typical volume data; a backup taken right
 * before a destructive command should be fast, and zlib level 1 is still a real compressor.
 */
export const GZIP_LEVEL = 1;

/** One progress report: bytes read from the engine so far for this item, against its known size. */
export interface BackupProgress {
  readonly item: string;
  readonly phase: 'copy' | 'verify';
  readonly done: number;
  /** Known size (volume size from /system/df, SizeRw); null when the engine could not say. */
  readonly total: number | null;
}

export interface BackupOptions {
  /** Target folder (must exist). */
  readonly dir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: BackupProgress) => void;
  /** gzip level. @default GZIP_LEVEL */
  readonly level?: number;
  /** Extra lines for the manifest's `warnings`. */
  readonly warnings?: readonly string[];
}

/** One finished, verified archive. */
export interface BackupItem {
  readonly kind: BackupKind;
  readonly name: string;
  readonly id: string | null;
  readonly archive: string;
  readonly manifestPath: string;
  readonly manifest: BackupManifest;
}

/** Removes a helper container even when the caller's signal has already fired (cleanup must still happen). */
async function removeHelper(port: DockerPort, id: string): Promise<void> {
  await port.removeContainer(id, { force: true, volumes: false, signal: AbortSignal.timeout(60_000) });
}

/** Throws BackupError('space') when `need` bytes are known and do not fit in `dir`. */
export async function checkFreeSpace(dir: string, need: number | null, what: string): Promise<void> {
  let free: number;
  try {
    free = await freeBytes(dir);
  } catch (e) {
    throw targetError(dir, e);
  }
  if (need !== null && need > free) {
    throw new BackupError(
      `not enough space in ${dir} for ${what}: needs up to ${need} bytes, ${free} free`,
      'space',
      'free some space or choose another folder with --to',
    );
  }
}

function targetError(dir: string, e: unknown): BackupError {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') {
    return new BackupError(
      `the backup target ${dir} filled up (${err.code}); the partial archive was removed`,
      'space',
      'free some space or choose another folder with --to',
    );
  }
  if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EROFS' || err.code === 'ENOTDIR') {
    return new BackupError(
      `cannot write backups to ${dir} (${err.code})`,
      'target',
      'create the folder or choose one you can write to with --to',
    );
  }
  return new BackupError(`writing to ${dir} failed: ${err.message}`, 'target');
}

function isFsError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && !(e instanceof DockerError);
}

interface WriteSpec {
  readonly port: DockerPort;
  readonly engine: EngineInfo;
  readonly kind: BackupKind;
  readonly fileBase: string;
  readonly item: string;
  readonly total: number | null;
  /** Opens the tar (or dump) source; its bytes are counted for progress. */
  readonly open: (signal: AbortSignal | undefined) => Promise<Readable>;
  /** Optional transform between source and gzip (the writable-layer filter). Receives the stats to fill. */
  readonly filter?: (stats: ContentStats) => Transform;
  /** Source is a tar (count entries)? false for dumps. */
  readonly tar: boolean;
  readonly root: string;
  /** Runs after the copy, before verification (e.g. checks the dump tool's exit code). */
  readonly afterCopy?: () => Promise<void>;
  readonly build: (parts: {
    archive: BackupManifest['archive'];
    content: BackupManifest['content'];
    rawBytes: number;
  }) => BackupManifest;
}

/**
 * Full read-back of what is on disk, against the manifest, before the archive counts as a backup; with the
 * restore policy too: a backup that restore would refuse is no backup (a verified backup must be restorable).
 */
async function checkWritten(
  spec: WriteSpec,
  opts: BackupOptions,
  path: string,
  manifest: BackupManifest,
  written: number,
): Promise<void> {
  const policy = spec.tar ? new EntryPolicy({ root: spec.root === 'v' ? 'v' : '' }) : null;
  const refused: string[] = [];
  const back = await readBack(path, {
    signal: opts.signal,
    tar: spec.tar,
    onEntry: (e) => {
      const why = policy?.check(e);
      if (why && refused.length < 5) refused.push(why);
    },
    onProgress: (n) => opts.onProgress?.({ item: spec.item, phase: 'verify', done: n, total: written }),
  });
  const problems = compareWithManifest(manifest, back);
  if (problems.length > 0) {
    throw new BackupError(`verification of the new archive failed: ${problems.join('; ')}`, 'verify');
  }
  if (refused.length > 0) {
    throw new BackupError(
      `${spec.item} holds what restore would refuse, so this backup could not be restored: ${refused.join('; ')}`,
      'verify',
      'nothing was kept or destroyed; move those entries out of it first',
    );
  }
}

/** Streams a source into a verified archive + manifest. The core of every backup. */
async function writeArchive(spec: WriteSpec, opts: BackupOptions): Promise<BackupItem> {
  const level = opts.level ?? GZIP_LEVEL;
  const ext = spec.tar ? '.tar.gz' : '.gz';
  // The first free name of base.ext, base-1.ext, …: an archive never replaces another one.
  const nameFor = (n: number) => join(opts.dir, `${spec.fileBase}${n === 0 ? '' : `-${n}`}${ext}`);
  let archivePath = nameFor(0);
  let manifestPath = manifestPathFor(archivePath);
  let archive = null as AtomicFile | null;
  let manifestFile = null as AtomicFile | null;
  let committed = false;
  let manifestDone = false;
  try {
    try {
      archive = await AtomicFile.create(archivePath);
    } catch (e) {
      throw targetError(opts.dir, e);
    }
    const stats = emptyStats();
    const hash = createHash('sha256');
    let written = 0;
    let read = 0;
    let rawBytes = 0;
    const scanner = new TarScanner({
      onEntry: (e) => {
        countEntry(stats, e);
        return false;
      },
    });
    const counter = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer, _enc, cb) {
        read += chunk.length;
        opts.onProgress?.({ item: spec.item, phase: 'copy', done: read, total: spec.total });
        cb(null, chunk);
      },
    });
    // Counts what goes into the archive (after the filter): these are the numbers the manifest promises.
    const tap = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer, _enc, cb) {
        rawBytes += chunk.length;
        try {
          if (spec.tar && !spec.filter) scanner.write(chunk);
          cb(null, chunk);
        } catch (e) {
          cb(e as Error);
        }
      },
      flush(cb) {
        try {
          if (spec.tar && !spec.filter) scanner.end();
          cb();
        } catch (e) {
          cb(e as Error);
        }
      },
    });
    const hasher = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        written += chunk.length;
        cb(null, chunk);
      },
    });
    const source = await spec.open(opts.signal);
    const stages: NodeJS.ReadWriteStream[] = [counter];
    if (spec.filter) stages.push(spec.filter(stats));
    stages.push(tap, createGzip({ level, chunkSize: 1 << 18 }), hasher);
    const streams: (NodeJS.ReadableStream | NodeJS.ReadWriteStream | NodeJS.WritableStream)[] = [
      source,
      ...stages,
      archive.stream(),
    ];
    await pipeline(streams, { signal: opts.signal });
    await archive.seal();
    await spec.afterCopy?.();

    const content = spec.tar ? { ...stats, root: spec.root } : null;
    let manifest = spec.build({
      archive: {
        file: `${spec.fileBase}${ext}`,
        bytes: written,
        sha256: hash.digest('hex'),
        compression: 'gzip',
        level,
      },
      content,
      rawBytes,
    });
    await checkWritten(spec, opts, archive.tempPath, manifest, written);
    try {
      archivePath = await archive.commitUnique(nameFor, 1000, manifestPathFor);
      committed = true;
      manifestPath = manifestPathFor(archivePath);
      manifest = { ...manifest, archive: { ...manifest.archive, file: basename(archivePath) } };
      manifestFile = await AtomicFile.create(manifestPath);
      await manifestFile.write(`${JSON.stringify(manifest, null, 2)}\n`);
      await manifestFile.commit();
      manifestDone = true;
    } catch (e) {
      throw targetError(opts.dir, e);
    }
    return { kind: spec.kind, name: spec.item, id: manifest.source.id, archive: archivePath, manifestPath, manifest };
  } catch (e) {
    await archive?.discard();
    await manifestFile?.discard();
    if (committed) await removeFiles([archivePath, ...(manifestDone ? [manifestPath] : [])]);
    if (opts.signal?.aborted) throw interrupted();
    if (e instanceof ArchiveError)
      throw new BackupError(`verification of the new archive failed: ${e.message}`, 'verify');
    if (isFsError(e)) throw targetError(opts.dir, e);
    throw e;
  }
}

/** The error of a backup stopped by its signal (Ctrl+C, SIGTERM), after its cleanup. */
export function interrupted(): BackupError {
  return new BackupError(
    'interrupted: the backup stopped; its files and helper containers were removed',
    'aborted',
    'nothing was destroyed',
  );
}

/** Removes finished backup files (used when a multi-item backup fails later on). Never throws. */
export async function removeFiles(paths: readonly string[]): Promise<void> {
  for (const p of paths) await rm(p, { force: true }).catch(() => {});
}

function engineOf(e: EngineInfo): BackupManifest['engine'] {
  return { host: e.host, version: e.version, apiVersion: e.apiVersion };
}

/** Finds a volume by exact name; DockerError('not-found') when there is none. */
export async function findVolume(port: DockerPort, name: string, signal?: AbortSignal) {
  const v = (await port.listVolumes({ signal })).find((x) => x.name === name);
  if (!v) throw new DockerError('not-found', `no such volume: ${name}`, 'list volumes with docker volume ls');
  return v;
}

/**
 * Backs up one volume into `opts.dir`. Checks free space against the engine's measured size first (when it
 * has one), creates the read-only helper, and removes it in `finally` (also on abort).
 */
export async function backupVolume(
  port: DockerPort,
  name: string,
  opts: BackupOptions & { readonly size?: number | null },
): Promise<BackupItem> {
  const engine = await port.engineInfo({ signal: opts.signal });
  const vol = await findVolume(port, name, opts.signal);
  const size =
    opts.size !== undefined ? opts.size : ((await port.volumeSizes({ signal: opts.signal })).get(name) ?? null);
  await checkFreeSpace(opts.dir, size, `volume ${name}`);
  const createdAt = new Date().toISOString();
  // Created without the caller's signal: an abort in mid-request could leave a helper we never learn the ID of.
  const helper = await port.createVolumeReader(name, { signal: AbortSignal.timeout(60_000) });
  try {
    opts.signal?.throwIfAborted();
    return await writeArchive(
      {
        port,
        engine,
        kind: 'volume',
        fileBase: `volume-${safeName(name)}-${stamp(createdAt)}`,
        item: name,
        total: size,
        tar: true,
        root: 'v',
        open: (signal) => port.archive(helper, '/v', { signal }),
        build: ({ archive, content }) => ({
          schema: MANIFEST_SCHEMA,
          kind: 'volume',
          source: { name, id: null, labels: vol.labels, driver: vol.driver, options: vol.options },
          createdAt,
          engine: engineOf(engine),
          archive,
          content,
          warnings: [
            ...(opts.warnings ?? []),
            // Its archive endpoint chowns every entry to the helper's user (test/engine/podman-oracle.test.ts).
            ...(engine.kind === 'podman'
              ? [
                  "taken on Podman: its archive endpoint reports every file as owned by root, so the files' owners are not kept",
                ]
              : []),
          ],
        }),
      },
      opts,
    );
  } finally {
    await removeHelper(port, helper);
  }
}

/** `/a/b/` and `./a/b` → `/a/b`. */
function normalisePath(name: string): string {
  const parts = name.split('/').filter((c) => c !== '' && c !== '.');
  return `/${parts.join('/')}`;
}

/**
 * A Transform that keeps only the export entries whose path is in `keep`, copying their raw tar blocks, and
 * ends the result with a proper end-of-archive marker. Counts what it keeps into `stats`.
 */
export function layerFilter(keep: ReadonlySet<string>, stats: ContentStats, skippedLinks: string[]): Transform {
  const out: Buffer[] = [];
  const kept = new Set<string>();
  const scanner = new TarScanner({
    onEntry: (e) => {
      // `changes` is JSON: the engine turned each invalid UTF-8 byte into U+FFFD, and so does this decoding, so
      // the two meet. The raw header bytes are what is copied, so the archive keeps the exact name.
      const p = normalisePath(e.name.toString('utf8'));
      if (!keep.has(p)) return false;
      if (e.type === 'link' && e.linkname) {
        const t = normalisePath(e.linkname.toString('utf8'));
        if (!kept.has(t)) skippedLinks.push(p);
      }
      kept.add(p);
      countEntry(stats, e);
      return true;
    },
    onRaw: (b) => out.push(b),
  });
  const flushOut = (t: Transform) => {
    for (const b of out) t.push(b);
    out.length = 0;
  };
  let seen = false;
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb) {
      seen = true;
      try {
        scanner.write(chunk);
        flushOut(this);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        // No input at all means "nothing to keep" (no export was needed); an export that stops early is an error.
        if (seen) scanner.end();
        flushOut(this);
        this.push(TAR_END);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

export interface ContainerBackupOptions extends BackupOptions {
  /** Also commit the writable layer to an image `lastlook-backup/<name>:<stamp>`. @default false */
  readonly commit?: boolean;
  /** Already inspected (with size), to spare a request. */
  readonly info?: ContainerInfo;
}

/**
 * Backs up a container's writable layer: added and modified paths with their content, plus the list of
 * deleted paths in the manifest; with `commit`, also an image of the layer.
 */
export async function backupContainer(
  port: DockerPort,
  idOrName: string,
  opts: ContainerBackupOptions,
): Promise<BackupItem> {
  const engine = await port.engineInfo({ signal: opts.signal });
  const info = opts.info ?? (await port.inspectContainer(idOrName, { size: true, signal: opts.signal }));
  const changes = await port.containerChanges(info.id, { signal: opts.signal });
  const keep = new Set(changes.filter((c) => c.kind !== 'deleted').map((c) => c.path));
  const deleted = changes
    .filter((c) => c.kind === 'deleted')
    .map((c) => c.path)
    .sort();
  const size = info.sizeRw ?? null;
  await checkFreeSpace(opts.dir, size, `the writable layer of ${info.name}`);
  const createdAt = new Date().toISOString();
  const skippedLinks: string[] = [];
  let commit: BackupManifest['commit'] = null;
  if (opts.commit) {
    const repo = `lastlook-backup/${safeName(info.name).toLowerCase()}`;
    const tag = stamp(createdAt).toLowerCase();
    const id = await port.commitContainer(
      info.id,
      { repo, tag, comment: `lastlook backup of ${info.name}'s writable layer` },
      { signal: opts.signal },
    );
    commit = { image: `${repo}:${tag}`, id };
  }
  return writeArchive(
    {
      port,
      engine,
      kind: 'container',
      fileBase: `container-${safeName(info.name)}-${stamp(createdAt)}`,
      item: info.name,
      total: size,
      tar: true,
      root: '',
      // Nothing changed: no need to export the whole root filesystem just to keep none of it.
      open: async (signal) => {
        if (keep.size === 0) return Readable.from([]);
        return port.exportContainer(info.id, { signal });
      },
      filter: (stats) => layerFilter(keep, stats, skippedLinks),
      build: ({ archive, content }) => ({
        schema: MANIFEST_SCHEMA,
        kind: 'container',
        source: {
          name: info.name,
          id: info.id,
          labels: info.labels,
          image: info.image,
          imageId: info.imageId,
        },
        createdAt,
        engine: engineOf(engine),
        archive,
        content,
        deleted,
        commit,
        warnings: [
          ...(opts.warnings ?? []),
          ...(skippedLinks.length > 0
            ? [`hard links to unchanged image files cannot be restored: ${skippedLinks.slice(0, 10).join(', ')}`]
            : []),
        ],
      }),
    },
    opts,
  );
}

/**
 * Runs the recognised database's dump tool inside its (running) container, on explicit request only, and
 * keeps its output as a gzipped, verified file with a manifest (kind `dump`). A non-zero exit discards it.
 */
export async function backupDump(port: DockerPort, match: DatabaseMatch, opts: BackupOptions): Promise<BackupItem> {
  const engine = await port.engineInfo({ signal: opts.signal });
  const info = await port.inspectContainer(match.container.id, { signal: opts.signal });
  if (info.state !== 'running') {
    throw new DumpError(`${info.name} is ${info.state}: a ${match.kind} dump needs the database running`);
  }
  const createdAt = new Date().toISOString();
  let finished: Promise<{ exitCode: number | null; stderr: string }> | null = null;
  return writeArchive(
    {
      port,
      engine,
      kind: 'dump',
      fileBase: `dump-${safeName(info.name)}-${stamp(createdAt)}.${match.ext}`,
      item: `${info.name} (${match.kind} dump)`,
      total: null,
      tar: false,
      root: '',
      open: async (signal) => {
        const ex = await port.execStream(info.id, match.command, { signal });
        finished = ex.finished;
        return ex.stdout;
      },
      afterCopy: async () => {
        const r = await (finished as Promise<{ exitCode: number | null; stderr: string }>);
        if (r.exitCode !== 0) {
          throw new DumpError(
            `the ${match.kind} dump in ${info.name} failed (exit ${r.exitCode ?? 'unknown'}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`,
          );
        }
      },
      build: ({ archive, rawBytes }) => ({
        schema: MANIFEST_SCHEMA,
        kind: 'dump',
        source: { name: info.name, id: info.id, labels: info.labels, image: info.image, imageId: info.imageId },
        createdAt,
        engine: engineOf(engine),
        archive,
        content: null,
        dump: { database: match.kind, command: match.command, rawBytes },
        warnings: [...(opts.warnings ?? [])],
      }),
    },
    opts,
  );
}
