import { describe, expect, test } from 'vitest';
import {
  type ExplorerState,
  explorerReducer,
  initialState,
  listRows,
  type Mode,
} from '../../src/core/explorer-reducer.js';
import {
  activeBindings,
  type Binding,
  dispatchKey,
  helpLines,
  hintOf,
  inFooter,
  KEYMAP,
  type KeyName,
  keyLabel,
  proceedRefusal,
  rootReducer,
  splitChunk,
} from '../../src/core/keymap.js';
import { loadFixture } from '../helpers/memory-port.js';
import { planFrom } from '../helpers/plans.js';

// Engine data recorded from Docker 26.1.5 (test/fixtures/engine-json/README.md).
const f = loadFixture();

function loaded(readOnly = false): ExplorerState {
  return explorerReducer(initialState(f.engine, readOnly), {
    type: 'data-loaded',
    containers: f.containers,
    volumes: f.volumes,
  });
}

/** Presses keys one after the other through the root reducer (as the app's one dispatcher does). */
function press(s: ExplorerState, ...keys: (string | KeyName)[]): ExplorerState {
  return keys.reduce<ExplorerState>((st, key) => rootReducer(st, { type: 'key', key }), s);
}

const rmScratch = planFrom(f, ['docker', 'rm', 'scratchpad'], { destroy: { containers: ['scratchpad'] } });
const downV = planFrom(f, ['docker', 'compose', '-p', 'shop', 'down', '-v'], {
  destroy: { containers: ['shop-db-1', 'shop-web-1'], volumes: [{ name: 'shop_dbdata', reason: 'declared' }] },
});

/**
 * A state in which `b` applies: its first mode, the first of its views, with a plan when it is a preview. In a
 * confirmation the plan is a y/N one (no volume data) unless the binding only applies while a name is typed.
 */
function stateFor(b: Binding, mode: Mode, typing = false): ExplorerState {
  let s: ExplorerState = { ...loaded(), view: b.views?.[0] ?? 'containers' };
  if (mode === 'previewing' || mode === 'confirming' || mode === 'done') {
    s = typing ? press({ ...s, cursor: 1 }, 'D') : press({ ...s, cursor: 4 }, 'r');
    s = explorerReducer(s, { type: 'plan-loaded', seq: s.preview?.seq ?? -1, plan: typing ? downV : rmScratch });
    if (mode === 'confirming') s = press(s, 'y');
    if (mode === 'confirming' && b.when && !b.when(s) && !typing) return stateFor(b, mode, true);
    if (mode === 'done')
      s = explorerReducer({ ...s, mode: 'running' }, { type: 'run-finished', removed: 0, failed: [] });
  } else if (mode !== 'browsing') {
    s = { ...s, mode };
  }
  // Esc clears a filter: it applies only while one is set.
  if (mode === 'browsing' && b.when && !b.when(s)) s = { ...s, filter: 'shop' };
  return s;
}

describe('KEYMAP', () => {
  const rows = KEYMAP.flatMap((b) =>
    b.modes.flatMap((m) => b.keys.map((k) => [`${keyLabel(k)} in ${m}: ${b.label}`, b, m, k] as const)),
  );

  test.each(rows)('%s is reachable through dispatchKey', (_name, b, mode, key) => {
    const s = stateFor(b, mode);
    expect(s.mode).toBe(mode);
    const action = dispatchKey(s, key);
    // Either the binding's own action or, when disabled now, the message that says why.
    const reason = b.disabled?.(s) ?? null;
    if (reason) expect(action).toEqual({ type: 'message', text: reason });
    else {
      // An earlier binding of the same key in the same mode wins: the table is ordered on purpose.
      const first = KEYMAP.find(
        (x) =>
          x.keys.includes(key) &&
          x.modes.includes(mode) &&
          (!x.views || x.views.includes(s.view)) &&
          (!x.when || x.when(s)),
      );
      expect(action).toEqual(first?.action(s));
    }
  });

  test('no key is bound twice in one state (a y/N and a typed confirmation are two states)', () => {
    const modes = [...new Set(KEYMAP.flatMap((b) => b.modes))];
    const probe = KEYMAP.find((b) => b.modes.includes('confirming') && !b.when) as Binding;
    for (const mode of modes) {
      for (const view of ['containers', 'volumes'] as const) {
        const states =
          mode === 'confirming'
            ? [stateFor(probe, mode, false), stateFor(probe, mode, true)]
            : [stateFor({ ...probe, modes: [mode] }, mode)];
        for (const st of states) {
          const s = { ...st, view };
          const seen = new Map<string, string>();
          for (const b of KEYMAP) {
            if (!b.modes.includes(mode) || (b.views && !b.views.includes(view)) || (b.when && !b.when(s))) continue;
            for (const k of b.keys) {
              // A key bound twice in one state would make the later binding unreachable.
              expect(seen.get(k), `${mode}/${view}/${k}: ${b.label} vs ${seen.get(k)}`).toBeUndefined();
              seen.set(k, b.label);
            }
          }
        }
      }
    }
  });
});

describe('keys resolved against the latest state', () => {
  test("['j','j','r'] from the top previews rm of the third row", () => {
    // Rows: [shop] db-1 web-1 [standalone] scratchpad worker.
    const s = press({ ...loaded(), cursor: 0 }, 'j', 'j', 'r');
    const target = listRows(s)[2];
    expect(target?.kind === 'container' && target.container.name).toBe('shop-web-1');
    expect(s.cursor).toBe(2);
    expect(s.mode).toBe('previewing');
    expect(s.preview?.argv).toEqual(['docker', 'rm', 'shop-web-1']);
  });

  test("['j','j','r'] from scratchpad: the second j is clamped at the last row", () => {
    const s = press({ ...loaded(), cursor: 4 }, 'j', 'j', 'r');
    expect(s.preview?.argv).toEqual(['docker', 'rm', 'worker']);
  });

  test('keys typed during a filter prompt are text, not commands', () => {
    const s = press(loaded(), '/', 'r', 'q', 'j');
    expect(s).toMatchObject({ mode: 'filtering', filter: 'rqj', quitting: false, preview: null });
  });

  test('in a typing confirmation y and n are letters; esc is no', () => {
    let s = press(loaded(), 'D');
    s = explorerReducer(s, { type: 'plan-loaded', seq: s.preview?.seq ?? -1, plan: downV });
    s = press(s, 'y', 'n', 'y');
    expect(s).toMatchObject({ mode: 'confirming', input: 'ny' });
    expect(press(s, 'escape').mode).toBe('previewing');
    expect(press(s, 'backspace', 'backspace', 's', 'h', 'o', 'p', 'enter').mode).toBe('running');
  });

  test('in a y/N confirmation any other key is No', () => {
    let s = press({ ...loaded(), cursor: 4 }, 'r');
    s = explorerReducer(s, { type: 'plan-loaded', seq: s.preview?.seq ?? -1, plan: rmScratch });
    s = press(s, 'y');
    expect(s.mode).toBe('confirming');
    expect(press(s, 'x').mode).toBe('previewing');
    expect(press(s, 'enter').mode).toBe('confirming');
    expect(press(s, 'y').mode).toBe('running');
  });
});

describe('disabled keys say why', () => {
  test.each<[string, (string | KeyName)[], RegExp]>([
    ['D on a standalone container', ['G', 'D'], /not part of a compose project/],
    ['x in the containers view', ['x'], /volumes view/],
    ['r in the volumes view', ['V', 'r'], /containers view/],
    ['r on a group header', ['g', 'r'], /select a container/],
    ['y before the plan arrives', ['D', 'y'], /still being computed/],
  ])('%s', (_name, keys, reason) => {
    expect(press(loaded(), ...keys).message).toMatch(reason);
  });
});

describe('read-only: previews allowed, execution refused (like k9s --readonly)', () => {
  const previewOf = (s: ExplorerState, plan = rmScratch) =>
    explorerReducer(s, { type: 'plan-loaded', seq: s.preview?.seq ?? -1, plan });

  test('the preview keys are offered and open a preview, which destroys nothing', () => {
    const labels = activeBindings(loaded(true)).map((b) => b.label);
    expect(labels).toEqual(expect.arrayContaining(['rm', 'rm -v', 'compose down -v', 'filter', 'help', 'quit']));
    const s = press({ ...loaded(true), cursor: 4 }, 'r');
    expect(s.mode).toBe('previewing');
    expect(s.preview?.argv).toEqual(['docker', 'rm', 'scratchpad']);
  });

  test.each(['y', 'enter'])(
    '%s on a read-only preview says read-only and goes nowhere; the footer does not offer it',
    (key) => {
      const s = previewOf(press({ ...loaded(true), cursor: 4 }, 'r'));
      const after = press(s, key);
      expect(after.mode).toBe('previewing');
      expect(after.message).toMatch(/read-only/);
      const footer = activeBindings(s).filter((b) => inFooter(b, s));
      expect(footer.map((b) => b.label)).not.toContain('proceed…');
      expect(footer.map((b) => b.label)).toContain('back');
    },
  );

  test('execution keys are hidden from the read-only help (b backs up, which read-only allows)', () => {
    const s = { ...loaded(true), mode: 'help' as const };
    expect(helpLines(s).some((l) => /y\/enter +proceed…/.test(l))).toBe(false);
    expect(helpLines(s).some((l) => /\bR\s+rm -v/.test(l))).toBe(true);
  });
});

describe('the footer offers y only where it can go on', () => {
  const opened = () => press({ ...loaded(), cursor: 4 }, 'r');
  const offered = (s: ExplorerState) =>
    activeBindings(s)
      .filter((b) => inFooter(b, s))
      .map((b) => b.label);

  test('a plan that can be carried out: y proceed…', () => {
    const s = explorerReducer(opened(), { type: 'plan-loaded', seq: opened().preview?.seq ?? -1, plan: rmScratch });
    expect(offered(s)).toContain('proceed…');
    expect(proceedRefusal(s)).toBeNull();
  });

  test('blocked, failed, empty, still computing: no y, and y says why (never "still being computed" once it failed)', () => {
    const o = opened();
    const seq = o.preview?.seq ?? -1;
    const blocked = planFrom(f, ['docker', 'rm', 'worker'], { blocked: 'container is running' });
    const empty = planFrom(f, ['docker', 'volume', 'prune'], {});
    const cases: [ExplorerState, RegExp][] = [
      [o, /still being computed/],
      [explorerReducer(o, { type: 'plan-failed', seq, error: 'docker frobnicate is not supported' }), /preview failed/],
      [explorerReducer(o, { type: 'plan-loaded', seq, plan: blocked }), /refuse/],
      [explorerReducer(o, { type: 'plan-loaded', seq, plan: empty }), /nothing to remove/],
    ];
    for (const [s, why] of cases) {
      expect(offered(s)).not.toContain('proceed…');
      const after = press(s, 'y');
      expect(after.mode).toBe('previewing');
      expect(after.message).toMatch(why);
    }
  });

  test('the volumes view footer offers the way back to containers, not "V volumes"', () => {
    const s = { ...loaded(), view: 'volumes' as const };
    const v = activeBindings(s).find((b) => b.keys.includes('V'));
    expect(v && hintOf(v, s)).toBe('containers');
    const c = activeBindings(loaded()).find((b) => b.keys.includes('V'));
    expect(c && hintOf(c, loaded())).toBe('volumes');
  });
});

describe('activeBindings (footer and help come from it)', () => {
  test('browsing the containers view shows the rm family, not volume rm', () => {
    const labels = activeBindings(loaded()).map((b) => b.label);
    expect(labels).toEqual(expect.arrayContaining(['rm', 'rm -v', 'compose down -v', 'filter', 'help', 'quit']));
    expect(labels).not.toContain('volume rm');
  });

  test('the volumes view shows volume rm and not rm', () => {
    const labels = activeBindings({ ...loaded(), view: 'volumes' }).map((b) => b.label);
    expect(labels).toContain('volume rm');
    expect(labels).not.toContain('rm');
  });

  test.each<[Mode, string[]]>([
    ['filtering', ['apply', 'cancel']],
    ['help', ['back']],
  ])('%s', (mode, expected) => {
    expect(
      activeBindings({ ...loaded(), mode })
        .filter((b) => b.footer)
        .map((b) => b.label),
    ).toEqual(expect.arrayContaining(expected));
  });
});

describe('ctrl-c', () => {
  test.each<Mode>(['browsing', 'filtering', 'command', 'help'])('quits from %s', (mode) => {
    expect(press({ ...loaded(), mode }, 'ctrl-c').quitting).toBe(true);
  });

  test('is refused while running', () => {
    expect(press({ ...loaded(), mode: 'running' }, 'ctrl-c').quitting).toBe(false);
  });
});

describe('splitChunk: several characters in one stdin chunk', () => {
  test.each([
    ['jjr', ['j', 'j', 'r']],
    ['\u007f\u007f\u007f', ['backspace', 'backspace', 'backspace']],
    ['ab\rc', ['a', 'b', 'enter', 'c']],
    ['x\u0007\u001by', ['x', 'y']],
    ['\tq', ['tab', 'q']],
  ])('%j → %j', (chunk, keys) => {
    expect(splitChunk(chunk)).toEqual(keys);
  });
});
