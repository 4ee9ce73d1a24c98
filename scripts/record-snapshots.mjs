// Records planner snapshots from real private engines, for the pure unit tests of src/core/plan
// (test/core/plan/*.test.ts). For each engine it starts a fresh private daemon (scripts/engines.sh), seeds the
// situations of shared/docker-semantics.md §1, §2 and §4, reads them with lastlook's own `readSnapshot` over the
// real dockerode adapter (every container inspected, so each mount's spec can be rebuilt), adds the adapter's
// `diskUsage`, writes test/fixtures/snapshots/semantics-<version>.json and stops the daemon.
//
//   npm run build && sudo node scripts/record-snapshots.mjs [modern] [legacy]     (default: both)
//
// Nothing here reads DOCKER_HOST, contexts or the user's docker config: every call goes to the socket of the
// engine this script started. Rerunnable: each run starts from an empty data root.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kinds = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['modern', 'legacy'];
const cli = join(root, '.cache/engines/modern/usr/bin/docker');
const outDir = join(root, 'test/fixtures/snapshots');

// Bundle the snapshot reader and the adapter on the fly (inside node_modules/.cache so bare imports resolve).
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
const work = mkdtempSync(join(root, 'node_modules/.cache/ll-snap-'));
const entry = join(work, 'entry.ts');
writeFileSync(
  entry,
  [
    `export { connect } from ${JSON.stringify(join(root, 'src/docker/dockerode-adapter.ts'))};`,
    `export { resolveConnection } from ${JSON.stringify(join(root, 'src/docker/connection.ts'))};`,
    `export { readSnapshot } from ${JSON.stringify(join(root, 'src/docker/snapshot.ts'))};`,
  ].join('\n'),
);
const bundle = join(work, 'record.mjs');
await build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  packages: 'external',
});
const { connect, resolveConnection, readSnapshot } = await import(pathToFileURL(bundle).href);

/** A raw Engine API call (for what the docker CLI cannot express, e.g. a bare-destination `HostConfig.Binds`). */
function api(sock, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, method, path, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (d) => {
        data += d;
      });
      res.on('end', () =>
        res.statusCode && res.statusCode < 300
          ? resolve(data)
          : reject(new Error(`${method} ${path}: ${res.statusCode} ${data}`)),
      );
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function record(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'llsnap-'));
  const sock = join(dir, 'docker.sock');
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.json'), '{}\n');
  const env = { PATH: process.env.PATH, HOME: dir, DOCKER_CONFIG: configDir, DOCKER_HOST: `unix://${sock}` };
  const docker = (args, input) =>
    new Promise((resolve, reject) => {
      const child = execFile(cli, args, { env, maxBuffer: 1 << 26 }, (e, out, err) =>
        e ? reject(new Error(`docker ${args.join(' ')}: ${err}`)) : resolve(out.trim()),
      );
      if (input !== undefined) child.stdin.end(input);
    });
  execFileSync('bash', [join(root, 'scripts/engines.sh'), 'start', kind, dir], { stdio: 'inherit' });
  try {
    const tar = readFileSync(
      execFileSync('bash', [join(root, 'scripts/busybox-rootfs.sh')])
        .toString()
        .trim(),
    );
    await docker(['import', '-c', 'CMD ["/bin/sh"]', '-', 'sem/bb:1'], tar);
    await docker(['import', '-c', 'CMD ["/bin/sh"]', '-c', 'VOLUME /data', '-', 'sem/bb-vol:1'], tar);
    await docker(['import', '-c', 'CMD ["/bin/sh"]', '-', 'sem/unused:1'], tar);
    // A dangling image: imported without a name (system prune's image step).
    await docker(['import', '-c', 'CMD ["/bin/true"]', '-'], tar);
    const hostDir = join(dir, 'hostb');
    mkdirSync(hostDir);

    // Volumes (§2): named in use, dangling named, labelled, fake-anonymous (named + the label), with options.
    await docker(['volume', 'create', 'sem-named']);
    await docker(['volume', 'create', 'sem-inuse']);
    await docker(['volume', 'create', 'sem-dangling']);
    await docker(['volume', 'create', '--label', 'foo=bar', 'sem-vlab']);
    await docker(['volume', 'create', '--label', 'com.docker.volume.anonymous=', 'sem-fakeanon']);
    await docker(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', 'sem-vopts']);
    // Networks (§4): one used by a running container, one only by a stopped one, one unused and labelled. Explicit
    // subnets: the default pools are often taken by other engines on a shared machine.
    const net = 200 + Math.floor(Math.random() * 50);
    const subnet = (i) => ['--subnet', `10.${net}.${i}.0/24`];
    await docker(['network', 'create', ...subnet(1), 'sem-net-running']);
    await docker(['network', 'create', ...subnet(2), 'sem-net-stopped']);
    await docker(['network', 'create', ...subnet(3), '--label', 'foo=bar', 'sem-net-empty']);

    // §1: running, with `-v /anon1` (Config.Volumes), `--mount` anonymous, a named volume, an image VOLUME, a bind.
    await docker([
      'run',
      '-d',
      '--name',
      'sem-run',
      '--network',
      'sem-net-running',
      '-v',
      '/anon1',
      '--mount',
      'type=volume,dst=/anon2',
      '-v',
      'sem-named:/named',
      '-v',
      `${hostDir}:/hostb`,
      'sem/bb-vol:1',
      'sleep',
      '3600',
    ]);
    // Paused.
    await docker([
      'run',
      '-d',
      '--name',
      'sem-paused',
      '--network',
      'none',
      '-v',
      '/anon-p',
      'sem/bb:1',
      'sleep',
      '3600',
    ]);
    // Some bytes, so that sizes are not all 0: 4 KiB in sem-named, 1 KiB in /anon1, 2 KiB in the writable layer.
    await docker([
      'exec',
      'sem-run',
      'sh',
      '-c',
      'head -c 4096 /dev/zero >/named/f; head -c 1024 /dev/zero >/anon1/f; head -c 2048 /dev/zero >/rw.bin',
    ]);
    await docker(['pause', 'sem-paused']);
    // Created, never started; the only user of sem-inuse.
    await docker(['create', '--name', 'sem-created', '-v', '/anon-c', '-v', 'sem-inuse:/x', 'sem/bb:1', 'true']);
    // Exited, labelled, on a network no running container uses.
    await docker([
      'run',
      '--name',
      'sem-exited',
      '--label',
      'foo=bar',
      '--network',
      'sem-net-stopped',
      '-v',
      '/anon-e',
      'sem/bb:1',
      'sh',
      '-c',
      'echo hi >/rw.txt',
    ]);
    // --volumes-from the running container: its anonymous mounts are anonymous here too (the spec is copied).
    await docker(['create', '--name', 'sem-from', '--volumes-from', 'sem-run', 'sem/bb:1', 'true']);
    // A shared anonymous volume: anonymous in sem-shared-a, mounted by name in sem-shared-b.
    await docker(['create', '--name', 'sem-shared-a', '-v', '/anon-s', 'sem/bb:1', 'true']);
    const shared = JSON.parse(await docker(['inspect', 'sem-shared-a']))[0].Mounts[0].Name;
    await docker(['create', '--name', 'sem-shared-b', '-v', `${shared}:/y`, 'sem/bb:1', 'true']);
    // Raw API Binds: a bare destination (anonymous) and `name:/dst` (named).
    await api(sock, 'POST', '/containers/create?name=sem-binds', {
      Image: 'sem/bb:1',
      Cmd: ['true'],
      HostConfig: { Binds: ['/bindanon', 'sem-bindnamed:/bn'] },
    });
    // --mount with a source over the image's VOLUME /data: Mounts win, so /data is named here.
    await docker([
      'create',
      '--name',
      'sem-override',
      '--mount',
      'type=volume,src=sem-ovr,dst=/data',
      'sem/bb-vol:1',
      'true',
    ]);
    // A recipient whose donor is gone: its spec cannot be learned through the API.
    await docker(['create', '--name', 'sem-donor', '-v', '/dv', 'sem/bb:1', 'true']);
    await docker(['create', '--name', 'sem-from-gone', '--volumes-from', 'sem-donor', 'sem/bb:1', 'true']);
    await docker(['rm', 'sem-donor']);
    // Dangling anonymous volumes left by `docker rm` without -v: one from -v (labelled on >= 23.0.2), one from
    // --mount (never labelled on 23.0.2-27.3).
    await docker(['create', '--name', 'sem-gone', '-v', '/g', 'sem/bb:1', 'true']);
    await docker(['create', '--name', 'sem-gone2', '--mount', 'type=volume,dst=/g2', 'sem/bb:1', 'true']);
    await docker(['rm', 'sem-gone', 'sem-gone2']);

    const port = connect(resolveConnection({ host: `unix://${sock}`, env: {} }));
    const snapshot = await readSnapshot(port, {
      configDir,
      inspect: (listed) => listed.containers.map((c) => c.id),
    });
    const usage = await port.diskUsage();
    const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const fixture = {
      recorded: {
        by: 'scripts/record-snapshots.mjs (readSnapshot over src/docker/dockerode-adapter.ts)',
        at: new Date().toISOString(),
        engine: `${snapshot.engine.version} (API ${snapshot.engine.apiVersion})`,
      },
      snapshot: {
        ...snapshot,
        containers: [...snapshot.containers].sort(byName),
        volumes: [...snapshot.volumes].sort(byName),
        networks: [...snapshot.networks].sort(byName),
        images: [...snapshot.images].sort((a, b) => (a.id < b.id ? -1 : 1)),
      },
      // `diskUsage` (GET /system/df): container ID → SizeRw, volume name → bytes.
      diskUsage: {
        containers: Object.fromEntries([...usage.containers].sort()),
        volumes: Object.fromEntries([...usage.volumes].sort()),
      },
    };
    const version = snapshot.engine.version.replace(/[+~].*$/, '');
    const out = join(outDir, `semantics-${version}.json`);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(
      `recorded ${snapshot.containers.length} containers, ${snapshot.volumes.length} volumes, ${snapshot.networks.length} networks, ${snapshot.images.length} images from Docker ${snapshot.engine.version} into ${out}`,
    );
  } finally {
    // Running containers keep network namespaces mounted under the exec root: remove them before stopping.
    const ids = await docker(['ps', '-aq']).catch(() => '');
    if (ids) await docker(['rm', '-f', ...ids.split(/\s+/)]).catch(() => '');
    // A user network's bridge outlives the daemon in the host's namespace: remove the networks, or every
    // recording would leak three bridges (and a shared machine runs out of address pools).
    await docker(['network', 'rm', 'sem-net-running', 'sem-net-stopped', 'sem-net-empty']).catch(() => '');
    execFileSync('bash', [join(root, 'scripts/engines.sh'), 'stop', dir], { stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  for (const kind of kinds) await record(kind);
} finally {
  rmSync(work, { recursive: true, force: true });
}
