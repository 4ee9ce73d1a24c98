/**
 * The docker context picker of the explorer (`C`): the contexts as `docker context ls` lists them, a cursor, and
 * what a key does. Pure; the explorer's shell (src/ui/context-root.tsx) connects and swaps engines.
 */
export interface ContextChoice {
  readonly name: string;
  /** The docker endpoint, or null when the context has none. */
  readonly host: string | null;
  readonly description: string;
}

export interface PickerState {
  readonly choices: readonly ContextChoice[];
  readonly cursor: number;
  /** The context the explorer shows now (null: --host or DOCKER_HOST, no context). */
  readonly active: string | null;
  /** A switch under way: its name (keys other than esc wait). */
  readonly switching: string | null;
  /** Why the last switch failed (the explorer stays on its engine). */
  readonly error: string | null;
}

export type PickerOutcome =
  | { readonly kind: 'state'; readonly state: PickerState }
  | { readonly kind: 'close' }
  | { readonly kind: 'switch'; readonly name: string; readonly state: PickerState };

export function openPicker(choices: readonly ContextChoice[], active: string | null): PickerState {
  const at = choices.findIndex((c) => c.name === active);
  return { choices, cursor: Math.max(0, at), active, switching: null, error: null };
}

/** What a key does in the picker: j/k/↑/↓ move, enter switches (to another context), esc/q/C close. */
export function pickerKey(s: PickerState, key: string): PickerOutcome {
  if (key === 'escape' || key === 'q' || key === 'C') return { kind: 'close' };
  if (s.switching !== null) return { kind: 'state', state: s };
  const move = key === 'j' || key === 'down' ? 1 : key === 'k' || key === 'up' ? -1 : 0;
  if (move !== 0) {
    const cursor = Math.min(Math.max(0, s.cursor + move), Math.max(0, s.choices.length - 1));
    return { kind: 'state', state: { ...s, cursor } };
  }
  if (key === 'enter') {
    const choice = s.choices[s.cursor];
    if (!choice) return { kind: 'state', state: s };
    if (choice.name === s.active) return { kind: 'close' };
    return { kind: 'switch', name: choice.name, state: { ...s, switching: choice.name, error: null } };
  }
  return { kind: 'state', state: s };
}
