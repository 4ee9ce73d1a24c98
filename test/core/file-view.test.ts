import { describe, expect, test } from 'vitest';
import { buildContentDiff } from '../../src/core/content-diff.js';
import { buildDiffTree } from '../../src/core/diff-tree.js';
import {
  type ExplorerAction,
  type ExplorerState,
  explorerReducer,
  initialState,
  listRows,
  visibleChanges,
} from '../../src/core/explorer-reducer.js';
import { rootReducer } from '../../src/core/keymap.js';
import { loadFixture } from '../helpers/memory-port.js';

// Engine data recorded from Docker 26.1.5 (test/fixtures/engine-json/README.md).
const f = loadFixture();
const run = (s: ExplorerState, ...actions: ExplorerAction[]) => actions.reduce(explorerReducer, s);
const keys = (s: ExplorerState, ...ks: string[]) => ks.reduce((x, key) => rootReducer(x, { type: 'key', key }), s);
const scratch = f.containers.find((c) => c.name === 'scratchpad');
if (!scratch) throw new Error('scratchpad missing from the fixture');
const tree = buildDiffTree(f.changes[scratch.id] ?? [], { mounts: scratch.mounts });

function inTree(): ExplorerState {
  const s = run(initialState(f.engine, false), { type: 'data-loaded', containers: f.containers, volumes: f.volumes });
  const i = listRows(s).findIndex((r) => r.kind === 'container' && r.container.name === 'scratchpad');
  return run({ ...s, cursor: i }, { type: 'tree-loaded', id: scratch?.id ?? '', tree }, { type: 'toggle-open' });
}

const text = (t: string) => ({ ...fileSide(t) });
function fileSide(t: string) {
  const content = new TextEncoder().encode(t);
  return {
    type: 'file' as const,
    size: content.length,
    mode: 0o644,
    uid: 0,
    gid: 0,
    linkTarget: null,
    sha256: 'x',
    content,
    truncated: false,
  };
}

describe('the content diff pane in the explorer', () => {
  test('enter on a file opens it (mode viewing), a late result for another view is dropped, esc returns', () => {
    const s = inTree();
    expect(s.focus).toBe('changes');
    const rows = visibleChanges(s);
    const fileAt = rows.findIndex((r) => !r.hasChildren && !r.node.isDir);
    const opened = keys({ ...s, changesCursor: fileAt }, 'enter');
    expect(opened.mode).toBe('viewing');
    expect(opened.fileView).toMatchObject({ containerId: scratch.id, path: rows[fileAt]?.node.path, diff: null });
    const seq = opened.fileView?.seq ?? -1;
    const diff = buildContentDiff({
      path: rows[fileAt]?.node.path ?? '',
      kind: 'modified',
      before: text('a\nb\n'),
      after: text(Array.from({ length: 40 }, (_, i) => `l${i}\n`).join('')),
      maxBytes: 100,
    });
    expect(run(opened, { type: 'file-diff-loaded', seq: seq - 1, diff }).fileView?.diff).toBeNull();
    const shown = run(opened, { type: 'file-diff-loaded', seq, diff });
    expect(shown.fileView?.diff).toBe(diff);
    // j/k, pages and G/g scroll the pane, within its lines.
    expect(keys(shown, 'j', 'j', 'k').fileView?.scroll).toBe(1);
    const bottom = keys(shown, 'G').fileView?.scroll ?? 0;
    expect(bottom).toBeGreaterThan(40);
    expect(keys(shown, 'G', 'pageDown').fileView?.scroll).toBe(bottom);
    expect(keys(shown, 'G', 'g').fileView?.scroll).toBe(0);
    const back = keys(shown, 'escape');
    expect(back).toMatchObject({ mode: 'browsing', fileView: null, focus: 'changes' });
  });

  test('enter on a directory with rows under it still folds it', () => {
    const s = inTree();
    const dirAt = visibleChanges(s).findIndex((r) => r.hasChildren);
    const folded = keys({ ...s, changesCursor: dirAt }, 'enter');
    expect(folded.mode).toBe('browsing');
    expect(folded.collapsedPaths.size).toBe(1);
  });
});
