import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { DockerPort } from '../../src/docker/port.js';
import { portFor, readTree, runCli, type TreeRecord } from '../backup/helpers.js';
import { given } from './given.js';
import { docker, prefix } from './harness.js';

const engines = inject('engines');

const CHANGES = `
set -e
mkdir -p /srv/app/sub
echo hello > "/srv/app/with space"
echo nl > "/srv/app/$(printf 'new\\nline')"
echo bytes > "/srv/app/$(printf 'bad\\377name')"
echo owned > /srv/app/owned && chown 1234:5678 /srv/app/owned && chmod 4750 /srv/app/owned
ln /srv/app/owned /srv/app/owned-hard
ln -s ../owned /srv/app/sub/rel-link
ln -s /etc/hostname /srv/app/abs-link
echo extra >> /etc/profile
chmod 700 /root
rm /bin/vi
echo in-volume > /data/not-in-layer
dd if=/dev/urandom of=/srv/app/blob bs=1024 count=300 2>/dev/null
`;

/** The changed (added/modified) paths of a container, read through the archive endpoint, filtered. */
async function layerTree(port: DockerPort, id: string, paths: ReadonlySet<string>): Promise<Map<string, TreeRecord>> {
  const tree = await readTree(await port.archive(id, '/'));
  const out = new Map<string, TreeRecord>();
  for (const [name, rec] of tree) {
    const utf8 = Buffer.from(name, 'latin1').toString('utf8');
    const p = `/${utf8.replace(/^\.?\/+/, '')}`;
    if (paths.has(p)) out.set(p, rec);
  }
  return out;
}

describe.each(engines.map((e) => [e.kind, e] as const))('writable layer backup on the %s engine', (_kind, engine) => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llbc-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('backup of added, changed and deleted paths; restore onto a new container from the same image', async () => {
    const p = prefix('bc');
    await given(engine, ['volume', 'create', `${p}-vol`]);
    await given(engine, ['run', '--name', `${p}-src`, '-v', `${p}-vol:/data`, engine.image, 'sh', '-c', CHANGES]);
    const port = portFor(engine);
    const changes = await port.containerChanges(`${p}-src`);
    const kept = new Set(changes.filter((c) => c.kind !== 'deleted').map((c) => c.path));

    const b = await runCli(engine, ['backup', `container:${p}-src`, '--to', dir, '--commit', '--json']);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const item = (
      JSON.parse(b.stdout) as {
        items: { archive: string; manifest: string; deleted: string[]; commit: { image: string } | null }[];
      }
    ).items[0];
    expect(item?.deleted).toContain('/bin/vi');
    expect(item?.commit?.image).toMatch(/^lastlook-backup\//);
    expect((await docker(engine, ['image', 'ls', '-q', item?.commit?.image as string])).trim()).not.toBe('');
    const manifest = JSON.parse(readFileSync(item?.manifest as string, 'utf8')) as { content: { entries: number } };
    expect(manifest.content.entries).toBe(kept.size);

    const v = await runCli(engine, ['verify', item?.archive as string]);
    expect(v.code).toBe(0);

    const before = await layerTree(port, `${p}-src`, kept);
    // Volume contents are never part of the layer.
    expect([...before.keys()].some((k) => k.startsWith('/data/'))).toBe(false);
    expect(before.get('/srv/app/owned')).toMatchObject({ uid: 1234, gid: 5678, mode: 0o4750 });

    await given(engine, ['create', '--name', `${p}-dst`, engine.image, 'true']);
    const r = await runCli(engine, ['restore', item?.archive as string, '--container', `${p}-dst`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/bin/vi');
    const after = await layerTree(port, `${p}-dst`, kept);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, rec] of before) {
      // A directory's size in a tar is 0 and mtimes are not compared; everything else must match.
      expect({ name, ...after.get(name) }).toEqual({ name, ...rec });
    }
    console.log(`writable layer on ${engine.version}: ${before.size} changed paths restored identically`);
    await given(engine, ['rm', '-f', `${p}-src`, `${p}-dst`]);
    await given(engine, ['volume', 'rm', `${p}-vol`]);
  });
});
