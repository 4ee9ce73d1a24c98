/**
 * The explorer's `/changes` scheduler (src/ui/change-walks.ts) on a port stand-in whose walks the test ends itself:
 * one walk at a time, newest waiting first, dropped when nobody waits any more, shared while it runs, and a failed
 * walk frees its slot. (The explorer's own behaviour with it: test/ui/app.test.tsx "one walk at a time".)
 */
import { describe, expect, test } from 'vitest';
import type { Change } from '../../src/core/model.js';
import { changeWalks } from '../../src/ui/change-walks.js';

function port() {
  const calls: { id: string; resolve: (c: Change[]) => void; reject: (e: Error) => void }[] = [];
  return {
    calls,
    containerChanges(id: string): Promise<Change[]> {
      return new Promise((resolve, reject) => calls.push({ id, resolve, reject }));
    },
  };
}
const tick = () => new Promise((r) => setImmediate(r));
const change = (path: string): Change => ({ kind: 'added', path });

describe('changeWalks', () => {
  test('one walk at a time; the newest waiting read goes next; a read nobody waits for is never sent', async () => {
    const p = port();
    const w = changeWalks(p);
    const a = w.read('a', new AbortController().signal);
    const bAc = new AbortController();
    const b = w.read('b', bAc.signal);
    const c = w.read('c', new AbortController().signal);
    const d = w.read('d', new AbortController().signal);
    expect(p.calls.map((x) => x.id)).toEqual(['a']);
    bAc.abort();
    await expect(b).rejects.toThrow();
    p.calls[0]?.resolve([change('/a')]);
    expect(await a).toEqual([change('/a')]);
    await tick();
    expect(p.calls.map((x) => x.id)).toEqual(['a', 'd']);
    p.calls[1]?.resolve([]);
    await d;
    await tick();
    expect(p.calls.map((x) => x.id)).toEqual(['a', 'd', 'c']);
    p.calls[2]?.resolve([]);
    await c;
  });

  test('a caller that moves on while its walk runs does not stop it; one who asks meanwhile shares it', async () => {
    const p = port();
    const w = changeWalks(p);
    const ac = new AbortController();
    const first = w.read('a', ac.signal);
    ac.abort();
    await expect(first).rejects.toThrow();
    const again = w.read('a', new AbortController().signal);
    p.calls[0]?.resolve([change('/x')]);
    expect(await again).toEqual([change('/x')]);
    expect(p.calls).toHaveLength(1);
    // Finished walks are not kept: the next read walks again.
    const later = w.read('a', new AbortController().signal);
    await tick();
    expect(p.calls).toHaveLength(2);
    p.calls[1]?.resolve([]);
    await later;
  });

  test('a failed walk rejects its callers and frees its slot; an aborted signal sends nothing', async () => {
    const p = port();
    const w = changeWalks(p);
    const a = w.read('a', new AbortController().signal);
    const b = w.read('b', new AbortController().signal);
    p.calls[0]?.reject(new Error('engine said no'));
    await expect(a).rejects.toThrow('engine said no');
    await tick();
    expect(p.calls.map((x) => x.id)).toEqual(['a', 'b']);
    p.calls[1]?.resolve([]);
    await b;
    const ac = new AbortController();
    ac.abort();
    await expect(w.read('c', ac.signal)).rejects.toThrow();
    await tick();
    expect(p.calls).toHaveLength(2);
  });
});
