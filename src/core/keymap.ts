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
import { requiredConfirmation } from './plan/contract.js';

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
  readonly hint?: string;
  /** Shown in the footer (in the modes it applies to). */
  readonly footer: boolean;
  readonly modes: readonly Mode[];
  readonly views?: readonly View[];
  /** Leads to removing something: hidden and refused in --read-only. */
  readonly destructive?: boolean;
  readonly action: (s: ExplorerState) => ExplorerAction;
  readonly disabled?: (s: ExplorerState) => string | null;
  /** Applies only when this holds (e.g. y/N only when no name has to be typed). */
  readonly when?: (s: ExplorerState) => boolean;
}

const browse: Mode[] = ['browsing'];
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
  destructive: true,
  action: () => ({ type: 'request-preview', kind: p.id }),
  disabled: (s) => previewDisabledReason(s, p.id),
});

export const KEYMAP: readonly Binding[] = [
  {
    keys: ['j', 'down'],
    label: 'down',
    footer: false,
    modes: ['browsing', 'previewing', 'done', 'viewing'],
    action: () => ({ type: 'move', delta: 1 }),
  },
  {
    keys: ['k', 'up'],
    label: 'up',
    footer: false,
    modes: ['browsing', 'previewing', 'done', 'viewing'],
    action: () => ({ type: 'move', delta: -1 }),
  },
  {
    keys: ['pageDown'],
    label: 'page down',
    footer: false,
    modes: ['browsing', 'previewing', 'done', 'viewing'],
    action: () => ({ type: 'move', delta: 10 }),
  },
  {
    keys: ['pageUp'],
    label: 'page up',
    footer: false,
    modes: ['browsing', 'previewing', 'done', 'viewing'],
    action: () => ({ type: 'move', delta: -10 }),
  },
  {
    keys: ['g', 'home'],
    label: 'top',
    footer: false,
    modes: ['browsing', 'viewing'],
    action: () => ({ type: 'move-to', where: 'top' }),
  },
  {
    keys: ['G', 'end'],
    label: 'bottom',
    footer: false,
    modes: ['browsing', 'viewing'],
    action: () => ({ type: 'move-to', where: 'bottom' }),
  },
  {
    keys: ['tab'],
    label: 'next pane',
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
    hint: 'volumes',
    footer: true,
    modes: browse,
    action: () => ({ type: 'toggle-view' }),
  },
  { keys: ['/'], label: 'filter', footer: true, modes: browse, action: () => ({ type: 'open-filter' }) },
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
  { keys: ['?'], label: 'help', footer: true, modes: browse, action: () => ({ type: 'open-help' }) },
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
    footer: true,
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
    footer: true,
    modes: ['previewing'],
    destructive: true,
    action: () => ({ type: 'confirm' }),
    disabled: (s) =>
      !s.preview?.plan
        ? 'the plan is still being computed'
        : s.preview.plan.blocked
          ? `the engine would refuse this: ${s.preview.plan.blocked.reason}`
          : null,
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
    if (s.readOnly && b.destructive) {
      return { type: 'message', text: 'read-only mode: destructive actions are disabled' };
    }
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
  if (s.mode === 'browsing' && key.length === 1 && s.readOnly) {
    const b = KEYMAP.find((x) => x.keys.includes(key) && x.destructive && x.modes.includes('browsing'));
    if (b) return { type: 'message', text: 'read-only mode: destructive actions are disabled' };
  }
  if (s.mode === 'browsing') {
    // A key of the other view (x in the containers view, r in the volumes view): say where it works.
    const other = KEYMAP.find((x) => x.keys.includes(key) && x.modes.includes('browsing') && x.views);
    const reason = other?.disabled?.(s) ?? null;
    if (reason) return { type: 'message', text: reason };
  }
  return null;
}

function needsTyping(s: ExplorerState): boolean {
  const p = s.preview;
  return p?.plan != null && requiredConfirmation(p.plan) !== null;
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
