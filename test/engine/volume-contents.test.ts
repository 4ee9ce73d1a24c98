import { PassThrough } from 'node:stream';
import { describe, expect, inject, test } from 'vitest';
import { main } from '../../src/cli/index.js';
import { resolveConnection } from '../../src/docker/connection.js';
import { connect, HELPER_LABEL } from '../../src/docker/dockerode-adapter.js';
import { isDockerError } from '../../src/docker/errors.js';
import { volumeSummary } from '../../src/docker/filesystem.js';
import { given } from './given.js';
import { docker, engineEnv, prefix, type TestEngine } from './harness.js';

const engines = inject('engines');

/** Helper containers that mount `volume` (other test files run helpers of their own on the same engine). */
async function helpers(engine: TestEngine, volume: string): Promise<string[]> {
  const out = await docker(engine, [
    'ps',
    '-a',
    '-q',
    '--filter',
    `label=${HELPER_LABEL}`,
    '--filter',
    `volume=${volume}`,
  ]);
  return out.split('\n').filter((l) => l !== '');
}

/** A volume with a known tree: /a/b/x (1000 B), /a/y (24 B), /top (200 B), /empty/, /many/ (n × 4096 B). */
async function filledVolume(engine: TestEngine, name: string, many: number): Promise<void> {
  await given(engine, ['volume', 'create', name]);
  const script =
    'mkdir -p /v/a/b /v/empty /v/many && head -c 1000 /dev/zero >/v/a/b/x && head -c 24 /dev/zero >/v/a/y && ' +
    `head -c 200 /dev/zero >/v/top && i=0; while [ $i -lt ${many} ]; do head -c 4096 /dev/zero >/v/many/f$i; i=$((i+1)); done`;
  await given(engine, ['run', '--rm', '-v', `${name}:/v`, engine.image, 'sh', '-c', script]);
}

describe.each(engines.map((e) => [e.kind, e] as const))('volume contents on the %s engine', (_kind, engine) => {
  const port = () => connect(resolveConnection({ host: engine.host, env: {} }));

  test('the top of the tree with sizes and counts, and no helper left behind', async () => {
    const v = `${prefix('vc')}-vol`;
    await filledVolume(engine, v, 50);
    const s = await volumeSummary(port(), v, { depth: 2 });
    expect(s.bytes).toBe(1000 + 24 + 200 + 50 * 4096);
    expect(s.files).toBe(3 + 50);
    expect(s.dirs).toBe(4); // a, a/b, empty, many
    expect(s.entries.filter((e) => e.depth === 1).map((e) => e.path)).toEqual(['/many', '/a', '/top', '/empty']);
    expect(s.entries.find((e) => e.path === '/a')).toMatchObject({ bytes: 1024, files: 2, dirs: 1 });
    expect(s.entries.find((e) => e.path === '/a/b')).toMatchObject({ depth: 2, bytes: 1000, files: 1 });
    // The engine's own measure of the volume (GET /system/df) agrees.
    expect((await port().volumeSizes()).get(v)).toBe(s.bytes);
    expect(await helpers(engine, v)).toEqual([]);
    await given(engine, ['volume', 'rm', v]);
  });

  test('an interrupted listing (abort mid-stream) removes its helper: the volume can be removed', async () => {
    const v = `${prefix('vi')}-vol`;
    await filledVolume(engine, v, 400);
    const ac = new AbortController();
    let seen = 0;
    // The real port, watched: which helper did it create?
    const real = port();
    let helper = '';
    const watched = Object.assign(Object.create(real), {
      createVolumeReader: async (...args: Parameters<typeof real.createVolumeReader>) => {
        helper = await real.createVolumeReader(...args);
        return helper;
      },
    }) as typeof real;
    const err = await volumeSummary(watched, v, {
      signal: ac.signal,
      onEntry: () => {
        seen++;
        if (seen === 20) ac.abort(); // mid-stream, as Ctrl-C would
      },
    }).catch((e: unknown) => e);
    expect(isDockerError(err, 'aborted')).toBe(true);
    expect(helper).toMatch(/^[0-9a-f]{64}$/);
    await expect(docker(engine, ['inspect', helper])).rejects.toThrow(/No such/i);
    expect(seen).toBeLessThan(400);
    expect(await helpers(engine, v)).toEqual([]);
    // No reference left: the engine lets the volume go.
    await given(engine, ['volume', 'rm', v]);
    expect(await docker(engine, ['volume', 'ls', '-q', '--filter', `name=${v}`])).toBe('');
    console.log(`${engine.kind}: aborted after ${seen} of 405 entries; helpers left: 0; volume rm ok`);
  });

  test('an already-aborted signal creates nothing', async () => {
    const v = `${prefix('va')}-vol`;
    await given(engine, ['volume', 'create', v]);
    const ac = new AbortController();
    ac.abort();
    const err = await volumeSummary(port(), v, { signal: ac.signal }).catch((e: unknown) => e);
    expect(isDockerError(err, 'aborted')).toBe(true);
    expect(await helpers(engine, v)).toEqual([]);
    await given(engine, ['volume', 'rm', v]);
  });

  test('lastlook mounts: the table with sizes, and volume contents', async () => {
    const p = prefix('mt');
    await filledVolume(engine, `${p}-vol`, 3);
    const id = (
      await docker(engine, [
        'create',
        '--name',
        `${p}-c`,
        '-v',
        `${p}-vol:/data:ro`,
        '--tmpfs',
        '/scratch',
        '-v',
        `${engine.dir}:/hostdir`,
        engine.image,
        'true',
      ])
    ).trim();
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (b: Buffer) => chunks.push(b));
    const code = await main({
      argv: ['--host', engine.host, 'mounts', `${p}-c`, '--json', '--contents'],
      env: engineEnv(engine) as Record<string, string>,
      stdout,
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    const j = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(j.container.id).toBe(id);
    const byDest = new Map(j.mounts.map((m: { destination: string }) => [m.destination, m]));
    const vol = byDest.get('/data') as { type: string; rw: boolean; bytes: number; contents: { bytes: number } };
    expect(vol).toMatchObject({ type: 'volume', name: `${p}-vol`, rw: false });
    expect(vol.bytes).toBe(1224 + 3 * 4096);
    expect(vol.contents.bytes).toBe(vol.bytes);
    expect(byDest.get('/scratch')).toMatchObject({ type: 'tmpfs', bytes: null });
    expect(byDest.get('/hostdir')).toMatchObject({ type: 'bind', source: engine.dir, bytes: null });
    expect(await helpers(engine, `${p}-vol`)).toEqual([]);
    await given(engine, ['rm', id]);
    await given(engine, ['volume', 'rm', `${p}-vol`]);
  });
});
