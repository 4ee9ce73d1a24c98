import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import type { Change } from '../../src/core/model.js';
import { planSizeReads } from '../../src/core/size-reads.js';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect } from '../../src/docker/dockerode-adapter.js';
import { changedSizes, readChangeSizes, readTarHeaders } from '../../src/docker/filesystem.js';
import type { DockerPort } from '../../src/docker/port.js';
import { given } from './given.js';
import { engineApi, prefix, type TestEngine } from './harness.js';

// Every engine the harness runs: Docker 28.5.2, 26.1.5, 20.10.24 and Podman 4.3.1.
const engines = [...inject('allEngines'), inject('podman')];
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
const net = (e: TestEngine) => (e.kind === 'podman' ? ['--network', 'none'] : []);
const img = (e: TestEngine) => e.volumeImage;

/**
 * A container in `state`, with a named volume, an anonymous volume, a bind mount and a tmpfs: made by given() (the
 * API; its docker CLI on Podman), then waited for, paused, stopped and inspected through the API.
 */
async function containerIn(engine: TestEngine, state: State, p: string): Promise<string> {
  const bind = mkdtempSync(join(engine.dir, 'bind-'));
  writeFileSync(join(bind, 'h.txt'), 'host');
  const mounts = ['-v', `${p}-named:/named`, '-v', '/anon', '-v', `${bind}:/hostb`, '--tmpfs', '/scratch'];
  const script =
    'printf 12345 >/rw.txt; ln -s rw.txt /rwlink; mkdir -p /newdir/sub; printf 1234567 >/newdir/sub/f; ' +
    'ln /newdir/sub/f /newdir/zhard; echo x >>/etc/profile; exec sleep 3600';
  const argv = state === 'created' ? ['create'] : ['run', '-d'];
  const id = (
    await given(engine, [...argv, '--name', `${p}-c`, ...net(engine), ...mounts, img(engine), 'sh', '-c', script])
  ).trim();
  if (state === 'created') return id;
  const c = engineApi(engine).getContainer(id);
  // The script's last write (`/etc/profile`), not an earlier one: a read before it would see the container change.
  const changed = async () => ((await c.changes()) ?? []).some((x: { Path: string }) => x.Path === '/etc/profile');
  await until(changed);
  if (state === 'paused') await c.pause();
  if (state === 'stopped') await c.stop({ t: 0 });
  const status = ((await c.inspect()) as { State: { Status: string } }).State.Status;
  expect(status).toBe(state === 'stopped' ? 'exited' : state);
  return id;
}

/**
 * What one archive request (GET or HEAD) did to a never-started container's changes, engine by engine, as the
 * engines answered: Docker mounts every volume and bind (not the tmpfs) and so creates each mountpoint in the
 * writable layer; Podman 4.3.1 creates none.
 */
const DOCKER_MOUNTPOINTS = ['added /anon', 'added /data', 'added /hostb', 'added /named'];
const ARCHIVE_ON_CREATED: Record<string, string[]> = {
  current: DOCKER_MOUNTPOINTS,
  modern: DOCKER_MOUNTPOINTS,
  legacy: DOCKER_MOUNTPOINTS,
  podman: [],
};

async function cleanup(engine: TestEngine, id: string, p: string): Promise<void> {
  const api = engineApi(engine);
  await api.getContainer(id).remove({ force: true, v: true });
  await api.getVolume(`${p}-named`).remove();
}

describe.each(engines.map((e) => [e.kind, e] as const))('reading sizes on the %s engine', (_kind, engine) => {
  const port = (): DockerPort => connect(resolveConnection({ host: engine.host, env: {} }));

  /** A whole export and lastlook's export read leave `state`'s changes identical, and find every changed path. */
  async function exportLeavesChanges(id: string, state: State): Promise<void> {
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
  }

  // The running, paused and stopped containers are read by export first, then by HEAD and GET (below): one
  // container each, as neither read may change it.
  test('leaves changes identical on a created container (export)', async () => {
    const p = prefix('nm');
    const id = await containerIn(engine, 'created', p);
    try {
      await exportLeavesChanges(id, 'created');
    } finally {
      await cleanup(engine, id, p);
    }
  });

  test('the archive endpoint, by contrast, writes mountpoints into a never-started container (docker-semantics §5)', async () => {
    const p = prefix('na');
    const id = await containerIn(engine, 'created', p);
    try {
      expect(await port().containerChanges(id)).toEqual([]);
      const stream = await port().archive(id, '/etc');
      stream.resume();
      await new Promise((r) => stream.on('end', r));
      const after = sorted(await port().containerChanges(id));
      // Docker: every volume (named, anonymous, the image's VOLUME /data) and bind mountpoint is created in the RW
      // layer, the tmpfs one not (openContainerFS does not mount tmpfs). Podman 4.3.1: none.
      expect(after).toEqual(ARCHIVE_ON_CREATED[engine.kind]);
      console.log(
        `${engine.kind} ${engine.version}: archive on a created container changed [] into [${after.join(', ')}]`,
      );
    } finally {
      await cleanup(engine, id, p);
    }
  });

  test.each(['running', 'paused', 'stopped'] as const)(
    "export, then HEAD and GET archive, leave changes identical on a %s container, and give the export's sizes",
    async (state) => {
      const p = prefix('ns');
      const id = await containerIn(engine, state, p);
      try {
        await exportLeavesChanges(id, state);
        const before = await port().containerChanges(id);
        const mounts = (await port().inspectContainer(id)).mounts;
        const target = { id, started: true, mounts };
        // Every path stat'ed, every added root archived, and the root and a changed directory on top.
        const statPath = port().statPath?.bind(port());
        expect(statPath).toBeDefined();
        const plan = planSizeReads(before, mounts);
        for (const c of before) if (c.kind !== 'deleted') await statPath?.(id, c.path);
        await statPath?.(id, '/');
        for (const root of [...plan.archives, '/etc']) await readTarHeaders(await port().archive(id, root), () => true);
        // Through the engine: no layer directory in the target (the layer read on this machine is the next test's).
        const read = await readChangeSizes(port(), target, before);
        const after = await port().containerChanges(id);
        expect(sorted(after)).toEqual(sorted(before));
        if (engine.kind === 'podman') {
          // Podman 4.3.1 archives the file a symlink points to, not the link: the link as written cannot be read by
          // path there, so the reader exports.
          let entry: { type: string; linkName: string | null } | null = null;
          await readTarHeaders(await port().archive(id, '/rwlink'), (h) => {
            entry = { type: h.type, linkName: h.linkName };
            return false;
          });
          expect(entry).toEqual({ type: 'file', linkName: null });
          expect(read.method).toBe('export');
          expect(read.reason).toContain('/rwlink');
        } else expect(read.method).toBe('archive');
        expect(plan.archives).toEqual(['/newdir']);
        // The same types and sizes as the export's headers, path by path (hardlinks aside: a stat cannot tell).
        const exported = await changedSizes(port(), id, before);
        expect(read.sizes.size).toBe(exported.sizes.size);
        for (const [path, want] of exported.sizes) {
          const got = read.sizes.get(path);
          expect({ path, type: got?.type, size: got?.size }).toEqual({ path, type: want.type, size: want.size });
          // A symlink's target as written (`rw.txt`), as the export has it: not the stat's resolved `/rw.txt`.
          if (want.type === 'symlink')
            expect({ path, target: got?.linkTarget }).toEqual({ path, target: want.linkTarget });
        }
        expect(read.sizes.get('/rw.txt')).toMatchObject({ type: 'file', size: 5 });
        expect(read.sizes.get('/rwlink')).toMatchObject({ type: 'symlink', linkTarget: 'rw.txt' });
        expect(read.sizes.get('/newdir/zhard')?.type).toBe('link');
        expect(sorted(await port().containerChanges(id))).toEqual(sorted(before));
        console.log(
          `${engine.kind} ${engine.version} ${state}: ${before.length} changes identical after ` +
            `${plan.stats.length + 1} HEAD and ${plan.archives.length + 1} GET archive`,
        );
      } finally {
        await cleanup(engine, id, p);
      }
    },
  );

  test.each(['created', 'running', 'paused', 'stopped'] as const)(
    "the writable layer read on this machine gives the export's sizes, hardlinks included, on a %s container",
    async (state) => {
      const p = prefix('nl');
      const id = await containerIn(engine, state, p);
      try {
        const before = await port().containerChanges(id);
        const info = await port().inspectContainer(id);
        const dir = info.spec?.layerDir;
        // The harness's engines are local (a unix socket) with an overlay driver, and the tests run as root.
        expect(dir).toMatch(/^\//);
        const target = { id, started: state !== 'created', mounts: info.mounts, layerDir: dir };
        const read = await readChangeSizes(port(), target, before);
        expect(read.method).toBe('layer');
        expect(sorted(await port().containerChanges(id))).toEqual(sorted(before));
        if (state === 'created') {
          expect(before).toEqual([]);
          expect(read.sizes.size).toBe(0);
          return;
        }
        // Path by path, what the export's tar headers say: type, size, a symlink's target as written and which
        // name of a hardlinked inode carries the bytes.
        const exported = await changedSizes(port(), id, before);
        expect(read.sizes.size).toBe(exported.sizes.size);
        for (const [path, want] of exported.sizes) {
          const got = read.sizes.get(path);
          expect({ path, type: got?.type, size: got?.size, link: got?.linkTarget ?? null }).toEqual({
            path,
            type: want.type,
            size: want.size,
            link: want.linkTarget,
          });
        }
        expect(read.sizes.get('/newdir/zhard')).toEqual({ type: 'link', size: 0, linkTarget: '/newdir/sub/f' });
        console.log(`${engine.kind} ${engine.version} ${state}: ${read.sizes.size} sizes from ${dir}`);
      } finally {
        await cleanup(engine, id, p);
      }
    },
  );

  test('HEAD archive on a never-started container: what it does to changes (the reader exports there)', async () => {
    const p = prefix('nh');
    const id = await containerIn(engine, 'created', p);
    try {
      expect(await port().containerChanges(id)).toEqual([]);
      await port().statPath?.(id, '/etc');
      const after = sorted(await port().containerChanges(id));
      console.log(
        `${engine.kind} ${engine.version}: HEAD archive on a created container: [] became [${after.join(', ')}]`,
      );
      expect(after).toEqual(ARCHIVE_ON_CREATED[engine.kind]);
      // Through the engine, readChangeSizes never takes that path for a container that did not start.
      const info = await port().inspectContainer(id);
      const read = await readChangeSizes(port(), { id, started: info.spec?.started ?? false, mounts: info.mounts }, [
        { kind: 'added', path: '/x' },
      ]);
      expect(read.method).toBe('export');
    } finally {
      await cleanup(engine, id, p);
    }
  });

  test('HEAD archive at the same time as /changes: what /changes sees (lastlook keeps them apart)', async () => {
    const p = prefix('nc');
    const id = await containerIn(engine, 'stopped', p);
    try {
      const base = sorted(await port().containerChanges(id));
      const extra = new Set<string>();
      let failures = 0;
      // Podman's archive requests take ~100 ms each here (Docker's a few): fewer rounds there. Three rounds of 32
      // requests (96 HEADs around three walks): 15 rounds took 20-43 s per engine and saw nothing more than 5; on
      // Podman one round took 10-20 s of a CPU-bound suite.
      const rounds = engine.kind === 'podman' ? 1 : 3;
      for (let round = 0; round < rounds; round++) {
        const stats = Promise.all(
          Array.from({ length: 8 }, async () => {
            for (let k = 0; k < 4; k++) await port().statPath?.(id, '/rw.txt');
          }),
        );
        const during = await port()
          .containerChanges(id)
          .catch((e: unknown) => {
            const m = /\/(\.pivot_root\d+): no such file/.exec(e instanceof Error ? e.message : '');
            if (!m) throw e;
            failures++;
            return [{ kind: 'added' as const, path: `/${m[1]}` }];
          });
        await stats;
        for (const line of sorted(during)) if (!base.includes(line)) extra.add(line);
      }
      console.log(
        `${engine.kind} ${engine.version}: /changes during HEAD archive saw [${[...extra].join(', ')}]` +
          ` (${failures} walks failed on it)`,
      );
      // Whatever a concurrent /changes sees is only the engine's own pivot directory, and it is gone afterwards.
      for (const line of extra) expect(line).toMatch(/^added \/\.pivot_root\d+$/);
      expect(sorted(await port().containerChanges(id))).toEqual(base);
    } finally {
      await cleanup(engine, id, p);
    }
  });
});
