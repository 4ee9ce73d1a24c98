/**
 * The docker command lines the explorer previews: a family's preview key (core/families) applied to the selection,
 * or a line typed at the `:` prompt.
 */
import { PREVIEWS } from '../families/index.js';
import { previewSelection } from './selectors.js';
import type { ExplorerState, PreviewKind } from './state.js';

const previewBinding = (kind: PreviewKind) => PREVIEWS.find((p) => p.id === kind);

/**
 * Why a preview key cannot be used right now, or null when it can (drives the keymap's disabled reasons). A preview
 * destroys nothing, so read-only mode allows it; only carrying it out is refused there.
 */
export function previewDisabledReason(s: ExplorerState, kind: PreviewKind): string | null {
  if (s.containers === null) return 'still loading';
  return previewBinding(kind)?.disabled?.(previewSelection(s)) ?? null;
}

/** The docker command line a preview key stands for, from the current selection. */
export function previewArgv(s: ExplorerState, kind: PreviewKind): string[] | null {
  return previewBinding(kind)?.argv(previewSelection(s)) ?? null;
}

/** Splits a typed command line into words, honouring single and double quotes. */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

/** A line typed at the `:` prompt as a docker command line (with the leading `docker`), or null when empty. */
export function typedCommand(input: string): string[] | null {
  const words = splitWords(input);
  if (words.length === 0) return null;
  return words[0] === 'docker' || words[0] === 'docker-compose' ? words : ['docker', ...words];
}
