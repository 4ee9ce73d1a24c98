#!/usr/bin/env node
// Benchmark: `lastlook diff --json` against `docker diff` on a container holding 200,000 changed paths.
//
//   npm run build && node bench/diff-bench.mjs [--paths 200000] [--runs 3] [--engine modern|legacy]
//     [--against OTHER/bin/lastlook.js]   (another build timed in the same rounds, for an A/B)
//
// Starts its own private engine (scripts/engines.sh, root needed) in a temp folder, builds the container with
// one busybox `sh -c` (mkdir + `seq | xargs touch`), then alternates, in one run: `docker diff`,
// `lastlook diff --json`, and for the record the raw transfer of the two ways to read sizes
// (`GET /containers/{id}/export` vs `GET /containers/{id}/archive?path=/d`). Peak RSS of lastlook from
// /usr/bin/time -v ("Maximum resident set size"). Removes everything at the end.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const PATHS = Number(arg('paths', '200000'));
const RUNS = Number(arg('runs', '3'));
const KIND = arg('engine', 'modern');
// `--profile DIR`: one more lastlook run with --cpu-prof into DIR (open the .cpuprofile in Chrome's DevTools).
const PROFILE = arg('profile', null);
const AGAINST = arg('against', null);
const PER_DIR = 1000;
const DIRS = Math.ceil(PATHS / PER_DIR);

const dir = mkdtempSync('/tmp/lldb-');
const sock = join(dir, 'docker.sock');
const host = `unix://${sock}`;
const cli = join(repo, '.cache/engines/modern/usr/bin/docker');
const env = { PATH: process.env.PATH, HOME: dir, DOCKER_CONFIG: dir, NO_COLOR: '1' };
const docker = (...args) => execFileSync(cli, ['-H', host, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30 });

function timed(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, stderr: r.stderr.toString() };
}

/** `lastlook diff bench --json` on the bench's engine, as node's arguments. */
const diffArgs = (bin = join(repo, 'bin/lastlook.js')) => [bin, '--host', host, 'diff', 'bench', '--json'];

/** Runs lastlook under /usr/bin/time -v, stdout to /dev/null; returns wall ms and peak RSS in MB. */
function lastlook(bin) {
  const r = timed('/usr/bin/time', ['-v', process.execPath, ...diffArgs(bin)]);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  return { ms: r.ms, rssMb: kb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  execFileSync('bash', [join(repo, 'scripts/engines.sh'), 'start', KIND, dir], { stdio: 'inherit' });
  const tar = execFileSync('bash', [join(repo, 'scripts/busybox-rootfs.sh')], { encoding: 'utf8' }).trim();
  execFileSync(cli, ['-H', host, 'import', '-c', 'CMD ["/bin/sh"]', '-', 'bench/busybox:1'], {
    env,
    input: readFileSync(tar),
  });
  const version = JSON.parse(docker('version', '--format', '{{json .Server}}'));
  const t0 = Date.now();
  const script = `mkdir /d && cd /d && i=0; while [ $i -lt ${DIRS} ]; do mkdir $i && cd $i && seq 1 ${PER_DIR} | xargs touch && head -c 4096 /dev/zero >1 && cd .. ; i=$((i+1)); done`;
  docker('run', '--name', 'bench', 'bench/busybox:1', 'sh', '-c', script);
  const id = docker('inspect', '-f', '{{.Id}}', 'bench').trim();
  const changes0 = docker('diff', 'bench').trim().split('\n');
  const changes = changes0.length;
  console.log(
    `engine ${KIND} ${version.Version} (API ${version.ApiVersion}); container with ${changes} changed paths built in ${Date.now() - t0} ms`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );

  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    const d = timed(cli, ['-H', host, 'diff', 'bench']);
    const l = lastlook();
    const other = AGAINST ? lastlook(AGAINST) : null;
    const ex = timed('curl', ['-sf', '--unix-socket', sock, '-o', '/dev/null', `http://x/containers/${id}/export`]);
    const ar = timed('curl', [
      '-sf',
      '--unix-socket',
      sock,
      '-o',
      '/dev/null',
      `http://x/containers/${id}/archive?path=/d`,
    ]);
    rows.push({ docker: d.ms, lastlook: l.ms, rss: l.rssMb, exportMs: ex.ms, archiveMs: ar.ms, other: other?.ms });
    console.log(
      `run ${i + 1} (load ${loadavg()[0].toFixed(2)}): docker diff ${d.ms.toFixed(0)} ms · lastlook diff --json ${l.ms.toFixed(0)} ms (peak RSS ${l.rssMb.toFixed(0)} MB) · ` +
        `raw export ${ex.ms.toFixed(0)} ms · raw archive /d ${ar.ms.toFixed(0)} ms` +
        (other ? ` · ${AGAINST} ${other.ms.toFixed(0)} ms (peak RSS ${other.rssMb.toFixed(0)} MB)` : ''),
    );
  }
  if (PROFILE) {
    timed(process.execPath, ['--cpu-prof', '--cpu-prof-dir', PROFILE, ...diffArgs()]);
    console.log(`profile written to ${PROFILE}`);
  }
  const md = median(rows.map((r) => r.docker));
  const ml = median(rows.map((r) => r.lastlook));
  const rss = Math.max(...rows.map((r) => r.rss));
  if (AGAINST) {
    const mo = median(rows.map((r) => r.other));
    console.log(`the same, ${AGAINST}: median ${mo.toFixed(0)} ms = ${(mo / md).toFixed(2)}× docker diff`);
  }
  // Check the output once: the JSON parses and counts every path.
  const out = JSON.parse(
    execFileSync(process.execPath, [join(repo, 'bin/lastlook.js'), '--host', host, 'diff', 'bench', '--json'], {
      env,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    }),
  );
  const after = docker('diff', 'bench').trim().split('\n');
  if (out.summary.paths !== after.length) {
    throw new Error(
      `lastlook counted ${out.summary.paths} paths, docker diff ${after.length} (${changes} before the runs)`,
    );
  }
  if (after.length !== changes) {
    const before = new Set(changes0);
    console.log(
      `NOTE: changes went from ${changes} to ${after.length} during the runs: ${after.filter((l) => !before.has(l)).join(', ')}`,
    );
  }
  console.log(
    `median: docker diff ${md.toFixed(0)} ms, lastlook diff --json ${ml.toFixed(0)} ms = ${(ml / md).toFixed(2)}× ` +
      `(limit 1.5×); peak RSS ${rss.toFixed(0)} MB (limit 250 MB); ${out.summary.paths} paths, ${out.summary.bytes} bytes, ` +
      `sizes by ${out.sizes}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  process.exitCode = ml <= 1.5 * md && rss <= 250 ? 0 : 1;
} finally {
  spawnSync('bash', [join(repo, 'scripts/engines.sh'), 'stop', dir], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
}
