// Benchmark: `lastlook plan --json` on a seeded engine (500 containers, 1,000 volumes) against `docker system df -v`
// on the same engine. Starts its own private engine, seeds it, times each command (median of N runs), stops it.
//   npm run build && node bench/plan-bench.mjs [runs=3]
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'llb-'));
const host = `unix://${dir}/docker.sock`;
const cli = join(root, '.cache/engines/modern/usr/bin/docker');
const env = { PATH: process.env.PATH, HOME: dir, DOCKER_CONFIG: join(dir, 'cfg'), DOCKER_HOST: host };
const docker = (args, input) =>
  new Promise((resolve, reject) => {
    const child = execFile(cli, args, { env, maxBuffer: 1 << 28 }, (e, out, err) =>
      e ? reject(new Error(`${args.join(' ')}: ${err}`)) : resolve(out),
    );
    if (input) child.stdin.end(input);
  });

async function time(label, file, args) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await run(file, args, { env, maxBuffer: 1 << 28 });
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  console.log(`${label}: median ${median.toFixed(0)} ms (runs: ${ms.map((m) => m.toFixed(0)).join(', ')})`);
  return median;
}

execFileSync('bash', [join(root, 'scripts/engines.sh'), 'start', 'modern', dir], { stdio: 'inherit' });
try {
  execFileSync('mkdir', ['-p', env.DOCKER_CONFIG]);
  const tar = readFileSync(
    execFileSync('bash', [join(root, 'scripts/busybox-rootfs.sh')])
      .toString()
      .trim(),
  );
  await docker(['import', '-c', 'CMD ["/bin/sh"]', '-', 'bench/bb:1'], tar);
  const t0 = Date.now();
  // 500 named volumes, and 500 containers each with one anonymous volume (`-v /anon`) and one of the named ones:
  // 1,000 volumes. Half the containers are removed again without -v to leave 250 dangling anonymous volumes.
  const batch = async (n, fn) => {
    for (let i = 0; i < n; i += 25) await Promise.all(Array.from({ length: Math.min(25, n - i) }, (_, j) => fn(i + j)));
  };
  await batch(500, (i) => docker(['volume', 'create', `bench-v${i}`]));
  await batch(500, (i) =>
    docker(['create', '--name', `bench-c${i}`, '-v', '/anon', '-v', `bench-v${i}:/named`, 'bench/bb:1', 'true']),
  );
  console.log(`seeded 500 containers, 1,000 volumes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const ll = ['bin/lastlook.js'].map((p) => join(root, p))[0];
  const df = await time('docker system df -v', cli, ['system', 'df', '-v']);
  const vp = await time('lastlook plan --json -- docker volume prune -a', process.execPath, [
    ll,
    'plan',
    '--json',
    '--',
    'docker',
    'volume',
    'prune',
    '-a',
  ]);
  const sp = await time('lastlook plan --json -- docker system prune --volumes', process.execPath, [
    ll,
    'plan',
    '--json',
    '--',
    'docker',
    'system',
    'prune',
    '--volumes',
  ]);
  console.log(`ratio volume prune / df -v: ${(vp / df).toFixed(2)}x`);
  console.log(`ratio system prune --volumes / df -v: ${(sp / df).toFixed(2)}x`);
  console.log(
    `machine: ${cpus().length} cpus (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), node ${process.version}`,
  );
} finally {
  execFileSync('bash', [join(root, 'scripts/engines.sh'), 'stop', dir], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
}
