/**
 * The explorer against an engine that accepts and never answers (test/engine/silent-engine.ts), in a real
 * terminal: it says it is waiting, q and Ctrl+C leave at once, and the request timeout ends it with exit 3.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SilentEngine, startSilentEngine } from '../engine/silent-engine.js';
import { KEYS, lastlookBin, TmuxSession } from './tmux.js';

let silent: SilentEngine;
const sessions: TmuxSession[] = [];
beforeAll(async () => {
  silent = await startSilentEngine();
});
afterAll(async () => {
  for (const s of sessions) s.kill();
  await silent?.close();
});

function open(extra: string[] = []): TmuxSession {
  const t = new TmuxSession(100, 30);
  sessions.push(t);
  // The default timeout (60 s) keeps the screen waiting for as long as these tests need.
  t.start(['node', lastlookBin, '--host', silent.host, ...extra], { LANG: 'C.UTF-8', HOME: '/nonexistent' });
  return t;
}

describe('the explorer while the engine does not answer', () => {
  test.each([
    ['q', 'q'],
    ['Ctrl+C', KEYS.ctrlC],
  ])('shows "waiting for the engine…" and %s quits (exit 0)', async (_what, key) => {
    const t = open();
    await t.waitForText(`waiting for the engine at ${silent.host}…`);
    t.send(key);
    await t.waitFor(() => t.exitStatus() !== null, 10_000, 'exit');
    expect(t.exitStatus()).toBe(0);
  });

  test('the request timeout ends it with exit 3 and the message', async () => {
    const t = open(['--timeout', '1']);
    await t.waitFor(() => t.exitStatus() !== null, 10_000, 'exit');
    expect(t.exitStatus()).toBe(3);
    // Printed after the explorer left the alternate screen: read with the scrollback, wrapped lines joined.
    const all = t.captureAll().replace(/\s+/g, ' ');
    expect(all).toContain('did not answer within 1 s');
    expect(all).toContain('--timeout SECONDS');
  });
});
