/**
 * The keymap as data (STYLE §3.6): one table drives the key dispatcher, the footer hints and the `?` help.
 * A binding applies in the modes it lists; `disabled` explains why it cannot be used now (shown when pressed).
 */

import { backupDisabledReason } from './explorer/inside.js';
import {
  type ExplorerAction,
  type ExplorerState,
  explorerReducer,
  type Mode,
  previewDisabledReason,
  type View,
} from './explorer-reducer.js';
import { PREVIEWS, type PreviewBinding } from './families/index.js';
import { removalCount, requiredConfirmation } from './plan/contract.js';

/** A key as the dispatcher sees it: a printable character, or a named key. */
export type KeyName =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'enter'
  | 'escape'
  | 'tab'
  | 'backspace'
  | 'ctrl-c'
  | 'home'
  | 'end';

export interface Binding {
  /** Printable characters or named keys that trigger it. The first is shown in hints. */
  readonly keys: readonly (string | KeyName)[];
  readonly label: string;
  /** A shorter label for the footer, where 80 columns must hold the essentials. @default label */
  readonly hint?: string | ((s: ExplorerState) => string);
  /** Shown in the footer (in the modes it applies to); a function: only when it holds. */
  readonly footer: boolean | ((s: ExplorerState) => boolean);
  readonly modes: readonly Mode[];
  readonly views?: readonly View[];
  /** Carries out a removal: refused in --read-only (previews are not: they destroy nothing). */
  readonly destructive?: boolean;
  readonly action: (s: ExplorerState) => ExplorerAction;
  readonly disabled?: (s: ExplorerState) => string | null;
  /** Applies only when this holds (e.g. y/N only when no name has to be typed). */
  readonly when?: (s: ExplorerState) => boolean;
}

const browse: Mode[] = ['browsing'];
/** Modes in which j/k and the page keys move a cursor or scroll. */
const scrolling: Mode[] = ['browsing', 'previewing', 'done', 'viewing', 'help'];
const INSIDE: Mode[] = ['backup', 'contents', 'logs'];

/** j/k, arrows and the page keys of a mode that scrolls with its own action. */
function scrollKeys(modes: Mode[], action: (delta: number) => ExplorerAction): Binding[] {
  const keys: [readonly (string | KeyName)[], string, number][] = [
    [['j', 'down'], 'down', 1],
    [['k', 'up'], 'up', -1],
    [['pageDown'], 'page down', 10],
    [['pageUp'], 'page up', -10],
  ];
  return keys.map(([k, label, delta]) => ({ keys: k, label, footer: false, modes, action: () => action(delta) }));
}

/** Why y / enter does nothing on the backup screen now, or null. */
function backupKeyReason(s: ExplorerState): string | null {
  const phase = s.backup?.phase;
  if (phase === 'running' || phase === 'cancelling') return 'backup in progress: esc cancels it (nothing is removed)';
  if (phase === 'failed') return 'the backup failed: nothing was removed (esc: back to the preview)';
  if (phase === 'verified' && s.readOnly) return 'read-only mode: the backup is kept, lastlook will not carry this out';
  return null;
}
/** A command family's preview key (core/families) as a binding of the browsing mode. */
const preview = (p: PreviewBinding): Binding => ({
  keys: p.keys,
  label: p.label,
  ...(p.hint ? { hint: p.hint } : {}),
  footer: p.footer,
  modes: browse,
  ...(p.views ? { views: p.views } : {}),
  action: () => ({ type: 'request-preview', kind: p.id }),
  disabled: (s) => previewDisabledReason(s, p.id),
});

export const KEYMAP: readonly Binding[] = [
  {
    keys: ['j', 'down'],
    label: 'down',
    footer: false,
    modes: scrolling,
    action: () => ({ type: 'move', delta: 1 }),
  },
  {
    keys: ['k', 'up'],
    label: 'up',
    footer: false,
    modes: scrolling,
    action: () => ({ type: 'move', delta: -1 }),
  },
  {
    keys: ['pageDown'],
    label: 'page down',
    footer: false,
    modes: scrolling,
    action: () => ({ type: 'move', delta: 10 }),
  },
  {
    keys: ['pageUp'],
    label: 'page up',
    footer: false,
    modes: scrolling,
    action: () => ({ type: 'move', delta: -10 }),
  },
  {
    keys: ['g', 'home'],
    label: 'top',
    footer: false,
    modes: ['browsing', 'viewing', 'help'],
    action: () => ({ type: 'move-to', where: 'top' }),
  },
  {
    keys: ['G', 'end'],
    label: 'bottom',
    footer: false,
    modes: ['browsing', 'viewing', 'help'],
    action: () => ({ type: 'move-to', where: 'bottom' }),
  },
  {
    keys: ['tab'],
    label: 'next pane (containers, mounts, changes)',
    footer: false,
    modes: browse,
    views: ['containers'],
    action: () => ({ type: 'next-pane' }),
  },
  {
    keys: ['enter'],
    label: 'open/fold (a changed file: what changed inside it; a volume: its files)',
    footer: false,
    modes: browse,
    action: () => ({ type: 'toggle-open' }),
  },
  {
    keys: [' '],
    label: 'mark',
    footer: false,
    modes: browse,
    views: ['containers'],
    action: () => ({ type: 'toggle-mark' }),
  },
  ...PREVIEWS.map(preview),
  {
    keys: ['V'],
    label: 'volumes/containers view',
    hint: (s) => (s.view === 'volumes' ? 'containers' : 'volumes'),
    footer: true,
    modes: browse,
    action: () => ({ type: 'toggle-view' }),
  },
  { keys: ['/'], label: 'filter', footer: true, modes: browse, action: () => ({ type: 'open-filter' }) },
  {
    keys: ['escape'],
    label: 'clear the filter',
    hint: 'clear filter',
    footer: true,
    modes: browse,
    when: (s) => s.filter !== '',
    action: () => ({ type: 'back' }),
  },
  {
    keys: ['C'],
    label: 'docker contexts: switch engine',
    hint: 'contexts',
    footer: true,
    modes: browse,
    action: () => ({ type: 'open-contexts' }),
  },
  {
    keys: [':'],
    label: 'preview any docker command line',
    footer: false,
    modes: browse,
    action: () => ({ type: 'open-command' }),
  },
  {
    keys: ['?'],
    label: 'help',
    footer: true,
    modes: browse,
    action: (s) => ({ type: 'open-help', lines: helpLines(s).length }),
  },
  { keys: ['q'], label: 'quit', footer: true, modes: browse, action: () => ({ type: 'quit' }) },
  // Inside (core/explorer/inside.ts): the backup of a preview's plan, a volume's contents, a container's logs.
  {
    keys: ['b'],
    label: 'back up what this destroys (verified), then proceed…',
    hint: 'backup',
    footer: true,
    modes: ['previewing'],
    action: () => ({ type: 'backup-open' }),
    disabled: backupDisabledReason,
  },
  {
    keys: ['y', 'enter'],
    label: 'start the backup; once it verified, proceed…',
    hint: 'yes',
    // Offered only while it can act: not while the backup runs, after a failure, or read-only once verified.
    footer: (s) => backupKeyReason(s) === null,
    modes: ['backup'],
    action: (s) => (s.backup?.phase === 'verified' ? { type: 'backup-proceed' } : { type: 'backup-start' }),
    disabled: backupKeyReason,
  },
  {
    keys: ['escape', 'q'],
    label: 'back (a running backup is cancelled: nothing removed, no file left)',
    hint: 'back',
    footer: true,
    modes: INSIDE,
    action: () => ({ type: 'inside-back' }),
  },
  ...scrollKeys(['contents', 'logs'], (delta) => ({ type: 'inside-scroll', delta })),
  {
    keys: ['g', 'home'],
    label: 'top',
    footer: false,
    modes: ['contents', 'logs'],
    action: () => ({ type: 'inside-scroll-to', where: 'top' }),
  },
  {
    keys: ['G', 'end'],
    label: 'bottom (logs: follow)',
    footer: false,
    modes: ['contents', 'logs'],
    action: () => ({ type: 'inside-scroll-to', where: 'bottom' }),
  },
  { keys: ['enter'], label: 'fold', footer: false, modes: ['contents'], action: () => ({ type: 'inside-open' }) },
  {
    keys: ['l'],
    label: "logs: the container's log tail, followed (what rm destroys with it)",
    hint: 'logs',
    footer: true,
    modes: browse,
    views: ['containers'],
    action: () => ({ type: 'logs-open' }),
  },
  { keys: ['ctrl-c'], label: 'quit', footer: false, modes: INSIDE, action: () => ({ type: 'quit' }) },
  // Preview screen
  {
    keys: ['y', 'enter'],
    label: 'proceed…',
    // Offered only when it can be carried out: never on a blocked, failed, empty or read-only preview.
    footer: (s) => proceedRefusal(s) === null,
    modes: ['previewing'],
    destructive: true,
    action: () => ({ type: 'confirm' }),
    disabled: proceedRefusal,
  },
  {
    keys: ['escape', 'q'],
    label: 'back',
    footer: true,
    modes: ['previewing', 'help', 'done', 'viewing'],
    action: () => ({ type: 'back' }),
  },
  // Confirmation (y/N): anything but y is No.
  {
    keys: ['y'],
    label: 'yes',
    footer: true,
    modes: ['confirming'],
    destructive: true,
    when: (s) => !needsTyping(s),
    action: () => ({ type: 'confirm-yes' }),
  },
  {
    keys: ['n', 'escape'],
    label: 'no',
    footer: true,
    modes: ['confirming'],
    when: (s) => !needsTyping(s),
    action: () => ({ type: 'back' }),
  },
  // Typing confirmation: y and n are letters of the name; enter submits, esc cancels.
  {
    keys: ['enter'],
    label: 'confirm',
    footer: true,
    modes: ['confirming'],
    when: needsTyping,
    action: () => ({ type: 'submit' }),
  },
  {
    keys: ['escape'],
    label: 'cancel',
    footer: true,
    modes: ['confirming'],
    when: needsTyping,
    action: () => ({ type: 'back' }),
  },
  // Prompts
  {
    keys: ['enter'],
    label: 'apply',
    footer: true,
    modes: ['filtering', 'command'],
    action: () => ({ type: 'submit' }),
  },
  {
    keys: ['escape'],
    label: 'cancel',
    footer: true,
    modes: ['filtering', 'command'],
    action: () => ({ type: 'back' }),
  },
  {
    keys: ['backspace'],
    label: 'delete',
    footer: false,
    modes: ['filtering', 'command', 'confirming'],
    action: () => ({ type: 'input-backspace' }),
  },
  { keys: ['enter'], label: 'back', footer: false, modes: ['done'], action: () => ({ type: 'back' }) },
  {
    keys: ['ctrl-c'],
    label: 'quit',
    footer: false,
    modes: ['browsing', 'filtering', 'command', 'help', 'previewing', 'confirming', 'done', 'error', 'viewing'],
    action: () => ({ type: 'quit' }),
  },
];

/** Modes in which printable keys are text typed into a prompt (unless a binding claims them first). */
const TEXT_MODES: readonly Mode[] = ['filtering', 'command', 'confirming'];

function applies(b: Binding, s: ExplorerState): boolean {
  if (!b.modes.includes(s.mode)) return false;
  if (b.when && !b.when(s)) return false;
  if (b.views && !b.views.includes(s.view)) return false;
  if (b.destructive && s.readOnly && s.mode === 'browsing') return false;
  return true;
}

/** The bindings that apply now, for the footer and help. Read-only mode hides destructive ones. */
export function activeBindings(s: ExplorerState): Binding[] {
  return KEYMAP.filter((b) => applies(b, s));
}

/**
 * Resolves one key press to an action (or null). The only key dispatcher: Ink's `useInput` calls it with each key.
 * In a typing-confirmation, `y` and `n` are letters of the name, not answers.
 */
export function dispatchKey(s: ExplorerState, key: string | KeyName): ExplorerAction | null {
  const typing =
    s.mode === 'filtering' ||
    s.mode === 'command' ||
    (s.mode === 'confirming' && s.preview?.plan != null && needsTyping(s));
  for (const b of KEYMAP) {
    if (!b.keys.includes(key) || !applies(b, s)) continue;
    if (typing && key.length === 1 && s.mode !== 'confirming') continue;
    if (s.readOnly && b.destructive) return { type: 'message', text: READ_ONLY };
    const reason = b.disabled?.(s) ?? null;
    if (reason) return { type: 'message', text: reason };
    return b.action(s);
  }
  if (TEXT_MODES.includes(s.mode) && key.length === 1 && (typing || s.mode !== 'confirming')) {
    return { type: 'input-char', text: key };
  }
  if (s.mode === 'confirming' && !typing && key.length === 1) {
    // Default is No: any other key cancels.
    return { type: 'back' };
  }
  if (s.mode === 'browsing') {
    // A key of the other view (x in the containers view, r in the volumes view): say where it works.
    const other = KEYMAP.find((x) => x.keys.includes(key) && x.modes.includes('browsing') && x.views);
    const reason = other?.disabled?.(s) ?? null;
    if (reason) return { type: 'message', text: reason };
  }
  return null;
}

/** Why `y` on the preview cannot go on to the confirmation, or null when it can. */
export function proceedRefusal(s: ExplorerState): string | null {
  const p = s.preview;
  if (p?.error) return 'this preview failed: there is nothing to carry out';
  if (!p?.plan) return 'the plan is still being computed';
  if (s.readOnly) return READ_ONLY;
  if (p.plan.blocked) return `the engine would refuse this: ${p.plan.blocked.reason}`;
  if (removalCount(p.plan) === 0) return 'nothing to remove';
  return null;
}

const READ_ONLY = 'read-only mode: lastlook previews but does not carry anything out';

function needsTyping(s: ExplorerState): boolean {
  const p = s.preview;
  return p?.plan != null && requiredConfirmation(p.plan) !== null;
}

/** A binding's footer hint as it reads now. */
export function hintOf(b: Binding, s: ExplorerState): string {
  const h = typeof b.hint === 'function' ? b.hint(s) : b.hint;
  return h ?? b.label;
}

/** Whether a binding that applies now shows in the footer. */
export function inFooter(b: Binding, s: ExplorerState): boolean {
  return typeof b.footer === 'function' ? b.footer(s) : b.footer;
}

/**
 * Every key of the browsing and preview screens, one line each, for the `?` help (from the same keymap that drives
 * the dispatcher and the footer).
 */
export function helpLines(s: ExplorerState): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const b of KEYMAP) {
    if (!b.modes.includes('browsing') && !b.modes.includes('previewing')) continue;
    if (s.readOnly && b.destructive) continue;
    const keys = b.keys.map(keyLabel).join('/');
    const id = `${keys}:${b.label}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const where = b.modes.includes('browsing') ? (b.views?.length === 1 ? `(${b.views[0]} view)` : '') : '(preview)';
    lines.push(`  ${keys.padEnd(12)} ${b.label} ${where}`.trimEnd());
  }
  return lines;
}

/** The label shown for a key in hints. */
export function keyLabel(k: string | KeyName): string {
  switch (k) {
    case 'escape':
      return 'esc';
    case ' ':
      return 'space';
    case 'up':
      return '↑';
    case 'down':
      return '↓';
    default:
      return k;
  }
}

/** A raw key press, resolved inside the reducer so that it always sees the latest state. */
export interface KeyAction {
  readonly type: 'key';
  readonly key: string | KeyName;
}

/**
 * The root reducer: keys are resolved here, against the current state, never in the input handler — several
 * keys can arrive in one stdin chunk and a handler's closure would hold a stale state (STYLE §3.6).
 */
export function rootReducer(s: ExplorerState, a: ExplorerAction | KeyAction): ExplorerState {
  if (a.type !== 'key') return explorerReducer(s, a);
  const action = dispatchKey(s, a.key);
  return action ? explorerReducer(s, action) : s;
}

/**
 * Splits a chunk of several characters that arrived at once (fast typing, a paste, a test harness) into keys:
 * DEL/BS are backspace, CR enter, TAB tab; other control characters are dropped so they never end up in a name.
 */
export function splitChunk(text: string): (string | KeyName)[] {
  const keys: (string | KeyName)[] = [];
  for (const ch of text) {
    if (ch === '\u007f' || ch === '\b') keys.push('backspace');
    else if (ch === '\r' || ch === '\n') keys.push('enter');
    else if (ch === '\t') keys.push('tab');
    else if (ch === '\u0003') keys.push('ctrl-c');
    else if (ch >= ' ') keys.push(ch);
  }
  return keys;
}
