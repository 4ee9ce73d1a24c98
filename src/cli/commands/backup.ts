/**
 * `lastlook backup VOLUME|CONTAINER... [--to DIR] [--json] [--commit] [--dump] [--level 1-9]`
 *
 * Volumes become `.tar.gz` archives read through a never-started helper; containers, their writable layer
 * (added/changed paths; deleted paths in the manifest). Everything is verified before it counts, and the set
 * is all-or-nothing. `volume:NAME` / `container:NAME` pick one when a volume and a container share a name.
 *
 * Exit codes: 0 done; 1 a new archive failed its read-back (or holds what restore would refuse) or a dump failed;
 * 2 bad usage, or the target folder is missing, unwritable, full or too small (nothing is left behind); 3 engine;
 * 4 a named object does not exist; 130 interrupted (Ctrl+C; nothing is left behind).
 */
import { resolve } from 'node:path';
import { type BackupItem, backupDump, interrupted, removeFiles } from '../../backup/backup.js';
import { type DatabaseMatch, liveFilesWarning, recogniseDatabase } from '../../backup/db-dump.js';
import { type BackupTarget, backupTargets } from '../../backup/for-plan.js';
import type { ContainerInfo } from '../../core/model.js';
import { formatBytes, formatProgressLine, progressSample, shouldEmit } from '../../core/progress.js';
import { DockerError } from '../../docker/errors.js';
import { toCliError } from '../backup-errors.js';
import { CliError, type Command, type CommandContext, UsageError } from '../context.js';
import { ExitCode } from '../exit-codes.js';

export { toCliError } from '../backup-errors.js';

/** Prints throttled progress on a TTY stderr (about 10 per second) and always a final line. */
export class ProgressPrinter {
  private last: number | null = null;
  private readonly start = performance.now();
  private drawn = false;
  constructor(
    private readonly stderr: CommandContext['stderr'] & { isTTY?: boolean },
    private readonly enabled: boolean,
  ) {}

  update(label: string, done: number, total: number | null): void {
    if (!this.enabled || !this.stderr.isTTY) return;
    const now = performance.now();
    if (!shouldEmit(this.last, now)) return;
    this.last = now;
    this.stderr.write(`\r\x1b[K${formatProgressLine(label, progressSample(done, total, this.start, now))}`);
    this.drawn = true;
  }

  finish(line: string): void {
    if (this.drawn) this.stderr.write('\r\x1b[K');
    this.drawn = false;
    if (this.enabled) this.stderr.write(`${line}\n`);
  }

  get elapsedMs(): number {
    return performance.now() - this.start;
  }
}

interface Args {
  readonly names: string[];
  readonly dir: string;
  readonly json: boolean;
  readonly commit: boolean;
  readonly dump: boolean;
  /** gzip level. @default GZIP_LEVEL (1) */
  readonly level: number | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const names: string[] = [];
  let dir = '.';
  let json = false;
  let commit = false;
  let dump = false;
  let level: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--to' || a.startsWith('--to=')) {
      const v = a === '--to' ? argv[++i] : a.slice(5);
      if (!v) throw new UsageError('--to needs a folder');
      dir = v;
    } else if (a === '--level' || a.startsWith('--level=')) {
      const v = a === '--level' ? argv[++i] : a.slice(8);
      if (!v || !/^[1-9]$/.test(v)) throw new UsageError('--level takes a gzip level from 1 to 9');
      level = Number(v);
    } else if (a === '--json') json = true;
    else if (a === '--commit') commit = true;
    else if (a === '--dump') dump = true;
    else if (a === '--') names.push(...argv.slice(i + 1).filter(Boolean));
    else if (a.startsWith('-')) throw new UsageError(`backup: unknown option ${a}`);
    else names.push(a);
    if (a === '--') break;
  }
  if (names.length === 0) throw new UsageError('backup needs at least one volume or container name');
  return { names, dir, json, commit, dump, level };
}

export const run: Command = async (ctx) => {
  const args = parseArgs(ctx.argv);
  const port = ctx.port();
  const signal = ctx.signal;
  const dir = resolve(args.dir);
  const volumes = await port.listVolumes({ signal });
  const volumeNames = new Set(volumes.map((v) => v.name));
  const containers = await port.listContainers({ signal });
  const targets: BackupTarget[] = [];
  const dbs: DatabaseMatch[] = [];
  const warnings = new Map<string, string[]>();
  const allWarnings: string[] = [];
  const warn = (key: string, w: string) => {
    warnings.set(key, [...(warnings.get(key) ?? []), w]);
    allWarnings.push(w);
  };
  const sizes = await port.volumeSizes({ signal });
  const seen = new Set<string>();

  for (const raw of args.names) {
    const m = /^(volume|container):(.+)$/.exec(raw);
    const name = m ? (m[2] as string) : raw;
    const wantVolume = !m || m[1] === 'volume';
    const wantContainer = !m || m[1] === 'container';
    const isVolume = wantVolume && volumeNames.has(name);
    let info: ContainerInfo | null = null;
    if (wantContainer) {
      try {
        info = await port.inspectContainer(name, { size: true, signal });
      } catch (e) {
        if (!(e instanceof DockerError && e.kind === 'not-found')) throw e;
      }
    }
    if (isVolume && info) {
      throw new UsageError(`"${name}" is both a volume and a container: write volume:${name} or container:${name}`);
    }
    if (!isVolume && !info) {
      throw new CliError(
        `no such ${m ? m[1] : 'volume or container'}: ${name}`,
        ExitCode.notFound,
        'list them with docker volume ls / docker ps -a',
      );
    }
    if (isVolume) {
      if (seen.has(`v:${name}`)) continue;
      seen.add(`v:${name}`);
      targets.push({ kind: 'volume', name, bytes: sizes.get(name) ?? null });
      for (const c of containers.filter((c) => c.mounts.some((mt) => mt.type === 'volume' && mt.name === name))) {
        const db = recogniseDatabase(c);
        if (db) {
          warn(name, liveFilesWarning(db, args.dump && db.container.state === 'running'));
          if (!dbs.some((d) => d.container.id === db.container.id)) dbs.push(db);
        }
      }
    } else if (info) {
      if (seen.has(`c:${info.id}`)) continue;
      seen.add(`c:${info.id}`);
      targets.push({ kind: 'container', id: info.id, bytes: info.sizeRw ?? null });
      const db = recogniseDatabase(info);
      if (db) {
        warn(info.id, liveFilesWarning(db, args.dump && db.container.state === 'running'));
        if (!dbs.some((d) => d.container.id === db.container.id)) dbs.push(db);
      }
    }
  }
  if (args.dump && dbs.length === 0) {
    throw new UsageError('--dump: none of these is (or is used by) a database lastlook recognises');
  }
  for (const w of allWarnings) ctx.stderr.write(`warning: ${w}\n`);

  const printer = new ProgressPrinter(ctx.stderr, !args.json || Boolean((ctx.stderr as { isTTY?: boolean }).isTTY));
  let items: BackupItem[] = [];
  try {
    const result = await backupTargets(port, targets, {
      dir,
      signal,
      commit: args.commit,
      warnings,
      ...(args.level !== undefined ? { level: args.level } : {}),
      onProgress: (p) =>
        printer.update(
          `[${p.index + 1}/${p.count}] ${p.phase === 'verify' ? 'verifying ' : ''}${p.item}`,
          p.done,
          p.total,
        ),
    });
    items = [...result.items];
    if (args.dump) {
      for (const db of dbs) {
        if (db.container.state !== 'running') continue;
        items.push(
          await backupDump(port, db, {
            dir,
            signal,
            onProgress: (p) => printer.update(p.item, p.done, p.total),
          }),
        );
      }
    }
  } catch (e) {
    await removeFiles(items.flatMap((i) => [i.archive, i.manifestPath]));
    printer.finish('backup failed: nothing was kept');
    throw toCliError(signal.aborted ? interrupted() : e);
  }
  const secs = printer.elapsedMs / 1000;
  const content = items.reduce((a, i) => a + (i.manifest.content?.bytes ?? i.manifest.dump?.rawBytes ?? 0), 0);
  const onDisk = items.reduce((a, i) => a + i.manifest.archive.bytes, 0);
  printer.finish(
    `backed up ${items.length} item(s): ${formatBytes(content)} → ${formatBytes(onDisk)} in ${secs.toFixed(1)} s ` +
      `(${formatBytes(secs > 0 ? content / secs : 0)}/s), all verified`,
  );
  writeResult(ctx.stdout, { dir, items, warnings: allWarnings, json: args.json });
  return ExitCode.ok;
};

/** What was backed up: `lastlook.backup-result/v1` with --json, else a few lines per archive. */
function writeResult(
  out: NodeJS.WritableStream,
  r: { dir: string; items: readonly BackupItem[]; warnings: readonly string[]; json: boolean },
): void {
  const { dir, items } = r;
  const allWarnings = r.warnings;
  if (r.json) {
    out.write(
      `${JSON.stringify(
        {
          schema: 'lastlook.backup-result/v1',
          dir,
          items: items.map((i) => ({
            kind: i.kind,
            name: i.name,
            id: i.id,
            archive: i.archive,
            manifest: i.manifestPath,
            sha256: i.manifest.archive.sha256,
            archiveBytes: i.manifest.archive.bytes,
            content: i.manifest.content,
            deleted: i.manifest.deleted ?? [],
            commit: i.manifest.commit ?? null,
          })),
          warnings: allWarnings,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const i of items) {
      const c = i.manifest.content;
      const what = c
        ? `${c.entries} entries, ${c.files} files, ${formatBytes(c.bytes)}`
        : `${formatBytes(i.manifest.dump?.rawBytes ?? 0)} dump`;
      out.write(
        `${i.kind} ${i.name} → ${i.archive}\n  ${what}; archive ${formatBytes(i.manifest.archive.bytes)}, sha256 ${i.manifest.archive.sha256}, verified\n`,
      );
      if (i.manifest.deleted && i.manifest.deleted.length > 0) {
        out.write(`  ${i.manifest.deleted.length} deleted path(s) recorded in the manifest\n`);
      }
      if (i.manifest.commit) out.write(`  layer also committed as ${i.manifest.commit.image}\n`);
    }
  }
}
