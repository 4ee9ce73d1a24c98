/**
 * End to end (issue 15): in the real binary in a real terminal (tmux) at 80×24 and 120×40, `enter` on each file
 * of the change tree opens what changed inside it, `esc` returns to the tree; the container's `changes` are the
 * same afterwards. The cases are those of test/engine/content-diff.test.ts, on a private 28.5.2 engine.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import { CONTAINER_SCRIPT, IMAGE_SCRIPT } from '../engine/fixtures/content-cases.js';
import { given } from '../engine/given.js';
import { docker, engineEnv, prefix, startEngine, stopEngine, type TestEngine } from '../engine/harness.js';
import { KEYS, lastlookBin, TmuxSession } from './tmux.js';

// An engine of its own: other files' containers coming and going on a shared engine refresh the explorer's list
// and tree under the keys this test types.
let engine: TestEngine;
const p = prefix('ce');
let id = '';
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  engine = await startEngine('current');
  const base = (await given(engine, ['create', engine.volumeImage, 'sh', '-c', IMAGE_SCRIPT])).trim();
  await docker(engine, ['start', '-a', base]);
  await docker(engine, ['commit', base, `${p}-img:1`]);
  await given(engine, ['rm', '-v', base]);
  id = (
    await given(engine, ['run', '-d', '--name', `${p}-c`, '-v', '/anon', `${p}-img:1`, 'sh', '-c', CONTAINER_SCRIPT])
  ).trim();
  const deadline = Date.now() + 20_000;
  while (!(await docker(engine, ['diff', id])).includes('/ready')) {
    if (Date.now() > deadline) throw new Error('the container did not finish its changes');
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  for (const t of sessions) t.kill();
  if (id) await given(engine, ['rm', '-f', '-v', id]);
  // A session killed mid-read (a failed test) can leave a helper; the next lastlook run would sweep it.
  const left = (await docker(engine, ['ps', '-aq', '--filter', `ancestor=${p}-img:1`])).trim();
  if (left) await given(engine, ['rm', '-f', ...left.split('\n')]);
  await docker(engine, ['rmi', `${p}-img:1`]);
  await stopEngine(engine);
});

/**
 * The change pane's rows below its title, each cut at the pane's left border (at 120 columns the container list
 * shares those lines, and its own selection is a `▸` too).
 */
function treeRows(screen: string): string[] {
  const lines = screen.split('\n').map((l) => [...l]);
  const t = lines.findIndex((l) => l.join('').includes('Changes (docker diff)'));
  if (t < 0) return [];
  const border = (lines[t] as string[]).join('').indexOf('Changes (docker diff)');
  const col = [...(lines[t] as string[]).join('').slice(0, border)].length - 2;
  return lines.slice(t + 1).map((l) => l.slice(col).join(''));
}

/**
 * The name on the change tree's selected row (`▸C  name`; a row without a kind, a fold marker and a `→ target`
 * aside), or null. Names of rows next to each other differ in this tree, so a new name is a move.
 */
function selectedName(screen: string): string | null {
  for (const row of treeRows(screen)) {
    const m = /^[┃│]▸[ACD ] +(?:[▾▸] )?([^\s│┃]+)/.exec(row);
    if (m) return (m[1] as string).replace(/\/$/, '').split('/').pop() ?? null;
  }
  return null;
}

/** Whether the change tree's selection is on its first row. */
function atTop(screen: string): boolean {
  return /^[┃│]▸/.test(treeRows(screen)[0] ?? '');
}

/**
 * Moves the change tree's selection to the row naming `name`: from the top, one j at a time, each j drawn before
 * the next is sent. A move is a new name on the selected row, never a new line or no selection at all: tmux can
 * capture a frame half drawn, with no row selected yet, and a key counted as drawn before it was leaves every later
 * j one behind the screen, free to skip a row between two captures (traced: old.conf, no selection, bin, run.sh —
 * owned skipped; fresh-clone runs saw a seek pass its row, and enter open the row after the one on screen).
 */
async function seek(t: TmuxSession, name: string): Promise<void> {
  t.send('g');
  let screen = await t.waitFor(atTop, 20_000, 'the change tree selection on its first row');
  for (let i = 0; i < 60 && selectedName(screen) !== name; i++) {
    const before = selectedName(screen);
    t.send('j');
    screen = await t.waitFor(
      (s) => {
        const now = selectedName(s);
        return now !== null && now !== before;
      },
      20_000,
      `the selection to move towards ${name}`,
    );
  }
  expect(selectedName(screen)).toBe(name);
}

const CASES: readonly { readonly name: string; readonly shows: readonly (string | RegExp)[] }[] = [
  { name: 'app.conf', shows: [/2 +- workers 2/, /2 \+ workers 8/] },
  { name: 'app.log', shows: [/3 \+ stopped/, /1 +1 +started/] },
  {
    name: 'tool',
    shows: ['binary file: content differs', /image: +regular file {2}3,000 bytes {2}sha256 [0-9a-f]{8}/],
  },
  { name: 'old.conf', shows: ['deleted (D) text', /1 +- obsolete = true/] },
  { name: 'run.sh', shows: ['mode: 0644 → 0755', 'content identical'] },
  { name: 'current', shows: ['type: regular file → symlink', '-> /etc/app/app.conf', /1 +- was a file/] },
  { name: 'new.txt', shows: [/\+ hello \\u001b\]0;pwned\\u0007 \\u001b\[31mred \\u202eevil \\xff/] },
];

describe.each([
  [80, 24],
  [120, 40],
] as const)('the content diff pane at %i×%i', (columns, rows) => {
  test('enter on each changed file shows what changed inside it; esc returns; changes unchanged', {
    timeout: 240_000,
  }, async () => {
    const port = connect(resolveConnection({ host: engine.host, env: {} }));
    const before = (await port.containerChanges(id)).map((c) => `${c.kind} ${c.path}`).sort();
    const t = new TmuxSession(columns, rows);
    sessions.push(t);
    t.start(['node', lastlookBin, '--host', engine.host], engineEnv(engine, { LANG: 'C.UTF-8' }));
    await t.waitForText(`${p}-c`);
    t.send('/');
    t.type(`${p}-c`);
    t.send(KEYS.enter);
    await t.waitForText(`Mounts: ${p}-c`);
    await t.waitForText(/Changes \(docker diff\): \d+ path/);
    t.send(KEYS.enter); // into the change tree
    for (const c of CASES) {
      await seek(t, c.name);
      t.send(KEYS.enter);
      await t.waitForText('image → container');
      for (const s of c.shows) await t.waitForText(s);
      const screen = t.capture();
      // The pane fits the terminal: no line is wider than it.
      expect(Math.max(...screen.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(columns);
      t.send(KEYS.escape);
      await t.waitFor((s) => !s.includes('image → container'), 20_000, 'the tree again');
    }
    t.send('q');
    await t.waitFor(() => t.exitStatus() !== null, 10_000, 'exit');
    expect(t.exitStatus()).toBe(0);
    const after = (await port.containerChanges(id)).map((c) => `${c.kind} ${c.path}`).sort();
    expect(after).toEqual(before);
    // Every image helper the reads made is gone.
    const helpers = await docker(engine, [
      'ps',
      '-a',
      '--filter',
      `ancestor=${p}-img:1`,
      '--format',
      '{{.Names}} {{.Labels}}',
    ]);
    expect(helpers.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^${p}-c\\b`))]);
  });
});
