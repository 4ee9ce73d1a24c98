/**
 * The explorer's content-diff pane (issue 15): `enter` on a file of the change tree opens what changed inside it
 * (core/content-diff.ts), scrollable with j/k, pages, g/G; `esc` returns to the tree. The reducer
 * (explorer-reducer.ts) delegates here; the read itself is the UI's effect (src/ui/hooks/use-file-diff.ts), and a
 * result for a view that is no longer open is dropped.
 */
import { type ContentDiff, renderContentDiff } from './content-diff.js';

export interface FileViewState {
  /** Latest-wins: a result carries the seq of the view it was read for. */
  readonly seq: number;
  readonly containerId: string;
  readonly path: string;
  readonly diff: ContentDiff | null;
  readonly error: string | null;
  readonly scroll: number;
}

export function openFileView(seq: number, containerId: string, path: string): FileViewState {
  return { seq, containerId, path, diff: null, error: null, scroll: 0 };
}

/** Lines the pane shows (header and body): what scrolling is clamped to. */
export function fileViewLineCount(v: FileViewState): number {
  return v.diff ? renderContentDiff(v.diff).length : 1;
}

export function scrollFileView(v: FileViewState, delta: number | 'top' | 'bottom'): FileViewState {
  const last = Math.max(0, fileViewLineCount(v) - 1);
  const next = delta === 'top' ? 0 : delta === 'bottom' ? last : v.scroll + delta;
  return { ...v, scroll: Math.max(0, Math.min(last, next)) };
}

export function fileViewLoaded(v: FileViewState | null, seq: number, diff: ContentDiff): FileViewState | null {
  return v && v.seq === seq ? { ...v, diff, error: null } : v;
}

export function fileViewFailed(v: FileViewState | null, seq: number, error: string): FileViewState | null {
  return v && v.seq === seq ? { ...v, error } : v;
}
