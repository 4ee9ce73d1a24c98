import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import type { Change } from '../../src/core/model.js';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import { changedSizes, readTarHeaders } from '../../src/docker/filesystem.js';
import type { DockerPort } from '../../src/docker/port.js';
import { docker, prefix, type TestEngine } from './harness.js';

const engines = inject('engines');
const sorted = (c: Change[]) => c.map((x) => `${x.kind} ${x.path}`).sort();

/** Polls `fn` until it returns true, at most `ms`. */
async function until(fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

type State = 'created' | 'running' | 'paused' | 'stopped';

/** A container in `state`, with a named volume, an anonymous volume, a bind mount and a tmpfs. */
async function containerIn(engine: TestEngine, state: State, p: string): Promise<string> {
  const bind = mkdtempSync(join(engine.dir, 'bind-'));
  writeFileSync(join(bind, 'h.txt'), 'host');
  const mounts = ['-v', `${p}-named:/named`, '-v', '/anon', '-v', `${bind}:/hostb`, '--tmpfs', '/scratch'];
  const script = 'printf 12345 >/rw.txt; mkdir -p /newdir/sub; printf 1234567 >/newdir/sub/f; exec sleep 3600';
  if (state === 'created') {
    return (
      await docker(engine, ['create', '--name', `${p}-c`, ...mounts, engine.volumeImage, 'sh', '-c', script])
    ).trim();
  }
  const id = (
    await docker(engine, ['run', '-d', '--name', `${p}-c`, ...mounts, engine.volumeImage, 'sh', '-c', script])
  ).trim();
  await until(async () => (await docker(engine, ['diff', id])).includes('/newdir/sub/f'));
  if (state === 'paused') await docker(engine, ['pause', id]);
  if (state === 'stopped') await docker(engine, ['stop', '-t', '0', id]);
  const status = (await docker(engine, ['inspect', '-f', '{{.State.Status}}', id])).trim();
  expect(status).toBe(state === 'stopped' ? 'exited' : state);
  return id;
}

async function cleanup(engine: TestEngine, id: string, p: string): Promise<void> {
  await docker(engine, ['rm', '-f', '-v', id]);
  await docker(engine, ['volume', 'rm', `${p}-named`]);
}

describe.each(engines.map((e) => [e.kind, e] as const))('reading sizes on the %s engine', (_kind, engine) => {
  const port = (): DockerPort => connect(resolveConnection({ host: engine.host, env: {} }));

  test.each(['created', 'running', 'paused', 'stopped'] as const)(
    'leaves changes identical on a %s container (export)',
    async (state) => {
      const p = prefix('nm');
      const id = await containerIn(engine, state, p);
      try {
        const before = await port().containerChanges(id);
        const read = await changedSizes(port(), id, before);
        // changedSizes stops early, or does not export at all when nothing was added: also read a whole export.
        const whole = await readTarHeaders(await port().exportContainer(id), () => true);
        expect(whole.entries).toBeGreaterThan(100);
        const after = await port().containerChanges(id);
        expect(sorted(after)).toEqual(sorted(before));
        if (state === 'created') {
          // Never started: nothing changed, and reading must not create the mountpoints.
          expect(before).toEqual([]);
        } else {
          expect(read.sizes.get('/rw.txt')).toMatchObject({ type: 'file', size: 5 });
          expect(read.sizes.get('/newdir/sub/f')).toMatchObject({ type: 'file', size: 7 });
          expect(read.sizes.get('/newdir')?.type).toBe('directory');
          // Every added or changed path was found in the export.
          expect(read.sizes.size).toBe(before.filter((c) => c.kind !== 'deleted').length);
        }
        console.log(
          `${engine.kind} ${engine.version} ${state}: ${before.length} changes before = ${after.length} after; ` +
            `export read ${read.entriesRead} entries, ${read.bytesStreamed} bytes; whole export ${whole.entries} entries`,
        );
      } finally {
        await cleanup(engine, id, p);
      }
    },
  );

  test('the archive endpoint, by contrast, writes mountpoints into a never-started container (docker-semantics §5)', async () => {
    const p = prefix('na');
    const id = await containerIn(engine, 'created', p);
    try {
      expect(await port().containerChanges(id)).toEqual([]);
      const stream = await port().archive(id, '/etc');
      stream.resume();
      await new Promise((r) => stream.on('end', r));
      const after = sorted(await port().containerChanges(id));
      // Every volume (named, anonymous, the image's VOLUME /data) and bind mountpoint is created in the RW layer;
      // the tmpfs one is not (openContainerFS does not mount tmpfs at all).
      expect(after).toEqual(['added /anon', 'added /data', 'added /hostb', 'added /named']);
      console.log(
        `${engine.kind} ${engine.version}: archive on a created container changed [] into [${after.join(', ')}]`,
      );
    } finally {
      await cleanup(engine, id, p);
    }
  });
});
