/**
 * The test setup that goes through the API (given.ts) builds exactly what the docker CLI builds: every translated
 * form is run both ways on the same engine (names ending -cli and -api) and the engine's inspect of what each made
 * is compared whole, after IDs, timestamps and addresses are blanked. On 28.5.2, 26.1.5 and 20.10.24, each with
 * its own docker CLI. Forms given.ts does not translate run the real CLI (checked below too).
 */
import { describe, expect, inject, test } from 'vitest';
import { given, translated } from './given.js';
import { docker, engineApi, prefix, recordProfile, type TestEngine } from './harness.js';

const engines = inject('allEngines');

/** IDs, times and addresses differ between any two objects; everything else must not. */
function normalise(value: unknown, tag: string): unknown {
  if (typeof value === 'string') {
    return (
      value
        .replaceAll(`${tag}-cli`, `${tag}-x`)
        .replaceAll(`${tag}-api`, `${tag}-x`)
        .replace(/[0-9a-f]{64}/g, '<id>')
        // Two networks on one engine cannot share a subnet: the test gives each its own third octet.
        .replace(/^10\.(7\d)\.[12]\.0\/24$/, '10.$1.N.0/24')
        .replace(/\b[0-9a-f]{12}\b/g, '<id>')
    );
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, tag));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (/(^Created$|At$|^Pid$|^Id$|^ID$|^EndpointID$|^NetworkID$|^SandboxID$|^SandboxKey$)/.test(k)) continue;
      if (/^(IPAddress|Gateway|MacAddress|IPPrefixLen|GlobalIPv6Address|IPv6Gateway)$/.test(k)) continue;
      if (k === 'Containers') continue;
      out[k] = normalise(v, tag);
    }
    return out;
  }
  return value;
}

interface Made {
  container?: string;
  volume?: string;
  network?: string;
}

/** What the engine holds for what `form` made: the container (and its volumes), the volume or the network. */
async function inspect(e: TestEngine, made: Made) {
  const api = engineApi(e);
  if (made.container) {
    const c = await api.getContainer(made.container).inspect();
    const volumes = await Promise.all(
      (c.Mounts ?? [])
        .filter((m) => m.Type === 'volume' && m.Name)
        .map(async (m) => {
          const v = await api.getVolume(m.Name as string).inspect();
          return { Driver: v.Driver, Labels: v.Labels, Options: v.Options, Scope: v.Scope };
        }),
    );
    // Orders that are no one's choice: the engine lists mounts from a map, and the CLI sends -v binds from one.
    const byJson = (x: unknown, y: unknown) => JSON.stringify(x).localeCompare(JSON.stringify(y));
    c.Mounts = [...(c.Mounts ?? [])].sort((x, y) => x.Destination.localeCompare(y.Destination));
    if (c.HostConfig.Binds) c.HostConfig.Binds = [...c.HostConfig.Binds].sort();
    return { container: c, volumes: volumes.sort(byJson) };
  }
  if (made.volume) return { volume: await api.getVolume(made.volume).inspect() };
  return { network: await api.getNetwork(made.network as string).inspect() };
}

interface Form {
  readonly name: string;
  /** The setup (given() itself, before the form), shared by both sides. */
  readonly before?: (e: TestEngine, tag: string) => Promise<void>;
  readonly argv: (e: TestEngine, name: string, tag: string) => string[];
  readonly made: (name: string) => Made;
  /** given() must not translate this form (it runs the CLI). */
  readonly viaCli?: boolean;
}

const FORMS: readonly Form[] = [
  {
    name: 'volume create with labels',
    argv: (_e, n) => ['volume', 'create', '--label', 'keep=1', '--label', 'com.docker.volume.anonymous=', n],
    made: (n) => ({ volume: n }),
  },
  {
    name: 'network create with a label and a subnet',
    argv: (e, n) => {
      const net = 70 + ['current', 'modern', 'legacy'].indexOf(e.kind);
      return ['network', 'create', '--label', 'x=1', '--subnet', `10.${net}.${n.endsWith('cli') ? 1 : 2}.0/24`, n];
    },
    made: (n) => ({ network: n }),
  },
  {
    name: 'create with anonymous, named and host volumes, a tmpfs, a network and labels',
    before: async (e, tag) => {
      await given(e, ['volume', 'create', `${tag}-named`]);
      await given(e, ['network', 'create', `${tag}-net`]);
    },
    argv: (e, n, tag) => [
      'create',
      '--name',
      n,
      '-v',
      '/anon',
      '-v',
      `${tag}-named:/n:ro`,
      '-v',
      '/tmp:/hostb',
      '--tmpfs',
      '/scratch',
      '--network',
      `${tag}-net`,
      '--label',
      'x=1',
      e.volumeImage,
      'true',
    ],
    made: (n) => ({ container: n }),
  },
  {
    name: 'run -d (running), then pause',
    argv: (e, n) => ['run', '-d', '--name', n, '-v', '/anon', e.image, 'sleep', '600'],
    made: (n) => ({ container: n }),
  },
  {
    name: 'run (exited, its output printed)',
    argv: (e, n) => ['run', '--name', n, e.image, 'echo', 'hello'],
    made: (n) => ({ container: n }),
  },
  {
    name: 'create with --mount (not translated: the CLI runs)',
    argv: (e, n) => ['create', '--name', n, '--mount', 'type=volume,dst=/m', e.image, 'true'],
    made: (n) => ({ container: n }),
    viaCli: true,
  },
];

describe.each(engines.map((e) => [e.kind, e] as const))('given() on the %s engine', (_kind, e) => {
  test.each(FORMS.map((f) => [f.name, f] as const))('%s: the same as the docker CLI', async (_n, form) => {
    const tag = prefix('gv');
    expect(translated(e, form.argv(e, 'x', tag))).toBe(!form.viaCli);
    await form.before?.(e, tag);
    const cli = await docker(e, form.argv(e, `${tag}-cli`, tag));
    const started = Date.now();
    const api = await given(e, form.argv(e, `${tag}-api`, tag));
    recordProfile(e, ['given.test'], started);
    if (form.argv(e, 'x', tag)[0] === 'run' && !form.argv(e, 'x', tag).includes('-d')) {
      expect(api).toBe(cli);
      expect(api).toBe('hello\n');
    }
    if (form.name.startsWith('run -d')) {
      await docker(e, ['pause', `${tag}-cli`]);
      await given(e, ['pause', `${tag}-api`]);
    }
    const a = normalise(await inspect(e, form.made(`${tag}-cli`)), tag);
    const b = normalise(await inspect(e, form.made(`${tag}-api`)), tag);
    expect(b).toEqual(a);
    await Promise.all(['cli', 'api'].map((side) => docker(e, ['rm', '-fv', `${tag}-${side}`]).catch(() => undefined)));
  });

  test('tag: the same references as docker tag', async () => {
    const tag = prefix('gt');
    await docker(e, ['tag', e.image, `${tag}/cli:one`]);
    await given(e, ['tag', e.image, `${tag}/api:one`]);
    await given(e, ['tag', e.image, `${tag}/api`]);
    const refs = (await engineApi(e).getImage(e.image).inspect()).RepoTags;
    expect(refs).toEqual(expect.arrayContaining([`${tag}/cli:one`, `${tag}/api:one`, `${tag}/api:latest`]));
    await docker(e, ['rmi', `${tag}/cli:one`, `${tag}/api:one`, `${tag}/api:latest`]);
  });

  test('rm -fv, rm -f, volume rm (-f): what the CLI removes, what it passes over, what it refuses', async () => {
    const tag = prefix('gm');
    const anonOf = async (c: string) =>
      ((await engineApi(e).getContainer(c).inspect()).Mounts ?? []).map((m) => m.Name as string);
    const exists = (v: string) =>
      engineApi(e)
        .getVolume(v)
        .inspect()
        .then(
          () => true,
          () => false,
        );
    for (const side of ['cli', 'api']) {
      await given(e, ['run', '-d', '--name', `${tag}-${side}`, '-v', '/anon', e.image, 'sleep', '600']);
      await given(e, ['create', '--name', `${tag}-${side}-user`, '-v', `${tag}-${side}-v:/v`, e.image, 'true']);
    }
    const anon = { cli: await anonOf(`${tag}-cli`), api: await anonOf(`${tag}-api`) };
    expect(translated(e, ['rm', '-fv', `${tag}-api`])).toBe(true);
    expect(translated(e, ['volume', 'rm', '-f', `${tag}-api-v`])).toBe(true);
    // A name the CLI rewrites is left to it.
    expect(translated(e, ['rm', '-f', `${tag}-api/`])).toBe(false);
    const both = (argv: (side: string) => string[]) =>
      Promise.allSettled([docker(e, argv('cli')), given(e, argv('api'))]).then((r) =>
        r.map((x) => (x.status === 'fulfilled' ? 'ok' : String(x.reason).match(/No such \w+|in use/)?.[0])),
      );
    // A running container with its anonymous volume.
    expect(await both((side) => ['rm', '-fv', `${tag}-${side}`])).toEqual(['ok', 'ok']);
    for (const v of [...anon.cli, ...anon.api]) expect(await exists(v)).toBe(false);
    // Gone: -f passes over it, without -f both refuse.
    expect(await both((side) => ['rm', '-f', `${tag}-${side}`])).toEqual(['ok', 'ok']);
    expect(await both((side) => ['rm', `${tag}-${side}`])).toEqual(['No such container', 'No such container']);
    // A volume in use is refused; once its container is gone, removed; then -f passes over it.
    expect(await both((side) => ['volume', 'rm', `${tag}-${side}-v`])).toEqual(['in use', 'in use']);
    expect(await both((side) => ['rm', `${tag}-${side}-user`])).toEqual(['ok', 'ok']);
    expect(await both((side) => ['volume', 'rm', `${tag}-${side}-v`])).toEqual(['ok', 'ok']);
    expect(await exists(`${tag}-cli-v`)).toBe(false);
    expect(await exists(`${tag}-api-v`)).toBe(false);
    expect(await both((side) => ['volume', 'rm', '-f', `${tag}-${side}-v`])).toEqual(['ok', 'ok']);
  });

  test('the engine’s refusal rejects as the CLI’s does', async () => {
    const tag = prefix('gr');
    await given(e, ['volume', 'create', `${tag}-v`]);
    await given(e, ['create', '--name', `${tag}-c`, e.image, 'true']);
    await expect(docker(e, ['create', '--name', `${tag}-c`, e.image, 'true'])).rejects.toThrow(/already in use/);
    await expect(given(e, ['create', '--name', `${tag}-c`, e.image, 'true'])).rejects.toThrow(/already in use/);
    await expect(given(e, ['pause', `${tag}-c`])).rejects.toThrow(/not running/);
    await docker(e, ['rm', `${tag}-c`]);
    await docker(e, ['volume', 'rm', `${tag}-v`]);
  });
});
