/**
 * `lastlook diff CONTAINER [--json]`: the container's writable-layer changes as a tree, with the sizes of added
 * and changed files (the layer itself when it is a directory of this machine lastlook can read, else per-path stats
 * and smallest-subtree archives where that leaves the container untouched, else the tar headers of
 * `GET /containers/{id}/export`: src/docker/filesystem.ts `readChangeSizes`) and its mounts laid over the tree.
 */

import prettyBytes from 'pretty-bytes';
import {
  buildDiffTree,
  type DiffFilters,
  type DiffNode,
  type DiffSort,
  type DiffTree,
  flatten,
  KIND_LETTER,
  matchTotals,
} from '../../core/diff-tree.js';
import { escapeName } from '../../core/escape.js';
import { groupDigits } from '../../core/format.js';
import type { ChangeKind, MountPoint } from '../../core/model.js';
import { mountsOf } from '../../core/mounts.js';
import { readChangeSizes } from '../../docker/filesystem.js';
import { type Command, type CommandContext, UsageError } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { writeOut } from '../write-out.js';

/** The container's mounts, plus `--tmpfs` ones (moved to core/mounts.ts, shared with the explorer). */
export { mountsOf };

const USAGE = `usage: lastlook diff CONTAINER [--json] [--added] [--changed] [--deleted] [--min-size SIZE]
                     [--search TEXT] [--sort name|size] [--no-sizes]
       lastlook diff CONTAINER PATH [--json] [--max-bytes SIZE]`;

export interface DiffArgs {
  readonly container: string;
  readonly json: boolean;
  readonly filters: DiffFilters;
  readonly sort: DiffSort;
  readonly sizes: boolean;
  /** `diff CONTAINER PATH`: the content diff of one path (./diff-file.ts). */
  readonly path: string | null;
  /** `--max-bytes`: bytes of each side read for a content diff; null for the default. */
  readonly maxBytes: number | null;
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** `4096`, `10k`, `1.5MB`, `2MiB` → bytes (k/M/G are decimal, like docker and pretty-bytes). */
export function parseSize(text: string, flag = '--min-size'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${flag}: cannot read "${text}" (e.g. 4096, 10k, 1MB, 2MiB)`);
  return Math.round(Number(m[1]) * unit);
}

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  let container: string | null = null;
  let path: string | null = null;
  let maxBytes: number | null = null;
  let json = false;
  let sizes = true;
  let sort: DiffSort = 'name';
  let minSize = 0;
  let search = '';
  const kinds = new Set<ChangeKind>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value\n${USAGE}`);
      return v;
    };
    switch (name) {
      case '--json':
        json = true;
        break;
      case '--added':
      case '-A':
        kinds.add('added');
        break;
      case '--changed':
      case '--modified':
      case '-C':
        kinds.add('modified');
        break;
      case '--deleted':
      case '-D':
        kinds.add('deleted');
        break;
      case '--min-size':
        minSize = parseSize(value());
        break;
      case '--search':
        search = value();
        break;
      case '--sort': {
        const v = value();
        if (v !== 'name' && v !== 'size') throw new UsageError(`--sort must be name or size, not "${v}"`);
        sort = v;
        break;
      }
      case '--no-sizes':
        sizes = false;
        break;
      case '--max-bytes':
        maxBytes = parseSize(value(), '--max-bytes');
        if (maxBytes < 1) throw new UsageError('--max-bytes must be at least 1 byte');
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`diff: unknown flag ${arg}\n${USAGE}`);
        if (container === null) container = arg;
        else if (path === null) path = arg;
        else throw new UsageError(`diff takes a container and at most one path, got "${arg}" too\n${USAGE}`);
    }
  }
  if (container === null) throw new UsageError(`diff needs a container\n${USAGE}`);
  if (maxBytes !== null && path === null) throw new UsageError(`--max-bytes goes with a PATH\n${USAGE}`);
  return { container, path, maxBytes, json, sort, sizes, filters: { kinds, minSize, search } };
}

/** The node's own name with its real bytes, each segment escaped for the terminal. */
function displayName(n: DiffNode): string {
  const segs = n.name.split('/');
  const raw = n.rawPath.split('/').slice(-segs.length);
  return raw.map((s) => escapeName(s)).join('/');
}

function mountLabel(m: MountPoint): string {
  if (m.type === 'volume') return `volume ${escapeName(m.name ?? '')}`;
  if (m.type === 'bind') return `bind ${escapeName(m.source)}`;
  return m.type;
}

function paint(code: string, text: string, color: boolean): string {
  return color ? `\u001b[${code}m${text}\u001b[0m` : text;
}
const KIND_COLOR: Record<ChangeKind, string> = { added: '32', modified: '33', deleted: '31' };

function sizeCell(n: DiffNode): string {
  if (n.kind === 'deleted') return '-';
  if (n.isDir) return n.bytes > 0 || n.count > 0 ? prettyBytes(n.bytes) : '';
  if (n.size === null) return '?';
  return prettyBytes(n.size);
}

/** The tree as text lines: `A   1.2 kB  ├── name`. */
export function renderText(
  tree: DiffTree,
  filters: DiffFilters,
  sort: DiffSort,
  color: boolean,
  container: string,
): string[] {
  const rows = flatten(tree, new Set(), filters, sort);
  const lines: string[] = [];
  for (const r of rows) {
    const n = r.node;
    const status = n.status;
    const letter = status === null ? ' ' : KIND_LETTER[status];
    const guide = r.guides.map((g) => (g ? '│   ' : '    ')).join('') + (r.isLast ? '└── ' : '├── ');
    let name = displayName(n) + (n.isDir ? '/' : '');
    if (n.linkTarget !== null)
      name += n.type === 'link' ? ` => ${escapeName(n.linkTarget)}` : ` -> ${escapeName(n.linkTarget)}`;
    if (!r.isMatch) name = paint('2', name, color);
    let note = '';
    if (n.mount && n.isMountPoint) note = `  [${mountLabel(n.mount)}: its contents are not in the diff]`;
    else if (n.mount) note = `  [under ${mountLabel(n.mount)}]`;
    lines.push(
      `${status === null ? letter : paint(KIND_COLOR[status], letter, color)} ${sizeCell(n).padStart(9)}  ${guide}${name}${note}`,
    );
  }
  const totals = matchTotals(tree, filters);
  const counts = `A ${tree.counts.added} · C ${tree.counts.modified} · D ${tree.counts.deleted}`;
  const bytes = tree.sized
    ? `${groupDigits(tree.bytes)} bytes (${prettyBytes(tree.bytes)}) in added and changed files`
    : 'sizes not read (--no-sizes)';
  const unsized = tree.root.unsized > 0 ? `; ${tree.root.unsized} without a known size` : '';
  lines.push(
    tree.paths === 0
      ? `${escapeName(container)}: no changes in the writable layer`
      : `${groupDigits(tree.paths)} paths (${counts}), ${bytes}${unsized}`,
  );
  const active = (filters.kinds?.size ?? 0) > 0 || (filters.minSize ?? 0) > 0 || (filters.search ?? '') !== '';
  if (active) {
    lines.push(`matching the filters: ${groupDigits(totals.paths)} paths, ${groupDigits(totals.bytes)} bytes`);
  }
  return lines;
}

const str = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));
const num = (v: number | null): string => (v === null ? 'null' : String(v));

/**
 * One `entries` row, written field by field: the same text as JSON.stringify of the object (same keys, same
 * order, no spaces), without building 200,000 objects to serialise.
 */
function entryJson(n: DiffNode, isMatch: boolean, sized: boolean): string {
  return (
    `{"path":${str(n.path)},"escaped":${str(escapeName(n.rawPath))},"kind":${str(n.kind)},` +
    `"status":${str(n.status)},"type":${str(n.type)},` +
    `"size":${num(n.kind === 'deleted' || n.isDir ? null : n.size)},` +
    `"bytes":${num(n.kind === 'deleted' ? null : sized ? n.bytes : null)},"linkTarget":${str(n.linkTarget)},` +
    `"mount":${str(n.mount ? n.mount.destination : null)},"isMountPoint":${n.isMountPoint},"isMatch":${isMatch}}`
  );
}

export const run: Command = async (ctx: CommandContext) => {
  const args = parseDiffArgs(ctx.argv);
  if (args.path !== null) return (await import('./diff-file.js')).runFileDiff(ctx, args, args.path);
  const port = ctx.port();
  const signal = ctx.signal;
  const info = await port.inspectContainer(args.container, { signal });
  // Sequential on purpose: the export makes the engine pivot_root into the container's filesystem, which
  // creates (and then removes) a `/.pivot_root<N>` directory in the writable layer; a `/changes` read at the same
  // moment reports it (seen on 26.1.5 and 20.10.24, test/engine/diff-cli.test.ts).
  const changes = await port.containerChanges(info.id, { signal });
  const mounts = mountsOf(info);
  const target = {
    id: info.id,
    started: info.spec?.started ?? false,
    mounts,
    imageBytes: info.spec?.imageBytes,
    layerDir: info.spec?.layerDir,
  };
  const read = args.sizes && changes.length > 0 ? await readChangeSizes(port, target, changes, { signal }) : null;
  const sizes = args.sizes ? (read?.sizes ?? new Map()) : undefined;
  const color = !ctx.global.noColor && ctx.stdout.isTTY === true;
  if (!args.json) {
    const tree = buildDiffTree(changes, { sizes, mounts });
    const lines = renderText(tree, args.filters, args.sort, color, info.name);
    for (let i = 0; i < lines.length; i += 2000) await writeOut(ctx.stdout, `${lines.slice(i, i + 2000).join('\n')}\n`);
    return ExitCode.ok;
  }
  // JSON: one entry per path (no chain compression), in tree order.
  const tree = buildDiffTree(changes, { sizes, mounts, compress: false });
  const rows = flatten(tree, new Set(), args.filters, args.sort);
  const totals = matchTotals(tree, args.filters);
  const head = {
    schema: 'lastlook.diff/v1',
    container: { id: info.id, name: info.name, state: info.state },
    sizes: args.sizes ? (read?.method ?? 'archive') : null,
    summary: {
      paths: tree.paths,
      bytes: tree.sized ? tree.bytes : null,
      added: tree.counts.added,
      modified: tree.counts.modified,
      deleted: tree.counts.deleted,
      unsized: tree.root.unsized,
      matching: { paths: totals.paths, bytes: tree.sized ? totals.bytes : null },
    },
    mounts: mounts.map((m) => ({ type: m.type, name: m.name, source: m.source, destination: m.destination })),
  };
  const headText = JSON.stringify(head, null, 2);
  await writeOut(ctx.stdout, `${headText.slice(0, -2)},\n  "entries": [`);
  let chunk: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as (typeof rows)[number];
    chunk.push(`${i === 0 ? '' : ','}\n    ${entryJson(r.node, r.isMatch, tree.sized)}`);
    if (chunk.length >= 2000) {
      await writeOut(ctx.stdout, chunk.join(''));
      chunk = [];
    }
  }
  await writeOut(ctx.stdout, `${chunk.join('')}\n  ]\n}\n`);
  return ExitCode.ok;
};
