import { describe, expect, test } from 'vitest';
import { buildDiffTree } from '../../src/core/diff-tree.js';
import {
  type ExplorerAction,
  type ExplorerState,
  explorerReducer,
  initialState,
  listRows,
  mountRows,
  type PreviewKind,
  previewArgv,
  previewDisabledReason,
  selectedContainer,
  selectedMount,
  splitWords,
  visibleChanges,
  volumeRows,
} from '../../src/core/explorer-reducer.js';
import { rootReducer } from '../../src/core/keymap.js';
import type { MountPoint } from '../../src/core/model.js';
import type { Fate, FateCommand } from '../../src/core/mount-fates.js';
import { requiredConfirmation } from '../../src/core/plan/contract.js';
import { previewLines } from '../../src/core/plan-lines.js';
import { containerNamed, loadFixture } from '../helpers/memory-port.js';
import { planFrom } from '../helpers/plans.js';

// Engine data recorded from Docker 26.1.5 (test/fixtures/engine-json/README.md).
const f = loadFixture();

function run(s: ExplorerState, ...actions: ExplorerAction[]): ExplorerState {
  return actions.reduce(explorerReducer, s);
}

function loaded(opts: { readOnly?: boolean } = {}): ExplorerState {
  return run(initialState(f.engine, opts.readOnly ?? false), {
    type: 'data-loaded',
    containers: f.containers,
    volumes: f.volumes,
  });
}

/** The state with the cursor on the container named `name`. */
function on(name: string, s = loaded()): ExplorerState {
  const i = listRows(s).findIndex((r) => r.kind === 'container' && r.container.name === name);
  if (i < 0) throw new Error(`${name} is not a visible row`);
  return { ...s, cursor: i };
}

const labels = (s: ExplorerState) => listRows(s).map((r) => (r.kind === 'group' ? `[${r.label}]` : r.container.name));

const downV = planFrom(f, ['docker', 'compose', '-p', 'shop', 'down', '-v'], {
  destroy: {
    containers: ['shop-db-1', 'shop-web-1'],
    volumes: [{ name: 'shop_dbdata', reason: 'declared by project shop' }],
    networks: ['shop_default'],
  },
});
const rmScratch = planFrom(f, ['docker', 'rm', 'scratchpad'], { destroy: { containers: ['scratchpad'] } });

describe('listRows', () => {
  test('groups by compose project (sorted), standalone last, members by name', () => {
    expect(labels(loaded())).toEqual([
      '[shop (compose)]',
      'shop-db-1',
      'shop-web-1',
      '[standalone]',
      'scratchpad',
      'worker',
    ]);
  });

  test.each([
    ['web', ['[shop (compose)]', 'shop-web-1']],
    ['SHOP', ['[shop (compose)]', 'shop-db-1', 'shop-web-1']],
    ['busybox-vol', ['[shop (compose)]', 'shop-db-1']],
    ['work', ['[standalone]', 'worker']],
    ['nothing-matches', []],
  ])('filter %s', (filter, expected) => {
    expect(labels({ ...loaded(), filter })).toEqual(expected);
  });

  test('filter by id prefix', () => {
    const worker = f.containers.find((c) => c.name === 'worker');
    expect(labels({ ...loaded(), filter: worker?.id.slice(0, 6) ?? '' })).toEqual(['[standalone]', 'worker']);
  });

  test('enter on a group header collapses and expands it', () => {
    const collapsed = run({ ...loaded(), cursor: 0 }, { type: 'toggle-open' });
    expect(labels(collapsed)).toEqual(['[shop (compose)]', '[standalone]', 'scratchpad', 'worker']);
    expect(listRows(collapsed)[0]).toMatchObject({ kind: 'group', collapsed: true, count: 2 });
    expect(labels(run(collapsed, { type: 'toggle-open' }))).toEqual(labels(loaded()));
  });
});

describe('cursor', () => {
  test('the first load starts on the first container, not its group header', () => {
    expect(selectedContainer(loaded())?.name).toBe('shop-db-1');
  });

  test.each([
    [1, 'shop-web-1'],
    [3, 'scratchpad'],
    [100, 'worker'],
    [-100, null],
  ])('move %i from shop-db-1', (delta, name) => {
    const s = run(loaded(), { type: 'move', delta });
    expect(selectedContainer(s)?.name ?? null).toBe(name);
    expect(s.cursor).toBeGreaterThanOrEqual(0);
    expect(s.cursor).toBeLessThan(listRows(s).length);
  });

  test('a cursor beyond a shrunken list (filter, removal) is clamped before moving', () => {
    const s = { ...loaded(), cursor: 5, filter: 'shop' };
    expect(selectedContainer(run(s, { type: 'move', delta: -1 }))?.name).toBe('shop-db-1');
  });

  test('move-to top and bottom', () => {
    expect(run(loaded(), { type: 'move-to', where: 'bottom' }).cursor).toBe(5);
    expect(run(loaded(), { type: 'move-to', where: 'top' }).cursor).toBe(0);
  });

  test('in the volumes view j/k move the volume cursor, clamped', () => {
    const s = run(loaded(), { type: 'toggle-view' }, { type: 'move', delta: 100 });
    expect(s.volumeCursor).toBe(volumeRows(s).length - 1);
    expect(s.cursor).toBe(loaded().cursor);
  });
});

describe('volumeRows', () => {
  test('named volumes first, then anonymous ones; users and dangling', () => {
    const rows = volumeRows(loaded());
    const names = rows.map((r) => r.volume.name);
    expect(names.slice(0, 4)).toEqual(['notes', 'old-reports', 'shop_dbdata', 'shop_uploads']);
    expect(rows.slice(4).every((r) => r.anonymous)).toBe(true);
    expect(rows.find((r) => r.volume.name === 'old-reports')?.usedBy).toEqual([]);
    expect(rows.find((r) => r.volume.name === 'shop_dbdata')).toMatchObject({ usedBy: ['shop-db-1'], project: 'shop' });
  });
});

describe('previewArgv', () => {
  const cases: [PreviewKind, string, string[] | null][] = [
    ['rm', 'scratchpad', ['docker', 'rm', 'scratchpad']],
    ['rm-v', 'scratchpad', ['docker', 'rm', '-v', 'scratchpad']],
    ['rm-f', 'worker', ['docker', 'rm', '-f', 'worker']],
    ['down', 'shop-web-1', ['docker', 'compose', '-p', 'shop', 'down']],
    ['down-v', 'shop-db-1', ['docker', 'compose', '-p', 'shop', 'down', '-v']],
    ['down-v', 'worker', null],
    ['volume-rm', 'worker', ['docker', 'volume', 'rm', 'notes']],
    ['volume-prune', 'worker', ['docker', 'volume', 'prune']],
    ['volume-prune-a', 'worker', ['docker', 'volume', 'prune', '-a']],
    ['container-prune', 'worker', ['docker', 'container', 'prune']],
    ['system-prune-volumes', 'worker', ['docker', 'system', 'prune', '--volumes']],
  ];
  test.each(cases)('%s on %s', (kind, name, argv) => {
    expect(previewArgv(on(name), kind)).toEqual(argv);
  });

  test('rm of marked containers names every marked one', () => {
    const s = run(on('scratchpad'), { type: 'toggle-mark' }, { type: 'move', delta: 1 }, { type: 'toggle-mark' });
    expect(previewArgv(s, 'rm')).toEqual(['docker', 'rm', 'scratchpad', 'worker']);
  });

  test('down on the group header uses its project', () => {
    expect(previewArgv({ ...loaded(), cursor: 0 }, 'down-v')).toEqual([
      'docker',
      'compose',
      '-p',
      'shop',
      'down',
      '-v',
    ]);
  });
});

describe('previewDisabledReason', () => {
  test.each<[string, PreviewKind, (s: ExplorerState) => ExplorerState, RegExp | null]>([
    ['rm on a container', 'rm', (s) => s, null],
    ['rm on a group header', 'rm', (s) => ({ ...s, cursor: 0 }), /select a container/],
    ['rm in the volumes view', 'rm', (s) => ({ ...s, view: 'volumes' }), /containers view/],
    ['down -v on a standalone container', 'down-v', (s) => on('worker', s), /not part of a compose project/],
    ['volume rm in the containers view', 'volume-rm', (s) => s, /volumes view/],
    ['volume rm in the volumes view', 'volume-rm', (s) => ({ ...s, view: 'volumes' }), null],
    ['prune anywhere', 'volume-prune', (s) => s, null],
    ['before the first load', 'volume-prune', () => initialState(f.engine, false), /still loading/],
    // A preview destroys nothing: read-only mode allows it (only carrying it out is refused).
    ['read-only', 'volume-prune', (s) => ({ ...s, readOnly: true }), null],
  ])('%s', (_name, kind, prepare, reason) => {
    const r = previewDisabledReason(prepare(loaded()), kind);
    if (reason === null) expect(r).toBeNull();
    else expect(r).toMatch(reason);
  });

  test('a disabled request leaves the mode and says why', () => {
    const s = run(on('worker'), { type: 'request-preview', kind: 'down-v' });
    expect(s.mode).toBe('browsing');
    expect(s.message).toMatch(/not part of a compose project/);
  });
});

describe('requiredConfirmation', () => {
  const volumePlan = (argv: string[]) =>
    planFrom(f, argv, { destroy: { volumes: [{ name: 'old-reports', reason: 'unused' }] } });
  test.each<[string, string[], ReturnType<typeof planFrom>, string | null]>([
    ['no volume data: y is enough', ['docker', 'rm', 'scratchpad'], rmScratch, null],
    ['compose down -v: the project name', ['docker', 'compose', '-p', 'shop', 'down', '-v'], downV, 'shop'],
    [
      'a prune: the word prune',
      ['docker', 'volume', 'prune', '-a'],
      volumePlan(['docker', 'volume', 'prune', '-a']),
      'prune',
    ],
    [
      'volume rm: the volume name',
      ['docker', 'volume', 'rm', 'old-reports'],
      volumePlan(['docker', 'volume', 'rm', 'old-reports']),
      'old-reports',
    ],
  ])('%s', (_name, argv, plan, need) => {
    expect(argv).toEqual(plan.command);
    expect(requiredConfirmation(plan)).toBe(need);
  });
});

describe('preview → confirm → run', () => {
  const previewing = (s: ExplorerState, kind: PreviewKind) => run(s, { type: 'request-preview', kind });
  const withPlan = (s: ExplorerState, plan = downV) => run(s, { type: 'plan-loaded', seq: s.preview?.seq ?? -1, plan });

  test('a preview opens with the command and no plan; the plan of an older preview is ignored', () => {
    const first = previewing(on('shop-db-1'), 'down-v');
    expect(first.mode).toBe('previewing');
    expect(first.preview).toMatchObject({ argv: ['docker', 'compose', '-p', 'shop', 'down', '-v'], plan: null });
    const second = run(first, { type: 'back' }, { type: 'request-preview', kind: 'down-v' });
    const late = run(second, { type: 'plan-loaded', seq: first.preview?.seq ?? -1, plan: downV });
    expect(late.preview?.plan).toBeNull();
    expect(withPlan(second).preview?.plan).toBe(downV);
  });

  test('confirmation waits for the plan, and defaults to No', () => {
    const p = previewing(on('scratchpad'), 'rm');
    expect(run(p, { type: 'confirm' }).mode).toBe('previewing');
    const confirming = run(withPlan(p, rmScratch), { type: 'confirm' });
    expect(confirming.mode).toBe('confirming');
    const no = run(confirming, { type: 'back' });
    expect(no.mode).toBe('previewing');
    expect(no.message).toMatch(/nothing was removed/);
    expect(run(confirming, { type: 'confirm-yes' }).mode).toBe('running');
  });

  test('typing confirmation: y does not run it, a wrong name keeps it, the exact name runs it', () => {
    const confirming = run(withPlan(previewing(on('shop-db-1'), 'down-v')), { type: 'confirm' });
    expect(run(confirming, { type: 'confirm-yes' }).mode).toBe('confirming');
    const typed = (text: string) =>
      run(confirming, ...[...text].map((c): ExplorerAction => ({ type: 'input-char', text: c })), { type: 'submit' });
    const wrong = typed('sho');
    expect(wrong.mode).toBe('confirming');
    expect(wrong.message).toMatch(/type shop exactly/);
    const right = typed('shop');
    expect(right.mode).toBe('running');
    expect(right.run).toMatchObject({ total: 4, done: 0, removed: null });
    expect(run(typed('shopx'), { type: 'input-backspace' }, { type: 'submit' }).mode).toBe('running');
  });

  test('blocked and empty plans cannot be confirmed', () => {
    const p = previewing(on('worker'), 'rm');
    const blocked = planFrom(f, ['docker', 'rm', 'worker'], { blocked: 'container worker is running' });
    expect(run(withPlan(p, blocked), { type: 'confirm' })).toMatchObject({
      mode: 'previewing',
      message: expect.stringMatching(/refuse.*running/),
    });
    const empty = planFrom(f, ['docker', 'rm', 'worker']);
    expect(run(withPlan(p, empty), { type: 'confirm' }).message).toBe('nothing to remove');
  });

  test('run progress keeps only the last 200 lines', () => {
    let s = run(withPlan(previewing(on('scratchpad'), 'rm'), rmScratch), { type: 'confirm' }, { type: 'confirm-yes' });
    for (let i = 0; i < 250; i++) {
      s = explorerReducer(s, {
        type: 'run-progress',
        line: { text: `volume v${i}`, status: 'removed' },
        done: i + 1,
        total: 250,
      });
    }
    expect(s.run?.lines).toHaveLength(200);
    expect(s.run?.lines[0]?.text).toBe('volume v50');
    expect(s.run?.lines.at(-1)?.text).toBe('volume v249');
    expect(s.run).toMatchObject({ done: 250, total: 250 });
  });

  test('finish, drift and failure end in done and ask for a reload', () => {
    const running = run(
      withPlan(previewing(on('scratchpad'), 'rm'), rmScratch),
      { type: 'confirm' },
      { type: 'confirm-yes' },
    );
    const finished = run(running, { type: 'run-finished', removed: 1, failed: [] });
    expect(finished).toMatchObject({ mode: 'done', reloadSeq: running.reloadSeq + 1 });
    expect(finished.run?.removed).toBe(1);
    const drift = run(running, {
      type: 'run-drift',
      items: [{ kind: 'container', name: 'scratchpad', was: 'destroy', now: 'absent' }],
    });
    expect(drift.mode).toBe('done');
    expect(drift.run?.drift).toHaveLength(1);
    expect(drift.run?.removed).toBeNull();
    expect(run(running, { type: 'run-failed', error: 'boom' }).run?.error).toBe('boom');
    const back = run(finished, { type: 'back' });
    expect(back).toMatchObject({ mode: 'browsing', preview: null, run: null });
  });

  test('quit is refused while running, and allowed otherwise', () => {
    const running = run(
      withPlan(previewing(on('scratchpad'), 'rm'), rmScratch),
      { type: 'confirm' },
      { type: 'confirm-yes' },
    );
    const refused = run(running, { type: 'quit' });
    expect(refused.quitting).toBe(false);
    expect(refused.message).toMatch(/in progress/);
    expect(run(running, { type: 'back' }).mode).toBe('running');
    expect(run(loaded(), { type: 'quit' }).quitting).toBe(true);
  });
});

describe('read-only', () => {
  test('preview requests open the preview (it destroys nothing)', () => {
    const s = run(on('scratchpad', loaded({ readOnly: true })), { type: 'request-preview', kind: 'rm' });
    expect(s.mode).toBe('previewing');
    expect(s.preview?.argv).toEqual(['docker', 'rm', 'scratchpad']);
  });

  test('a previewed command (from `:`) can be looked at but not confirmed', () => {
    const s = run(loaded({ readOnly: true }), { type: 'preview-command', argv: ['docker', 'rm', 'scratchpad'] });
    const withPlan = run(s, { type: 'plan-loaded', seq: s.preview?.seq ?? -1, plan: rmScratch }, { type: 'confirm' });
    expect(withPlan.mode).toBe('previewing');
    expect(withPlan.message).toMatch(/read-only/);
  });
});

describe('prompts', () => {
  test('filter: typing filters live, esc clears, enter keeps', () => {
    const typing = run(
      loaded(),
      { type: 'open-filter' },
      { type: 'input-char', text: 'w' },
      { type: 'input-char', text: 'e' },
    );
    expect(typing).toMatchObject({ mode: 'filtering', filter: 'we' });
    // The cursor lands on the first matching container, not on its group's header.
    expect(selectedContainer(typing)?.name).toBe('shop-web-1');
    expect(run(typing, { type: 'back' })).toMatchObject({ mode: 'browsing', filter: '' });
    expect(run(typing, { type: 'submit' })).toMatchObject({ mode: 'browsing', filter: 'we' });
  });

  test('command: the typed line is previewed with a leading docker', () => {
    const s = run(
      loaded(),
      { type: 'open-command' },
      ...[...'volume rm "my vol"'].map((c): ExplorerAction => ({ type: 'input-char', text: c })),
      { type: 'submit' },
    );
    expect(s.mode).toBe('previewing');
    expect(s.preview?.argv).toEqual(['docker', 'volume', 'rm', 'my vol']);
  });

  test.each([
    ['rm -v a b', ['rm', '-v', 'a', 'b']],
    [`volume rm 'a b' "c d"`, ['volume', 'rm', 'a b', 'c d']],
    ['  spaced   out ', ['spaced', 'out']],
    [`rm ''`, ['rm', '']],
  ])('splitWords %s', (line, words) => {
    expect(splitWords(line)).toEqual(words);
  });
});

describe('the change tree lives in the reducer (keys in the changes pane see the latest rows)', () => {
  const scratch = f.containers.find((c) => c.name === 'scratchpad');
  if (!scratch) throw new Error('scratchpad missing from the fixture');
  const tree = buildDiffTree(f.changes[scratch.id] ?? [], { mounts: scratch.mounts });
  const withTree = () =>
    run(on('scratchpad'), { type: 'tree-loaded', id: scratch.id, tree }, { type: 'next-pane' }, { type: 'next-pane' });

  test('a tree for a container that is not selected is dropped', () => {
    const s = run(on('worker'), { type: 'tree-loaded', id: scratch.id, tree });
    expect(s.changeTree).toBeNull();
    expect(visibleChanges(s)).toEqual([]);
  });

  test('moving in the changes pane stops at the last row', () => {
    const s = withTree();
    expect(s.focus).toBe('changes');
    const n = visibleChanges(s).length;
    expect(n).toBeGreaterThan(3);
    const end = run(s, ...Array.from({ length: n + 10 }, () => ({ type: 'move', delta: 1 }) as const));
    expect(end.changesCursor).toBe(n - 1);
    // One step back is one row up, not ten presses of nothing.
    expect(run(end, { type: 'move', delta: -1 }).changesCursor).toBe(n - 2);
  });

  test('a tree read again keeps the cursor on its path when rows are added above it (not on its row number)', () => {
    const changes = f.changes[scratch.id] ?? [];
    const s0 = withTree();
    const rows = visibleChanges(s0);
    const last = rows.length - 1;
    const s = run(s0, ...Array.from({ length: last }, () => ({ type: 'move', delta: 1 }) as const));
    const path = rows[last]?.node.path as string;
    // A new path inside the first directory appears in the new reading: every row below it moves down one.
    const dir = rows.find((r) => r.hasChildren)?.node.path as string;
    const fresh = `${dir}/0000-new`;
    const again = buildDiffTree([{ path: fresh, kind: 'added' }, ...changes], { mounts: scratch.mounts });
    const after = run(s, { type: 'tree-loaded', id: scratch.id, tree: again });
    const added = visibleChanges(after).findIndex((r) => r.node.path === fresh);
    expect(added).toBeGreaterThanOrEqual(0);
    expect(added).toBeLessThan(last);
    expect(visibleChanges(after)[after.changesCursor]?.node.path).toBe(path);
    expect(after.changesCursor).toBe(last + 1);
    // The same tree again (sizes arriving): the cursor stays where it is.
    expect(run(after, { type: 'tree-loaded', id: scratch.id, tree: again }).changesCursor).toBe(last + 1);
  });

  test('enter folds the directory under the cursor, resolved against the state of that moment', () => {
    const s = withTree();
    const rows = visibleChanges(s);
    const dirIndex = rows.findIndex((r) => r.hasChildren);
    expect(dirIndex).toBeGreaterThanOrEqual(0);
    const moves = Array.from({ length: dirIndex }, () => ({ type: 'key', key: 'j' }) as const);
    const folded = [...moves, { type: 'key', key: 'enter' } as const].reduce(rootReducer, s);
    const dir = rows[dirIndex]?.node.path as string;
    expect(folded.collapsedPaths.has(dir)).toBe(true);
    expect(visibleChanges(folded).length).toBeLessThan(rows.length);
    expect(rootReducer(folded, { type: 'key', key: 'enter' }).collapsedPaths.has(dir)).toBe(false);
  });
});

describe('preview scrolling is bounded by the plan', () => {
  test('scrolling past the end stays on the last line', () => {
    const s = run(on('scratchpad'), { type: 'request-preview', kind: 'rm' });
    const seq = s.preview?.seq as number;
    const withPlan = run(s, { type: 'plan-loaded', seq, plan: rmScratch });
    const last = previewLines(rmScratch).length - 1;
    const far = run(withPlan, { type: 'scroll-preview', delta: 1000 });
    expect(far.preview?.scroll).toBe(last);
    expect(run(far, { type: 'scroll-preview', delta: -1 }).preview?.scroll).toBe(last - 1);
  });

  test('with the terminal size known, the last scroll shows the end, and k from there moves at once', () => {
    const s = run(
      on('shop-db-1'),
      { type: 'resize', columns: 80, rows: 24 },
      { type: 'request-preview', kind: 'down-v' },
    );
    const withPlan = run(s, { type: 'plan-loaded', seq: s.preview?.seq as number, plan: downV });
    const n = previewLines(downV).length;
    // 80×24: a body of 20 lines, less the preview's border, title, command and read-only line: 15; one is ↑ N more.
    const far = run(withPlan, { type: 'scroll-preview', delta: 1000 });
    expect(far.preview?.scroll).toBe(Math.max(0, n - 14));
    expect(run(far, { type: 'scroll-preview', delta: -1 }).preview?.scroll).toBe(Math.max(0, n - 15));
  });
});

describe('the selection is kept by container ID across refreshes', () => {
  test('a container added above the selection (an engine event) does not move the highlight', () => {
    const s = on('scratchpad');
    const extra = { ...containerNamed(f, 'worker'), id: 'a'.repeat(64), name: 'aaa-new' };
    const after = run(s, { type: 'data-loaded', containers: [extra, ...f.containers] });
    expect(selectedContainer(after)?.name).toBe('scratchpad');
    expect(after.cursor).toBe(s.cursor + 1);
  });

  test('the engine listing containers in another order does not move it either', () => {
    const s = on('shop-web-1');
    const after = run(s, { type: 'data-loaded', containers: [...f.containers].reverse() });
    expect(selectedContainer(after)?.name).toBe('shop-web-1');
  });

  test('a removed selection falls back to the row at its place', () => {
    const s = on('scratchpad');
    const after = run(s, { type: 'data-loaded', containers: f.containers.filter((c) => c.name !== 'scratchpad') });
    expect(selectedContainer(after)?.name).toBe('worker');
  });
});

describe('the mount table: its own cursor, rows by stake', () => {
  const db = containerNamed(f, 'shop-db-1');
  const fate = (down: Fate): Record<FateCommand, Fate> => ({
    rm: 'kept',
    'rm -v': 'kept',
    'compose down -v': down,
    'volume prune': 'kept',
  });
  const withFates = (s: ExplorerState) =>
    run(s, {
      type: 'mount-fates-loaded',
      id: db.id,
      error: null,
      fates: new Map(
        db.mounts.map((m) => [m.destination, fate(m.name === 'shop_dbdata' ? 'destroyed' : 'orphaned')] as const),
      ),
    });

  test('LOST first, then orphaned, by destination: the same order whatever the engine listed', () => {
    const s = withFates(on('shop-db-1'));
    expect(mountRows(s).map((r) => r.mount.destination)).toEqual(['/var/lib/db', '/data', '/scratch']);
    const reversed = { ...containerNamed(f, 'shop-db-1'), mounts: [...db.mounts].reverse() };
    const other = withFates(on('shop-db-1', run(loaded(), { type: 'data-loaded', containers: [reversed] })));
    expect(mountRows(other).map((r) => r.mount.destination)).toEqual(['/var/lib/db', '/data', '/scratch']);
  });

  test('tab focuses the mount pane; j/k move its cursor, bounded; a new selection starts it at the top', () => {
    let s = withFates(on('shop-db-1'));
    s = rootReducer(s, { type: 'key', key: 'tab' });
    expect(s.focus).toBe('mounts');
    for (let i = 0; i < 5; i++) s = rootReducer(s, { type: 'key', key: 'j' });
    expect(selectedMount(s)?.mount.destination).toBe('/scratch');
    s = rootReducer(s, { type: 'key', key: 'k' });
    expect(selectedMount(s)?.mount.destination).toBe('/data');
    // Back to the list, next container: the mount cursor starts over.
    s = rootReducer(rootReducer(s, { type: 'key', key: 'tab' }), { type: 'key', key: 'tab' });
    expect(s.focus).toBe('list');
    s = rootReducer(s, { type: 'key', key: 'j' });
    expect(s.mountCursor).toBe(0);
  });

  test('inspected mounts (tmpfs too) replace the listed ones; those of another container are dropped', () => {
    const worker = Object.values(f.inspected).find((c) => c.name === 'worker');
    if (!worker) throw new Error('no worker');
    const s = on('worker');
    const tmpfs: MountPoint = {
      type: 'tmpfs',
      name: null,
      source: '',
      destination: '/run/worker',
      driver: null,
      mode: '',
      rw: true,
    };
    const mounts = [...worker.mounts, tmpfs];
    expect(mountRows(run(s, { type: 'mounts-loaded', id: worker.id, mounts })).map((r) => r.mount.type)).toContain(
      'tmpfs',
    );
    expect(run(s, { type: 'mounts-loaded', id: db.id, mounts }).mountTable).toBeNull();
  });
});

describe('the result screen', () => {
  test("an object's outcome replaces its … line instead of stacking under it", () => {
    const p = run(on('scratchpad'), { type: 'request-preview', kind: 'rm' });
    let s = run(p, { type: 'plan-loaded', seq: p.preview?.seq ?? -1, plan: rmScratch }, { type: 'confirm' });
    s = run(
      s,
      { type: 'confirm-yes' },
      { type: 'run-progress', line: { text: 'container scratchpad', status: 'removing' }, done: 0, total: 1 },
      { type: 'run-progress', line: { text: 'container scratchpad', status: 'removed' }, done: 1, total: 1 },
    );
    expect(s.run?.lines).toEqual([{ text: 'container scratchpad', status: 'removed' }]);
  });
});

describe('help scrolls, bounded by what fits', () => {
  test('at 80×24 the last screen reaches the end; k from there scrolls back at once', () => {
    let s = run(loaded(), { type: 'resize', columns: 80, rows: 24 });
    s = rootReducer(s, { type: 'key', key: '?' });
    expect(s.mode).toBe('help');
    expect(s.helpLines).toBeGreaterThan(20);
    s = rootReducer(s, { type: 'key', key: 'G' });
    const bottom = s.helpScroll;
    expect(bottom).toBeGreaterThan(0);
    s = rootReducer(s, { type: 'key', key: 'j' });
    expect(s.helpScroll).toBe(bottom);
    s = rootReducer(s, { type: 'key', key: 'k' });
    expect(s.helpScroll).toBe(bottom - 1);
  });
});
