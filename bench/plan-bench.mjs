// Benchmark (issue 3): `lastlook plan --json` on a seeded engine (500 containers, 1,000 volumes) against
// `docker system df -v` on the same engine. Starts its own private engine, seeds it, then times the commands in
// interleaved rounds (df, volume prune plan, df, system prune plan, …) so that the load of a shared machine hits
// both sides alike; reports medians and the load average, checks that each plan is the expected one, stops the
// engine. Exits 1 when a median ratio is over the target (1.5x).
//   npm run build && sudo node bench/plan-bench.mjs [--runs 7] [--engine modern|legacy] [--against OTHER/bin/lastlook.js]
import { execFile, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    engine: { type: 'string', default: 'modern' },
    // Another build's bin/lastlook.js, timed in the same rounds (A/B).
    against: { type: 'string' },
  },
});
const runs = Math.max(5, Number(values.runs));
const TARGET = 1.5;
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'llb-'));
const host = `unix://${dir}/docker.sock`;
const cli = join(root, '.cache/engines/modern/usr/bin/docker');
const env = { PATH: process.env.PATH, HOME: dir, DOCKER_CONFIG: join(dir, 'cfg'), DOCKER_HOST: host };
const sh = (file, args, input) =>
  new Promise((resolve, reject) => {
    const child = execFile(file, args, { env, maxBuffer: 1 << 28 }, (e, out, err) =>
      e ? reject(new Error(`${args.join(' ')}: ${err}`)) : resolve(out),
    );
    if (input) child.stdin.end(input);
  });
const docker = (args, input) => sh(cli, args, input);
const lastlook = join(root, 'bin/lastlook.js');

/**
 * Wall time of one command in ms, and its stdout. Stdout goes to a file, as with `> out.json`: both commands
 * write to the same kind of sink (and lastlook's exit does not wait for a pipe to drain, see BENCHMARKS.md).
 */
async function timed(file, args) {
  const outFile = join(dir, 'out.json');
  const fd = openSync(outFile, 'w');
  const t = process.hrtime.bigint();
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(file, args, { env, stdio: ['ignore', fd, 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')}: ${err}`))));
    });
  } finally {
    closeSync(fd);
  }
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out: readFileSync(outFile, 'utf8') };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs) => xs.map((m) => m.toFixed(0)).join(', ');

const commands = {
  vp: ['docker', 'volume', 'prune', '-a'],
  sp: ['docker', 'system', 'prune', '--volumes'],
};

execFileSync('bash', [join(root, 'scripts/engines.sh'), 'start', values.engine, dir], { stdio: 'inherit' });
let failed = false;
try {
  execFileSync('mkdir', ['-p', env.DOCKER_CONFIG]);
  const tar = readFileSync(
    execFileSync('bash', [join(root, 'scripts/busybox-rootfs.sh')])
      .toString()
      .trim(),
  );
  await docker(['import', '-c', 'CMD ["/bin/sh"]', '-', 'bench/bb:1'], tar);
  const t0 = Date.now();
  // 500 named volumes and 500 containers (created, never started), each with one anonymous volume (`-v /anon`):
  // 1,000 volumes. The first 250 containers also mount one named volume, so 250 named volumes are unused.
  const batch = async (n, fn) => {
    for (let i = 0; i < n; i += 25) await Promise.all(Array.from({ length: Math.min(25, n - i) }, (_, j) => fn(i + j)));
  };
  await batch(500, (i) => docker(['volume', 'create', `bench-v${i}`]));
  await batch(500, (i) =>
    docker([
      'create',
      '--name',
      `bench-c${i}`,
      '-v',
      '/anon',
      ...(i < 250 ? ['-v', `bench-v${i}:/named`] : []),
      'bench/bb:1',
      'true',
    ]),
  );
  const version = JSON.parse(await docker(['version', '--format', '{{json .Server}}']));
  console.log(
    `engine ${version.Version} (API ${version.ApiVersion}); seeded 500 containers, 1,000 volumes in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  // What each plan must say, so that a fast but wrong plan cannot pass.
  const expectPlan = {
    // API < 1.42 (legacy engine): the docker CLI refuses -a, so the plan is blocked.
    vp: (p) =>
      version.ApiVersion < '1.42' ? p.blocked !== null : p.destroy.volumes.length === 250 && p.blocked === null,
    sp: (p) =>
      p.destroy.containers.length === 500 && p.destroy.volumes.length === (version.ApiVersion >= '1.42' ? 500 : 1000),
  };
  const plan = (key, bin = lastlook) => timed(process.execPath, [bin, 'plan', '--json', '--', ...commands[key]]);
  const df = () => timed(cli, ['system', 'df', '-v']);

  // One warm-up round (page cache, engine caches), not counted.
  await df();
  for (const key of Object.keys(commands)) {
    const { out } = await plan(key);
    if (!expectPlan[key](JSON.parse(out))) throw new Error(`unexpected plan for ${commands[key].join(' ')}`);
  }
  const t = { df: [], vp: [], sp: [], vpB: [], spB: [] };
  const loads = [];
  for (let r = 0; r < runs; r++) {
    loads.push(loadavg()[0]);
    for (const key of Object.keys(commands)) {
      t.df.push((await df()).ms);
      t[key].push((await plan(key)).ms);
      if (values.against) t[`${key}B`].push((await plan(key, values.against)).ms);
    }
  }
  loads.push(loadavg()[0]);
  const mdf = median(t.df);
  console.log(`docker system df -v: median ${mdf.toFixed(0)} ms (${fmt(t.df)})`);
  for (const key of Object.keys(commands)) {
    const m = median(t[key]);
    const ratio = m / mdf;
    if (ratio > TARGET) failed = true;
    console.log(
      `lastlook plan --json -- ${commands[key].join(' ')}: median ${m.toFixed(0)} ms (${fmt(t[key])}) = ${ratio.toFixed(2)}x df -v`,
    );
    if (values.against) {
      const b = median(t[`${key}B`]);
      console.log(
        `  the same, ${values.against}: median ${b.toFixed(0)} ms (${fmt(t[`${key}B`])}) = ${(b / mdf).toFixed(2)}x`,
      );
    }
  }
  console.log(`load average (1 min) during the rounds: ${loads.map((l) => l.toFixed(2)).join(', ')}`);
  console.log(
    `machine: ${cpus().length} cpus (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), node ${process.version}`,
  );
} finally {
  execFileSync('bash', [join(root, 'scripts/engines.sh'), 'stop', dir], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  console.log(`over the ${TARGET}x target`);
  process.exitCode = 1;
}
