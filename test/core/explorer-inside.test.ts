/**
 * The reducer of the explorer's inside screens (core/explorer/inside.ts), on engine data recorded from Docker 26.1.5
 * (test/fixtures/engine-json/README.md): the backup's phases and what each key does in them, the log tail's bounds,
 * a volume's contents as a tree.
 */
import { describe, expect, test } from 'vitest';
import { flatten } from '../../src/core/diff-tree.js';
import { backupDisabledReason, LOG_LINES } from '../../src/core/explorer/inside.js';
import { type ExplorerState, explorerReducer, initialState } from '../../src/core/explorer-reducer.js';
import { rootReducer } from '../../src/core/keymap.js';
import { contentsTree, VolumeTreeBuilder } from '../../src/core/volume-tree.js';
import { loadFixture } from '../helpers/memory-port.js';
import { planFrom } from '../helpers/plans.js';

const f = loadFixture();

function loaded(readOnly = false): ExplorerState {
  return explorerReducer(initialState(f.engine, readOnly), {
    type: 'data-loaded',
    containers: f.containers,
    volumes: f.volumes,
  });
}

const press = (s: ExplorerState, ...keys: string[]) =>
  keys.reduce((st, key) => rootReducer(st, { type: 'key', key }), s);

const downV = planFrom(f, ['docker', 'compose', '-p', 'shop', 'down', '-v'], {
  destroy: { containers: ['shop-db-1', 'shop-web-1'], volumes: [{ name: 'shop_dbdata', reason: 'declared' }] },
});
const networksOnly = planFrom(f, ['docker', 'network', 'prune'], { destroy: { networks: ['shop_default'] } });

function previewing(plan = downV, readOnly = false): ExplorerState {
  const s = explorerReducer(loaded(readOnly), { type: 'preview-command', argv: plan.command });
  return explorerReducer(s, { type: 'plan-loaded', seq: s.preview?.seq ?? -1, plan });
}

describe('b on a preview', () => {
  test('opens the backup screen; nothing runs before y', () => {
    const s = press(previewing(), 'b');
    expect(s.mode).toBe('backup');
    expect(s.backup?.phase).toBe('ready');
    expect(press(s, 'y').backup?.phase).toBe('running');
  });

  test('is refused while the plan is computed, when blocked, and when nothing destroyed holds data', () => {
    const computing = explorerReducer(loaded(), { type: 'preview-command', argv: downV.command });
    expect(press(computing, 'b')).toMatchObject({ mode: 'previewing', message: 'the plan is still being computed' });
    const none = press(previewing(networksOnly), 'b');
    expect(none.mode).toBe('previewing');
    expect(none.message).toBe(backupDisabledReason(previewing(networksOnly)));
    expect(none.message).toContain('nothing this plan destroys holds data');
  });

  test('esc while running cancels (no removal offered); a late result of an old backup is ignored', () => {
    let s = press(previewing(), 'b', 'y');
    const seq = s.backup?.seq ?? -1;
    s = press(s, 'escape');
    expect(s.backup?.phase).toBe('cancelling');
    expect(press(s, 'q').quitting).toBe(false);
    s = explorerReducer(s, { type: 'backup-failed', seq, error: 'cancelled' });
    expect(s.backup?.phase).toBe('failed');
    expect(press(s, 'y').mode).toBe('backup');
    s = press(s, 'escape');
    expect(s).toMatchObject({ mode: 'previewing', backup: null, message: 'nothing was removed' });
    const late = explorerReducer(s, { type: 'backup-done', seq, dir: '/x', archives: ['/x/a'], archiveBytes: 1 });
    expect(late).toBe(s);
  });

  test('verified: y opens the confirmation of the same plan; read-only keeps the backup and refuses', () => {
    const done = (s: ExplorerState) =>
      explorerReducer(s, {
        type: 'backup-done',
        seq: s.backup?.seq ?? -1,
        dir: '/b',
        archives: ['/b/v'],
        archiveBytes: 9,
      });
    const s = done(press(previewing(), 'b', 'y'));
    expect(s.backup?.phase).toBe('verified');
    const confirming = press(s, 'y');
    expect(confirming.mode).toBe('confirming');
    expect(confirming.preview?.plan).toBe(downV);
    // esc in the confirmation: back to the preview, the backup kept.
    expect(press(confirming, 'escape')).toMatchObject({
      mode: 'previewing',
      message: 'not confirmed: nothing was removed',
    });
    const ro = done(press(previewing(downV, true), 'b', 'y'));
    expect(ro.backup?.phase).toBe('verified');
    expect(press(ro, 'y')).toMatchObject({ mode: 'backup', message: expect.stringContaining('read-only mode') });
  });

  test('progress: throughput and ETA count from the first progress of each stage', () => {
    let s = press(previewing(), 'b', 'y');
    const seq = s.backup?.seq ?? -1;
    const p = { seq, item: 'shop_dbdata', index: 0, count: 3, total: 100 } as const;
    s = explorerReducer(s, { type: 'backup-progress', ...p, stage: 'copy', done: 10, atMs: 1000 });
    s = explorerReducer(s, { type: 'backup-progress', ...p, stage: 'copy', done: 50, atMs: 2000 });
    expect(s.backup).toMatchObject({ startedMs: 1000, atMs: 2000, done: 50 });
    s = explorerReducer(s, { type: 'backup-progress', ...p, stage: 'verify', done: 5, atMs: 3000 });
    expect(s.backup).toMatchObject({ stage: 'verify', startedMs: 3000 });
  });
});

describe('logs', () => {
  test('l opens the selected container; lines split across chunks; only the last LOG_LINES are kept', () => {
    let s = press({ ...loaded(), cursor: 1 }, 'l');
    expect(s.mode).toBe('logs');
    const seq = s.logs?.seq ?? -1;
    s = explorerReducer(s, { type: 'logs-data', seq, text: 'one\ntw' });
    s = explorerReducer(s, { type: 'logs-data', seq, text: 'o\n' });
    expect(s.logs).toMatchObject({ lines: ['one', 'two'], partial: '' });
    s = explorerReducer(s, { type: 'logs-data', seq, text: `${'x\n'.repeat(LOG_LINES)}` });
    expect(s.logs?.lines).toHaveLength(LOG_LINES);
    expect(s.logs?.dropped).toBe(2);
    // k scrolls back (following stops), G follows again.
    expect(press(s, 'k').logs?.scroll).toBe(LOG_LINES - 2);
    expect(press(s, 'k', 'G').logs?.scroll).toBeNull();
    expect(press(s, 'escape')).toMatchObject({ mode: 'browsing', logs: null });
  });
});

describe('volume contents as a tree', () => {
  test('the listed entries nest under their parents with their subtree bytes', () => {
    const b = new VolumeTreeBuilder(3);
    for (const [path, type, size] of [
      ['/a', 'directory', 0],
      ['/a/b', 'directory', 0],
      ['/a/b/x', 'file', 1000],
      ['/a/y', 'file', 24],
      ['/top', 'file', 200],
    ] as const) {
      b.add({ path, type, size });
    }
    const tree = contentsTree(b.result('v'));
    expect(tree).toMatchObject({ bytes: 1224, paths: 5, sized: true });
    const rows = flatten(tree, new Set(['/a/b']));
    expect(rows.map((r) => [r.node.path, r.node.bytes, r.depth])).toEqual([
      ['/a', 1024, 0],
      ['/a/b', 1000, 1],
      ['/a/y', 24, 1],
      ['/top', 200, 0],
    ]);
    expect(rows.every((r) => r.node.status === null)).toBe(true);
  });
});
