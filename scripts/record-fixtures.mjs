// Records what lastlook's own dockerode adapter returns from a real engine, as JSON for the UI tests' in-memory
// port (test/helpers/memory-port.ts). Read-only: it lists, inspects and reads `docker diff`; it changes nothing.
//
//   node scripts/record-fixtures.mjs --host unix:///tmp/ll/uisb/engine/docker.sock \
//     --out test/fixtures/engine-json/demo-26.1.5.json
//
// The host must be given explicitly (DOCKER_HOST, contexts and the user's docker config are ignored), so a
// recording is always taken from the engine named on the command line — in practice the demo sandbox engine
// (see test/fixtures/engine-json/README.md). The adapter is bundled on the fly with esbuild, so this records the
// adapter's mapping exactly as the app uses it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  // --disk-usage: record only one `GET /system/df` (writable-layer and volume bytes, by container and volume name).
  options: { host: { type: 'string' }, out: { type: 'string' }, 'disk-usage': { type: 'boolean' } },
});
if (!values.host || !values.out) {
  process.stderr.write('usage: node scripts/record-fixtures.mjs --host unix:///path/docker.sock --out FILE.json\n');
  process.exit(2);
}

// Inside node_modules/.cache so that the bundle's bare imports (dockerode, …) resolve from the repository.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
const work = mkdtempSync(join(root, 'node_modules/.cache/ll-record-'));
try {
  const entry = join(work, 'entry.ts');
  writeFileSync(
    entry,
    [
      `export { connect } from ${JSON.stringify(join(root, 'src/docker/dockerode-adapter.ts'))};`,
      `export { resolveConnection } from ${JSON.stringify(join(root, 'src/docker/connection.ts'))};`,
    ].join('\n'),
  );
  const outfile = join(work, 'adapter.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // Dependencies stay packages, loaded by node as the app loads them.
    packages: 'external',
  });
  const { connect, resolveConnection } = await import(pathToFileURL(outfile).href);

  // env: {} — nothing inherited: only --host decides which engine is read.
  const port = connect(resolveConnection({ host: values.host, env: {} }));
  const engine = await port.engineInfo();
  const recorded = {
    by: 'scripts/record-fixtures.mjs (src/docker/dockerode-adapter.ts over the Engine API)',
    at: new Date().toISOString(),
    engine: `${engine.version} (API ${engine.apiVersion})`,
  };
  if (values['disk-usage']) {
    const [list, usage] = await Promise.all([port.listContainers(), port.diskUsage()]);
    const names = new Map(list.map((c) => [c.id, c.name]));
    const sorted = (entries) => Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : 1)));
    const df = {
      recorded,
      containers: sorted([...usage.containers].map(([id, bytes]) => [names.get(id) ?? id, bytes])),
      volumes: sorted(usage.volumes),
    };
    writeFileSync(resolve(values.out), `${JSON.stringify(df, null, 2)}\n`);
    process.stdout.write(`recorded /system/df of Docker ${engine.version} into ${resolve(values.out)}\n`);
    process.exit(0);
  }
  const [containers, volumes, volumeSizes, networks, images] = await Promise.all([
    port.listContainers(),
    port.listVolumes(),
    port.volumeSizes(),
    port.listNetworks(),
    port.listImages(),
  ]);
  const inspected = {};
  const changes = {};
  for (const c of containers) {
    inspected[c.id] = await port.inspectContainer(c.id);
    changes[c.id] = await port.containerChanges(c.id);
  }
  const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const fixture = {
    recorded,
    engine,
    containers: [...containers].sort(byName),
    inspected,
    changes,
    volumes: [...volumes].sort(byName),
    // A Map in the port; entries here.
    volumeSizes: Object.fromEntries([...volumeSizes.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    networks: [...networks].sort(byName),
    images,
  };
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
  process.stdout.write(
    `recorded ${containers.length} containers, ${volumes.length} volumes, ${networks.length} networks, ` +
      `${images.length} images from Docker ${engine.version} at ${engine.host} into ${out}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
