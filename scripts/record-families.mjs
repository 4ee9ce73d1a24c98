// Records planner snapshots for the network, image and builder prune families (test/core/plan/families-*.test.ts)
// from real private engines. For each engine it starts a fresh private daemon (scripts/engines.sh), seeds the
// situations below, reads them with lastlook's own `readSnapshot` (images with all=1) and `listBuildCache` over
// the real dockerode adapter, writes test/fixtures/families/families-<version>.json and stops the daemon.
//
//   sudo node scripts/record-families.mjs [current] [modern] [legacy]     (default: all three)
//
// Seeded: a base image and a classic-builder chain (`DOCKER_BUILDKIT=0`: untagged intermediate parents) tagged
// twice and used by a created container; a dangling image (a tag rebuilt); an unused image tagged twice; a labelled
// image; BuildKit cache from `docker buildx build` (Debian sid's buildx 0.29 with the 28.5.2 CLI, on every engine):
// one build whose image stays (its records are shared) and one whose image was removed; networks idle, labelled,
// used by a running, a stopped and a created container.
// Nothing here reads DOCKER_HOST, contexts or the user's docker config.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kinds = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['current', 'modern', 'legacy'];
const outDir = join(root, 'test/fixtures/families');
const current = join(root, '.cache/engines/current');

mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
const work = mkdtempSync(join(root, 'node_modules/.cache/ll-fam-'));
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

async function record(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'llfam-'));
  const sock = join(dir, 'docker.sock');
  const configDir = join(dir, 'config');
  mkdirSync(join(configDir, 'cli-plugins'), { recursive: true });
  writeFileSync(join(configDir, 'config.json'), '{}\n');
  symlinkSync(
    join(current, 'usr/libexec/docker/cli-plugins/docker-buildx'),
    join(configDir, 'cli-plugins/docker-buildx'),
  );
  const env = { PATH: process.env.PATH, HOME: dir, DOCKER_CONFIG: configDir, DOCKER_HOST: `unix://${sock}` };
  // The 28.5.2 CLI (with buildx) against every engine; the classic builder with DOCKER_BUILDKIT=0.
  const cli = join(current, 'usr/bin/docker');
  const docker = (args, opts = {}) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        cli,
        args,
        { env: { ...env, ...(opts.env ?? {}) }, cwd: opts.cwd, maxBuffer: 1 << 26 },
        (e, out, err) => (e ? reject(new Error(`docker ${args.join(' ')}: ${err}`)) : resolve(out.trim())),
      );
      if (opts.input !== undefined) child.stdin.end(opts.input);
    });
  execFileSync('bash', [join(root, 'scripts/engines.sh'), 'start', kind, dir], { stdio: 'inherit' });
  try {
    const tar = readFileSync(
      execFileSync('bash', [join(root, 'scripts/busybox-rootfs.sh')])
        .toString()
        .trim(),
    );
    await docker(['import', '-c', 'CMD ["/bin/sh"]', '-', 'fam/base:1'], { input: tar });
    await docker(['import', '-c', 'CMD ["/bin/sh"]', '-c', 'LABEL keep=1', '-', 'fam/labelled:1'], { input: tar });
    await docker(['import', '-c', 'CMD ["/bin/true"]', '-', 'fam/multi:a'], { input: tar });
    await docker(['tag', 'fam/multi:a', 'fam/multi:b']);
    const ctx = join(dir, 'ctx');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'a.txt'), 'a\n');
    writeFileSync(join(ctx, 'b.txt'), 'b\n');
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM fam/base:1\nCOPY a.txt /a\nCOPY b.txt /b\n');
    const classic = { cwd: ctx, env: { DOCKER_BUILDKIT: '0' } };
    await docker(['build', '-q', '-t', 'fam/chain:1', '.'], classic);
    await docker(['tag', 'fam/chain:1', 'fam/chain:2']);
    await docker(['create', '--name', 'fam-uses-chain', '--network', 'none', 'fam/chain:1', 'true']);
    // A dangling image: the same tag built twice with different content.
    writeFileSync(join(ctx, 'D2'), 'FROM fam/base:1\nCOPY c.txt /c\n');
    writeFileSync(join(ctx, 'c.txt'), 'c1\n');
    await docker(['build', '-q', '-f', 'D2', '-t', 'fam/rebuilt:1', '.'], classic);
    writeFileSync(join(ctx, 'c.txt'), 'c2\n');
    await docker(['build', '-q', '-f', 'D2', '-t', 'fam/rebuilt:1', '.'], classic);
    // BuildKit cache: a build whose image stays (shared records) and one whose image is removed.
    writeFileSync(join(ctx, 'K1'), 'FROM scratch\nCOPY a.txt /a\nCOPY b.txt /b\n');
    writeFileSync(join(ctx, 'K2'), 'FROM scratch\nCOPY c.txt /c\n');
    await docker(['buildx', 'build', '-q', '-f', 'K1', '-t', 'fam/bk:1', '.'], { cwd: ctx });
    await docker(['buildx', 'build', '-q', '-f', 'K2', '-t', 'fam/bk-gone:1', '.'], { cwd: ctx });
    await docker(['rmi', 'fam/bk-gone:1']);
    // Networks: explicit subnets (shared machines run out of default pools).
    const net = 150 + Math.floor(Math.random() * 40);
    const subnet = (i) => ['--subnet', `10.${net}.${i}.0/24`];
    await docker(['network', 'create', ...subnet(1), 'fam-net-idle']);
    await docker(['network', 'create', ...subnet(2), '--label', 'keep=1', 'fam-net-labelled']);
    await docker(['network', 'create', ...subnet(3), 'fam-net-running']);
    await docker(['network', 'create', ...subnet(4), 'fam-net-stopped']);
    await docker(['network', 'create', ...subnet(5), 'fam-net-created']);
    await docker(['run', '-d', '--name', 'fam-running', '--network', 'fam-net-running', 'fam/base:1', 'sleep', '3600']);
    await docker(['run', '--name', 'fam-stopped', '--network', 'fam-net-stopped', 'fam/base:1', 'true']);
    await docker(['create', '--name', 'fam-created', '--network', 'fam-net-created', 'fam/base:1', 'true']);

    const port = connect(resolveConnection({ host: `unix://${sock}`, env: {} }));
    const snapshot = await readSnapshot(port, { configDir, needs: { networks: true, images: true } });
    const buildCache = await port.listBuildCache();
    const file = join(outDir, `families-${snapshot.engine.version.split('+')[0]}.json`);
    const doc = {
      recorded: {
        by: 'scripts/record-families.mjs (readSnapshot and listBuildCache over src/docker/dockerode-adapter.ts)',
        at: new Date().toISOString(),
        engine: `${snapshot.engine.version} (API ${snapshot.engine.apiVersion})`,
        cli: await docker(['version', '--format', '{{.Client.Version}}']),
      },
      snapshot: { ...snapshot, buildCache },
    };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    console.log(`wrote ${file}`);
  } finally {
    execFileSync('bash', [join(root, 'scripts/engines.sh'), 'stop', dir], { stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  for (const kind of kinds) await record(kind);
} finally {
  rmSync(work, { recursive: true, force: true });
}
