/**
 * `lastlook mounts CONTAINER [--json] [--contents [--depth N]]`: the container's mount table (type, volume name
 * or host source, destination, mode, size) and, with `--contents`, the top of each volume's tree read through a
 * never-started helper container (src/docker/filesystem.ts `volumeSummary`).
 */

import prettyBytes from 'pretty-bytes';
import { escapeName } from '../../core/escape.js';
import { groupDigits } from '../../core/format.js';
import type { ContainerInfo, MountPoint } from '../../core/model.js';
import { FATE_COMMANDS, type Fate, type FateCommand, fateCommandLines, mountFates } from '../../core/mount-fates.js';
import { mountModeText } from '../../core/mounts.js';
import type { Plan } from '../../core/plan/types.js';
import type { VolumeContents } from '../../core/volume-tree.js';
import { volumeSummary } from '../../docker/filesystem.js';
import type { DockerPort } from '../../docker/port.js';
import { type Command, type CommandContext, UsageError } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { mountsOf } from './diff.js';

const USAGE = 'usage: lastlook mounts CONTAINER [--json] [--contents] [--depth N]';

export interface MountsArgs {
  readonly container: string;
  readonly json: boolean;
  readonly contents: boolean;
  readonly depth: number;
}

export function parseMountsArgs(argv: readonly string[]): MountsArgs {
  let container: string | null = null;
  let json = false;
  let contents = false;
  let depth = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--contents') contents = true;
    else if (arg === '--depth' || arg.startsWith('--depth=')) {
      const v = arg.includes('=') ? arg.slice(8) : argv[++i];
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--depth needs a whole number ≥ 1\n${USAGE}`);
      depth = n;
      contents = true;
    } else if (arg.startsWith('-')) throw new UsageError(`mounts: unknown flag ${arg}\n${USAGE}`);
    else if (container !== null) throw new UsageError(`mounts takes one container, got "${container}" and "${arg}"`);
    else container = arg;
  }
  if (container === null) throw new UsageError(`mounts needs a container\n${USAGE}`);
  return { container, json, contents, depth };
}

export interface MountRow {
  readonly type: MountPoint['type'];
  /** Volume name, or null. */
  readonly name: string | null;
  /** Host path for a bind mount, the volume's mountpoint for a volume, '' for tmpfs. */
  readonly source: string;
  readonly destination: string;
  readonly mode: string;
  readonly rw: boolean;
  /** Bytes from `GET /system/df` (local volumes without options); null when the engine cannot say. */
  readonly bytes: number | null;
  readonly contents?: VolumeContents;
  /** The mount's fate under rm, rm -v, compose down -v (compose containers) and volume prune, from the planner. */
  readonly fates?: Record<FateCommand, Fate>;
}

/** Reads the mount table of one container, with sizes and optionally each volume's contents. */
export async function readMounts(
  port: DockerPort,
  container: string,
  opts: { readonly signal?: AbortSignal; readonly contents?: boolean; readonly depth?: number } = {},
): Promise<{ readonly id: string; readonly name: string; readonly rows: MountRow[]; readonly info: ContainerInfo }> {
  const info = await port.inspectContainer(container, { signal: opts.signal });
  const mounts = mountsOf(info).sort((a, b) => (a.destination < b.destination ? -1 : 1));
  const sizes = mounts.some((m) => m.type === 'volume') ? await port.volumeSizes({ signal: opts.signal }) : new Map();
  const rows: MountRow[] = [];
  for (const m of mounts) {
    const base: MountRow = {
      type: m.type,
      name: m.name,
      source: m.source,
      destination: m.destination,
      mode: m.mode,
      rw: m.rw,
      bytes: m.type === 'volume' && m.name !== null ? (sizes.get(m.name) ?? null) : null,
    };
    if (opts.contents && m.type === 'volume' && m.name !== null) {
      const contents = await volumeSummary(port, m.name, { signal: opts.signal, depth: opts.depth ?? 1 });
      rows.push({ ...base, contents });
    } else rows.push(base);
  }
  return { id: info.id, name: info.name, rows, info };
}

/** Plans the fate commands for the container and returns each row with its fates. */
async function withFates(ctx: CommandContext, table: Awaited<ReturnType<typeof readMounts>>): Promise<MountRow[]> {
  const { planCommandLines, planningContext } = await import('../planning.js');
  const planning = planningContext(ctx);
  const lines = fateCommandLines(table.info);
  // One read of the engine for all the commands.
  const planned = await planCommandLines(
    planning,
    lines.map((l) => l.argv),
    ctx.signal,
    { measure: false },
  );
  const plans: Partial<Record<FateCommand, Plan | null>> = {};
  lines.forEach(({ command }, i) => {
    plans[command] = planned[i] ?? null;
  });
  const fates = mountFates(mountsOf(table.info), plans);
  return table.rows.map((r) => {
    const f = fates.get(r.destination);
    return f ? { ...r, fates: f } : r;
  });
}

const FATE_WORD: Record<Fate, string> = {
  destroyed: 'LOST',
  orphaned: 'orphan',
  kept: 'keep',
  'not-applicable': '-',
  unknown: '?',
};

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - [...s].length));
}

export const run: Command = async (ctx: CommandContext) => {
  const args = parseMountsArgs(ctx.argv);
  const table = await readMounts(ctx.port(), args.container, {
    signal: ctx.signal,
    contents: args.contents,
    depth: args.depth,
  });
  const rows = await withFates(ctx, table);
  if (args.json) {
    ctx.stdout.write(
      `${JSON.stringify({ schema: 'lastlook.mounts/v1', container: { id: table.id, name: table.name }, mounts: rows }, null, 2)}\n`,
    );
    return ExitCode.ok;
  }
  if (table.rows.length === 0) {
    ctx.stdout.write(`${escapeName(table.name)} has no mounts\n`);
    return ExitCode.ok;
  }
  const cells = rows.map((r) => [
    r.type,
    r.type === 'volume' ? escapeName(r.name ?? '') : r.type === 'bind' ? escapeName(r.source) : '-',
    escapeName(r.destination),
    mountModeText(r),
    r.bytes === null ? (r.type === 'volume' ? 'unknown' : '-') : prettyBytes(r.bytes),
    ...FATE_COMMANDS.map((c) => (r.fates ? FATE_WORD[r.fates[c]] : '?')),
  ]);
  const head = ['TYPE', 'NAME / SOURCE', 'DESTINATION', 'MODE', 'SIZE', ...FATE_COMMANDS.map((c) => c.toUpperCase())];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => [...(c[i] ?? '')].length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => pad(x, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(head)];
  rows.forEach((r, i) => {
    out.push(line(cells[i] ?? []));
    if (r.contents) {
      const c = r.contents;
      out.push(`    ${groupDigits(c.files)} files, ${groupDigits(c.dirs)} directories, ${groupDigits(c.bytes)} bytes`);
      for (const e of c.entries) {
        const name = escapeName(e.path.slice(e.path.lastIndexOf('/') + 1)) + (e.type === 'directory' ? '/' : '');
        const detail = e.type === 'directory' ? `  (${groupDigits(e.files)} files)` : '';
        out.push(`    ${prettyBytes(e.bytes).padStart(9)}  ${'  '.repeat(e.depth - 1)}${name}${detail}`);
      }
      if (c.omitted > 0) out.push(`    … ${c.omitted} more entries`);
    }
  });
  ctx.stdout.write(`${out.join('\n')}\n`);
  return ExitCode.ok;
};
