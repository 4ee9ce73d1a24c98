/**
 * What exactly changed inside one path of a container: the image's version against the container's, as a model
 * (`buildContentDiff`) that the CLI renders as text (`renderContentDiff`) or JSON (`contentDiffJson`) and the
 * explorer shows in a pane. Pure: the bytes are read by src/docker/file-read.ts.
 *
 * Line diffs come from jsdiff (`structuredPatch`, Myers' algorithm with the usual unified-diff hunks): a
 * well-kept library, the one most JS tools use, rather than an algorithm of our own.
 *
 * Every byte of a file is hostile. Lines are decoded losslessly (valid UTF-8 as text, each other byte as
 * U+DC80..U+DCFF, see core/escape.ts) and rendered through {@link displayLine}: raw bytes as `\xNN`, control,
 * bidi and zero-width characters as `\uXXXX`, tabs expanded. Nothing from a file reaches a terminal as it is.
 */

import { structuredPatch } from 'diff';
import { decodeNameBytes, escapeName, escapeText } from './escape.js';
import { groupDigits } from './format.js';
import type { Change, ChangeKind, FsEntry, MountPoint } from './model.js';

/** One side of the path, as its tar header and (for a regular file) its first bytes said. */
export interface FileSide {
  readonly type: FsEntry['type'];
  /** Bytes of the file body (0 for anything but a regular file). */
  readonly size: number;
  /** Permission bits and set-id/sticky bits (`mode & 0o7777`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** A symlink's target (verbatim, raw bytes kept) or a hardlink's; else null. */
  readonly linkTarget: string | null;
  /** sha256 (hex) of the whole body; null when the body was not read whole (larger than the limit) or not a file. */
  readonly sha256: string | null;
  /** The first bytes of the body (at most the limit). */
  readonly content: Uint8Array;
  /** True when the body is longer than `content`. */
  readonly truncated: boolean;
}

export type ContentShape = 'text' | 'binary' | 'symlink' | 'directory' | 'type-change' | 'other';

export interface DiffLine {
  /** ` ` context, `-` only in the image, `+` only in the container. */
  readonly op: ' ' | '-' | '+';
  /** Line number in the image's version (null for `+`). */
  readonly old: number | null;
  /** Line number in the container's version (null for `-`). */
  readonly new: number | null;
  /** The line without its newline, decoded losslessly (raw bytes as U+DC80..U+DCFF). Not yet escaped. */
  readonly text: string;
  /** The file ends here without a final newline. */
  readonly noNewline?: true;
}

export interface Hunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  readonly lines: readonly DiffLine[];
}

export interface ContentDiff {
  /** The path as `/changes` spells it. */
  readonly path: string;
  /** The engine's kind for the path; null for a directory that only holds changes (not changed itself). */
  readonly kind: ChangeKind | null;
  readonly shape: ContentShape;
  /** The image's version; null when the container added the path (or it is only implied). */
  readonly before: FileSide | null;
  /** The container's version; null when the container deleted it. */
  readonly after: FileSide | null;
  readonly modeChanged: boolean;
  readonly ownerChanged: boolean;
  /** Text only: the hunks (all `+` for an added file, all `-` for a deleted one). */
  readonly hunks: readonly Hunk[];
  /** A side was read only up to the limit: the hunks cover the first `maxBytes` of each side. */
  readonly truncated: boolean;
  readonly maxBytes: number;
  /** Directories: the changes at and under the path, in name order. */
  readonly children: readonly Change[];
  /** Why a side could not be read (e.g. the image is gone), shown as a note; null when both were read. */
  readonly note: string | null;
}

/** Default `--max-bytes`: 1 MiB of each side. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Past this many edits jsdiff gives up and the diff shows the whole image version removed, the container's added. */
const MAX_EDIT_LENGTH = 1000;

/** A path as the engine writes it: absolute, single slashes, no trailing slash, `.` segments dropped. */
export function normalisePath(input: string): string | null {
  const segs: string[] = [];
  for (const s of input.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') return null;
    segs.push(s);
  }
  return `/${segs.join('/')}`;
}

function under(path: string, dir: string): boolean {
  return dir === '/' ? path !== '/' : path.startsWith(`${dir}/`);
}

export type Located =
  | { readonly at: 'change'; readonly change: Change; readonly children: Change[] }
  | { readonly at: 'directory'; readonly children: Change[] }
  | { readonly at: 'mount'; readonly mount: MountPoint }
  | { readonly at: 'unchanged' };

/** Where `path` (normalised) stands: a change entry, a directory holding changes, inside a mount, or unchanged. */
export function locate(path: string, changes: readonly Change[], mounts: readonly MountPoint[]): Located {
  const mount = mounts.find((m) => path === m.destination || under(path, m.destination));
  if (mount) return { at: 'mount', mount };
  const change = changes.find((c) => c.path === path);
  const children = changes.filter((c) => under(c.path, path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  if (change) return { at: 'change', change, children };
  if (children.length > 0) return { at: 'directory', children };
  return { at: 'unchanged' };
}

/**
 * Whether `GET /containers/{id}/archive` can read this container without changing its `changes`.
 *
 * The archive endpoint mounts the container's volumes and binds first, creating each missing mountpoint in the
 * writable layer (docker-semantics.md §5; test/engine/diff-nonmutation.test.ts shows it on a never-started
 * container). Once a container has started, every mountpoint already exists in its root filesystem, so the read
 * changes nothing (test/engine/content-diff.test.ts proves it running, paused and exited on 20.10, 26.1 and 28.5),
 * except where a mountpoint can be missing from the root filesystem: one under a tmpfs (created inside the tmpfs,
 * which the archive endpoint does not mount) or one the container deleted. Anywhere else the export is read instead
 * (it mounts no volume: proven in every state).
 */
export function archiveIsSafe(
  started: boolean,
  mounts: readonly MountPoint[],
  changes: readonly Change[],
): { readonly safe: boolean; readonly reason: string } {
  if (!started) return { safe: false, reason: 'the container never started: its mountpoints may not exist yet' };
  const tmpfs = mounts.filter((m) => m.type === 'tmpfs').map((m) => m.destination);
  for (const m of mounts) {
    if (m.type === 'tmpfs') continue;
    if (tmpfs.some((t) => under(m.destination, t))) {
      return { safe: false, reason: `the mountpoint ${m.destination} lies in a tmpfs` };
    }
    const gone = changes.some(
      (c) => c.kind === 'deleted' && (c.path === m.destination || under(m.destination, c.path)),
    );
    if (gone) return { safe: false, reason: `the mountpoint ${m.destination} was deleted` };
  }
  return { safe: true, reason: 'started, every mountpoint in place' };
}

/** git's rule: a NUL byte in the first 8,000 bytes makes a file binary. */
export function isBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

function decodeLines(side: FileSide | null): string {
  if (side === null || side.type !== 'file') return '';
  return decodeNameBytes(side.content);
}

/** Lines with their terminators, so that joining a slice gives back the exact text. */
function splitKeep(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', from)) {
    out.push(text.slice(from, i + 1));
    from = i + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/**
 * One hunk: `before` context lines, every line of the old middle removed, every line of the new one added, `after`
 * context lines. For a pure insertion or deletion (one middle empty) and as jsdiff's fallback past
 * {@link MAX_EDIT_LENGTH}.
 */
function wholeReplacement(
  a: readonly string[],
  b: readonly string[],
  head: number,
  tail: number,
  context: number,
): Hunk {
  const strip = (l: string) => (l.endsWith('\n') ? l.slice(0, -1) : l);
  const mark = (l: string) => (l.endsWith('\n') ? {} : { noNewline: true as const });
  const from = Math.max(0, head - context);
  const afterN = Math.min(tail, context);
  const lines: DiffLine[] = [];
  for (let i = from; i < head; i++) lines.push({ op: ' ', old: i + 1, new: i + 1, text: strip(a[i] as string) });
  for (let i = head; i < a.length - tail; i++) {
    lines.push({ op: '-', old: i + 1, new: null, text: strip(a[i] as string), ...mark(a[i] as string) });
  }
  for (let i = head; i < b.length - tail; i++) {
    lines.push({ op: '+', old: null, new: i + 1, text: strip(b[i] as string), ...mark(b[i] as string) });
  }
  for (let k = 0; k < afterN; k++) {
    const i = a.length - tail + k;
    const j = b.length - tail + k;
    lines.push({ op: ' ', old: i + 1, new: j + 1, text: strip(a[i] as string), ...mark(a[i] as string) });
  }
  const oldLines = a.length - tail + afterN - from;
  const newLines = b.length - tail + afterN - from;
  return {
    oldStart: oldLines ? from + 1 : from,
    oldLines,
    newStart: newLines ? from + 1 : from,
    newLines,
    lines,
  };
}

/**
 * Line hunks of two texts, with line numbers on both sides and `context` lines around each change. The common
 * head and tail are cut first (an appended log costs what was appended), then jsdiff's `structuredPatch` diffs
 * the middle; past {@link MAX_EDIT_LENGTH} edits the middle is shown as replaced whole.
 */
export function lineHunks(oldText: string, newText: string, context = 3): Hunk[] {
  if (oldText === newText) return [];
  const a = splitKeep(oldText);
  const b = splitKeep(newText);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  // Keep `context` common lines on each side of the middle, so that jsdiff's hunks carry them.
  // A pure insertion or deletion (an appended log) needs no diff at all.
  if (head + tail === a.length || head + tail === b.length) return [wholeReplacement(a, b, head, tail, context)];
  const from = Math.max(0, head - context);
  const keepTail = Math.max(0, tail - context);
  const midA = a.slice(from, a.length - keepTail);
  const midB = b.slice(from, b.length - keepTail);
  const patch = structuredPatch('a', 'b', midA.join(''), midB.join(''), undefined, undefined, {
    context,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  if (patch === undefined) return [wholeReplacement(a, b, head, tail, context)];
  return patch.hunks.map((h) => {
    const lines: DiffLine[] = [];
    let o = h.oldStart + from;
    let n = h.newStart + from;
    for (const raw of h.lines) {
      const op = raw[0];
      const text = raw.slice(1);
      if (op === '\\') {
        const last = lines.pop();
        if (last) lines.push({ ...last, noNewline: true });
      } else if (op === '-') lines.push({ op: '-', old: o++, new: null, text });
      else if (op === '+') lines.push({ op: '+', old: null, new: n++, text });
      else lines.push({ op: ' ', old: o++, new: n++, text });
    }
    return {
      oldStart: h.oldStart + from,
      oldLines: h.oldLines,
      newStart: h.newStart + from,
      newLines: h.newLines,
      lines,
    };
  });
}

function shapeOf(before: FileSide | null, after: FileSide | null): ContentShape {
  const sides = [before, after].filter((s): s is FileSide => s !== null);
  if (sides.length === 0) return 'other';
  if (before && after && before.type !== after.type) return 'type-change';
  const t = (sides[0] as FileSide).type;
  if (t === 'directory') return 'directory';
  if (t === 'symlink' || t === 'link') return 'symlink';
  if (t !== 'file') return 'other';
  return sides.some((s) => isBinary(s.content)) ? 'binary' : 'text';
}

export interface BuildInput {
  readonly path: string;
  readonly kind: ChangeKind | null;
  readonly before: FileSide | null;
  readonly after: FileSide | null;
  readonly children?: readonly Change[];
  readonly maxBytes: number;
  readonly note?: string | null;
}

/** The model of one path's change. */
export function buildContentDiff(input: BuildInput): ContentDiff {
  const { before, after } = input;
  const shape = shapeOf(before, after);
  // Text lines are diffed for text files, and for the file side of a type change (its content went or came).
  const textual =
    shape === 'text' ||
    (shape === 'type-change' && ![before, after].some((s) => s?.type === 'file' && isBinary(s.content)));
  const hunks = textual ? lineHunks(decodeLines(before), decodeLines(after)) : [];
  return {
    path: input.path,
    kind: input.kind,
    shape,
    before,
    after,
    modeChanged: before !== null && after !== null && before.mode !== after.mode,
    ownerChanged: before !== null && after !== null && (before.uid !== after.uid || before.gid !== after.gid),
    hunks,
    truncated: (before?.truncated ?? false) || (after?.truncated ?? false),
    maxBytes: input.maxBytes,
    children: input.children ?? [],
    note: input.note ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

/** One line of a file made inert for a terminal: raw bytes `\xNN`, controls `\uXXXX`, tabs expanded to 8. */
export function displayLine(text: string): string {
  const bytes = text.replace(/[\udc80-\udcff]/g, (ch) => `\\x${((ch.codePointAt(0) as number) - 0xdc00).toString(16)}`);
  const inert = escapeText(bytes, 'lines');
  if (!inert.includes('\t')) return inert;
  let out = '';
  for (const ch of inert) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

const TYPE_NAME: Record<FsEntry['type'], string> = {
  file: 'regular file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hard link',
  other: 'special file',
};

export function modeText(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

function sideSummary(s: FileSide): string {
  const parts = [TYPE_NAME[s.type]];
  if (s.type === 'file') {
    parts.push(`${groupDigits(s.size)} bytes`);
    parts.push(s.sha256 ? `sha256 ${s.sha256}` : 'sha256 not computed (larger than --max-bytes)');
  }
  if (s.linkTarget !== null) parts.push(`-> ${escapeName(s.linkTarget)}`);
  parts.push(`mode ${modeText(s.mode)}`, `owner ${s.uid}:${s.gid}`);
  return parts.join('  ');
}

const KIND_WORD: Record<ChangeKind, string> = { added: 'added (A)', modified: 'changed (C)', deleted: 'deleted (D)' };
const KIND_CHAR: Record<ChangeKind, string> = { added: 'A', modified: 'C', deleted: 'D' };

export interface RenderStyle {
  /** Wraps text in a style: `add`, `del`, `meta` (headers), `dim` (line numbers, context). Identity without colour. */
  readonly paint: (style: 'add' | 'del' | 'meta' | 'dim', text: string) => string;
}

export const PLAIN: RenderStyle = { paint: (_s, t) => t };

/** The header lines: what the path is on each side, and what changed besides the content. */
export function headerLines(d: ContentDiff, style: RenderStyle = PLAIN): string[] {
  const p = style.paint;
  const what =
    d.kind === null
      ? 'a directory holding changes'
      : `${KIND_WORD[d.kind]} ${d.shape === 'type-change' ? 'type change' : d.shape}`;
  const lines = [p('meta', `${escapeName(d.path)}: ${what}`)];
  if (d.before) lines.push(`  image:     ${sideSummary(d.before)}`);
  if (d.after) lines.push(`  container: ${sideSummary(d.after)}`);
  if (d.before && d.after) {
    if (d.before.type !== d.after.type) {
      lines.push(p('meta', `  type: ${TYPE_NAME[d.before.type]} → ${TYPE_NAME[d.after.type]}`));
    }
    if (d.modeChanged) lines.push(p('meta', `  mode: ${modeText(d.before.mode)} → ${modeText(d.after.mode)}`));
    if (d.ownerChanged) {
      lines.push(p('meta', `  owner: ${d.before.uid}:${d.before.gid} → ${d.after.uid}:${d.after.gid}`));
    }
    if (d.shape === 'symlink') {
      lines.push(
        p('meta', `  target: ${escapeName(d.before.linkTarget ?? '')} → ${escapeName(d.after.linkTarget ?? '')}`),
      );
    }
  }
  if (d.note) lines.push(p('meta', `  note: ${escapeText(d.note)}`));
  return lines;
}

/** The body lines: hunks with line numbers and markers, a binary note, or a directory's changes. */
export function bodyLines(d: ContentDiff, style: RenderStyle = PLAIN): string[] {
  const p = style.paint;
  const out: string[] = [];
  if (d.shape === 'binary') {
    const same = d.before?.sha256 && d.before.sha256 === d.after?.sha256;
    out.push(
      p('meta', `binary file${d.before && d.after ? (same ? ': content identical' : ': content differs') : ''}`),
    );
  }
  if (d.shape === 'directory' || d.kind === null) {
    out.push(p('meta', d.children.length ? `changes under ${escapeName(d.path)}:` : 'no changes under it'));
    for (const c of d.children) {
      const letter = p(c.kind === 'added' ? 'add' : c.kind === 'deleted' ? 'del' : 'meta', KIND_CHAR[c.kind]);
      out.push(`  ${letter} ${escapeName(c.path)}`);
    }
  }
  if ((d.shape === 'text' || d.shape === 'type-change') && d.hunks.length === 0 && d.before && d.after) {
    if (d.before.type === 'file' && d.after.type === 'file') out.push(p('dim', 'content identical'));
  }
  const width = Math.max(
    3,
    ...d.hunks.map((h) => String(Math.max(h.oldStart + h.oldLines, h.newStart + h.newLines)).length),
  );
  for (const h of d.hunks) {
    out.push(p('meta', `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`));
    for (const l of h.lines) {
      const nums = `${l.old === null ? ''.padStart(width) : String(l.old).padStart(width)} ${
        l.new === null ? ''.padStart(width) : String(l.new).padStart(width)
      }`;
      const body = `${l.op} ${displayLine(l.text)}`;
      out.push(`${p('dim', nums)} ${l.op === '+' ? p('add', body) : l.op === '-' ? p('del', body) : body}`);
      if (l.noNewline) out.push(p('dim', `${''.padStart(width * 2 + 1)} \\ no newline at end of file`));
    }
  }
  if (d.truncated) {
    out.push(p('meta', `(read only the first ${groupDigits(d.maxBytes)} bytes of each side; raise --max-bytes)`));
  }
  return out;
}

export function renderContentDiff(d: ContentDiff, style: RenderStyle = PLAIN): string[] {
  return [...headerLines(d, style), ...bodyLines(d, style)];
}

// ---------------------------------------------------------------------------------------------------------------
// JSON (schema lastlook.content-diff/v1, documented in README.md)

function sideJson(s: FileSide | null) {
  if (s === null) return null;
  return {
    type: s.type,
    size: s.type === 'file' ? s.size : null,
    sha256: s.sha256,
    mode: modeText(s.mode),
    uid: s.uid,
    gid: s.gid,
    linkTarget: s.linkTarget,
    truncated: s.truncated,
  };
}

export function contentDiffJson(d: ContentDiff, container: { readonly id: string; readonly name: string }) {
  return {
    schema: 'lastlook.content-diff/v1',
    container: { id: container.id, name: container.name },
    path: d.path,
    escaped: escapeName(d.path),
    kind: d.kind,
    shape: d.shape,
    before: sideJson(d.before),
    after: sideJson(d.after),
    modeChanged: d.modeChanged,
    ownerChanged: d.ownerChanged,
    truncated: d.truncated,
    maxBytes: d.maxBytes,
    hunks: d.hunks.map((h) => ({
      oldStart: h.oldStart,
      oldLines: h.oldLines,
      newStart: h.newStart,
      newLines: h.newLines,
      lines: h.lines.map((l) => ({
        op: l.op,
        old: l.old,
        new: l.new,
        text: l.text,
        ...(l.noNewline ? { noNewline: true } : {}),
      })),
    })),
    children: d.children.map((c) => ({ path: c.path, kind: c.kind })),
    note: d.note,
  };
}
