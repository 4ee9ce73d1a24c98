import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect, test } from 'vitest';
import { stallGuard } from '../../src/docker/dockerode-adapter.js';

// The stall policy of export/archive streams, on plain streams (no engine): silence while the reader waits fails
// the stream; a reader that is slow (data waiting in the buffer) never does, however long it takes.

test('a source that goes silent while the reader waits fails with the stall error', async () => {
  const source = new PassThrough();
  const guarded = stallGuard(source, 50, () => new Error('stalled'));
  source.write('some data, then nothing');
  const got: string[] = [];
  await expect(
    pipeline(
      guarded,
      new Writable({
        write(c, _e, cb) {
          got.push(String(c));
          cb();
        },
      }),
    ),
  ).rejects.toThrow('stalled');
  expect(got).toEqual(['some data, then nothing']);
  expect(source.destroyed).toBe(true);
});

test('a slow reader is not a stall: every byte arrives', async () => {
  const source = new PassThrough({ highWaterMark: 4 });
  const guarded = stallGuard(source, 30, () => new Error('stalled'));
  const chunks = Array.from({ length: 6 }, (_, i) => `chunk-${i};`);
  for (const c of chunks) source.write(c);
  source.end();
  let pending: (() => void) | null = null;
  const got: string[] = [];
  const done = pipeline(
    guarded,
    new Writable({
      highWaterMark: 1,
      write(c, _e, cb) {
        got.push(String(c));
        // Hold each chunk until the next macrotask after the guard's clock would have run out twice.
        pending = cb;
        setTimeout(() => pending?.(), 100);
      },
    }),
  );
  await done;
  expect(got.join('')).toBe(chunks.join(''));
});

test('a reader that gives up lets the request go', async () => {
  const source = new PassThrough();
  const guarded = stallGuard(source, 1000, () => new Error('stalled'));
  guarded.destroy();
  await new Promise((r) => guarded.once('close', r));
  expect(source.destroyed).toBe(true);
});
