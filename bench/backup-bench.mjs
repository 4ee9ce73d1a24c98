#!/usr/bin/env node
// Benchmark: `lastlook backup VOLUME` against `docker run --rm -v VOL:/d busybox tar czf - -C /d .` on a ~1 GB
// volume, in one run.
//
//   npm run build && sudo node bench/backup-bench.mjs [--runs 3] [--engine modern|legacy] [--mb 1024]
//
// Starts its own private engine (scripts/engines.sh, root needed) in a temp folder and fills one volume with
// busybox: 4 large files (2 of /dev/urandom, 2 of compressible text) plus 10,000 small 8 KiB random files.
// Then alternates, per run: the busybox `tar czf` baseline (its gzip default, level 6) into a file, and
// `lastlook backup` (gzip level 1, which includes the full read-back verification and the fsync), and
// `lastlook backup --level 6` (the same gzip level as the baseline). Throughput =
// bytes in the volume (GET /system/df) / wall seconds. Removes everything at the end.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Number(arg('runs', '3'));
const KIND = arg('engine', 'modern');
const MB = Number(arg('mb', '1024'));

const dir = mkdtempSync('/tmp/llbb-');
const out = join(dir, 'out');
const sock = join(dir, 'docker.sock');
const host = `unix://${sock}`;
const cli = join(repo, '.cache/engines/modern/usr/bin/docker');
const env = { PATH: process.env.PATH, HOME: dir, DOCKER_CONFIG: dir, NO_COLOR: '1' };
const docker = (...args) => execFileSync(cli, ['-H', host, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(cmd, args, stdoutFile) {
  const fd = stdoutFile ? openSync(stdoutFile, 'w') : 'ignore';
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', fd, 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (typeof fd === 'number') closeSync(fd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

try {
  execFileSync('bash', [join(repo, 'scripts/engines.sh'), 'start', KIND, dir], { stdio: 'inherit' });
  const tar = execFileSync('bash', [join(repo, 'scripts/busybox-rootfs.sh')], { encoding: 'utf8' }).trim();
  execFileSync(cli, ['-H', host, 'import', '-c', 'CMD ["/bin/sh"]', '-', 'bench/busybox:1'], {
    env,
    input: readFileSync(tar),
  });
  const version = JSON.parse(docker('version', '--format', '{{json .Server}}'));
  docker('volume', 'create', 'benchvol');
  const small = 10_000;
  const bigMb = Math.max(1, Math.floor((MB - (small * 8) / 1024) / 4));
  const t0 = Date.now();
  const fill = [
    'set -e; cd /d',
    `dd if=/dev/urandom of=r1 bs=1M count=${bigMb} 2>/dev/null`,
    `dd if=/dev/urandom of=r2 bs=1M count=${bigMb} 2>/dev/null`,
    // Compressible: text lines (like logs or SQL dumps).
    `seq 1 100000000 | head -c ${bigMb * 1024 * 1024} > t1`,
    `seq 100000000 200000000 | head -c ${bigMb * 1024 * 1024} > t2`,
    'mkdir s; i=0; while [ $i -lt 100 ]; do mkdir s/$i; j=0; while [ $j -lt 100 ]; do head -c 8192 /dev/urandom > s/$i/$j; j=$((j+1)); done; i=$((i+1)); done',
  ].join('\n');
  docker('run', '--rm', '-v', 'benchvol:/d', 'bench/busybox:1', 'sh', '-c', fill);
  const df = JSON.parse(docker('system', 'df', '-v', '--format', '{{json .Volumes}}'));
  const bytes = df.find((v) => v.Name === 'benchvol')?.Size;
  const size = Number(
    execFileSync('du', ['-sb', join(dir, 'root/volumes/benchvol/_data')], { encoding: 'utf8' }).split('\t')[0],
  );
  console.log(
    `engine ${KIND} ${version.Version} (API ${version.ApiVersion}); volume ${size} bytes (df: ${bytes}) filled in ${Date.now() - t0} ms`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );

  const base = [];
  const ours = [];
  const ours6 = [];
  for (let run = 1; run <= RUNS; run++) {
    rmSync(out, { recursive: true, force: true });
    const baseFile = join(dir, 'baseline.tar.gz');
    const b = timed(
      cli,
      ['-H', host, 'run', '--rm', '-v', 'benchvol:/d', 'bench/busybox:1', 'tar', 'czf', '-', '-C', '/d', '.'],
      baseFile,
    );
    const baseSize = statSync(baseFile).size;
    rmSync(baseFile);
    const o = timed(process.execPath, [
      join(repo, 'bin/lastlook.js'),
      '--host',
      host,
      'backup',
      'benchvol',
      '--to',
      out,
    ]);
    const archive = readdirSync(out).find((f) => f.endsWith('.tar.gz'));
    const oursSize = statSync(join(out, archive)).size;
    rmSync(out, { recursive: true, force: true });
    const o6 = timed(process.execPath, [
      join(repo, 'bin/lastlook.js'),
      '--host',
      host,
      'backup',
      'benchvol',
      '--to',
      out,
      '--level',
      '6',
    ]);
    const ours6Size = statSync(
      join(
        out,
        readdirSync(out).find((f) => f.endsWith('.tar.gz')),
      ),
    ).size;
    base.push(b);
    ours.push(o);
    ours6.push(o6);
    const mbps = (ms) => (size / 1e6 / (ms / 1000)).toFixed(1);
    console.log(
      `run ${run}: docker tar czf ${b.toFixed(0)} ms (${mbps(b)} MB/s, ${baseSize} B) | lastlook backup ${o.toFixed(0)} ms (${mbps(o)} MB/s, ${oursSize} B, verified) | ratio ${(b / o).toFixed(2)}x | lastlook --level 6 ${o6.toFixed(0)} ms (${mbps(o6)} MB/s, ${ours6Size} B, ratio ${(b / o6).toFixed(2)}x)`,
    );
  }
  const mb = median(base);
  const mo = median(ours);
  console.log(
    `median: docker tar czf ${mb.toFixed(0)} ms (${(size / 1e6 / (mb / 1000)).toFixed(1)} MB/s), lastlook backup ${mo.toFixed(0)} ms (${(size / 1e6 / (mo / 1000)).toFixed(1)} MB/s): lastlook throughput = ${(mb / mo).toFixed(2)}x the baseline; at level 6 ${(size / 1e6 / (median(ours6) / 1000)).toFixed(1)} MB/s = ${(mb / median(ours6)).toFixed(2)}x`,
  );
} finally {
  spawnSync('bash', [join(repo, 'scripts/engines.sh'), 'stop', dir], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
}
