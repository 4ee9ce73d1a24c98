// Benchmark (issue 14): size and start-up of each way lastlook is installed. The npm package (its bin running
// the bundle with the machine's node), the single executable with and without V8's code cache, and the image
// (`docker run --rm`, so container creation is included). Starts its own private engine, seeds a few containers
// and volumes, builds both executables and the image from the current dist/lastlook.cjs, then times
// `--version` and `plan -- docker volume prune -a` in interleaved rounds (one of each variant per round, so the
// load of a shared machine hits all alike) and prints medians, the load average and the sizes as Markdown.
//   npm run build && sudo node bench/install-bench.mjs [--runs 15]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Math.max(5, Number(values.runs));
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'llib-'));
const sock = join(dir, 'docker.sock');
const cli = join(root, '.cache/engines/modern/usr/bin/docker');
const env = { PATH: process.env.PATH, HOME: dir, DOCKER_CONFIG: join(dir, 'cfg'), DOCKER_HOST: `unix://${sock}` };
const run = (file, args, opts = {}) => execFileSync(file, args, { env, maxBuffer: 1 << 28, ...opts });
const docker = (args, input) => run(cli, args, input === undefined ? {} : { input });
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Wall time of one command in ms; fails on a non-zero exit. */
function timed(file, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

run('bash', [join(root, 'scripts/engines.sh'), 'start', 'modern', dir], { stdio: 'inherit' });
try {
  mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  const tar = readFileSync(
    run('bash', [join(root, 'scripts/busybox-rootfs.sh')])
      .toString()
      .trim(),
  );
  docker(['import', '-c', 'CMD ["/bin/sh"]', '-', 'bench/bb:1'], tar);
  for (let i = 0; i < 10; i++) {
    docker(['volume', 'create', `bench-v${i}`]);
    docker(['create', '--name', `bench-c${i}`, '-v', '/anon', 'bench/bb:1', 'true']);
  }
  const seaCache = join(dir, 'lastlook');
  const seaNoCache = join(dir, 'lastlook-no-code-cache');
  const build = join(root, 'scripts/build-binary.mjs');
  run(process.execPath, [build, '--out', seaCache], { stdio: ['ignore', 'ignore', 'ignore'] });
  run(process.execPath, [build, '--out', seaNoCache, '--no-code-cache'], { stdio: ['ignore', 'ignore', 'ignore'] });
  run('bash', [join(root, 'scripts/build-image.sh'), 'bench/lastlook:1'], {
    env: { ...env, DOCKER: cli, LASTLOOK_EXE: seaCache },
  });
  const packDir = join(dir, 'pack');
  mkdirSync(packDir);
  const packed = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: root }).toString(),
  )[0];

  const variants = {
    'npm package: `node bin/lastlook.js`': [process.execPath, join(root, 'bin/lastlook.js')],
    'single executable (code cache)': [seaCache],
    'single executable (no code cache)': [seaNoCache],
    'image: `docker run --rm`': [cli, 'run', '--rm', '-v', `${sock}:/var/run/docker.sock`, 'bench/lastlook:1'],
  };
  const commands = {
    '--version': ['--version'],
    'plan volume prune -a': ['plan', '--', 'docker', 'volume', 'prune', '-a'],
  };
  const times = {};
  const loads = [loadavg()[0]];
  for (let r = 0; r < runs + 1; r++) {
    for (const [v, argv] of Object.entries(variants)) {
      for (const [c, args] of Object.entries(commands)) {
        const [file, ...pre] = argv;
        const ms = timed(file, [...pre, ...args]);
        if (r === 0) continue; // round 0 warms the page cache
        times[`${v}|${c}`] ??= [];
        times[`${v}|${c}`].push(ms);
      }
    }
  }
  loads.push(loadavg()[0]);

  const lines = [];
  lines.push(`Runs: ${runs} per cell (after one warm-up round), ${cpus().length} cores, Node ${process.version}, `);
  lines.push(`load average ${loads.map((l) => l.toFixed(1)).join(' → ')}.`, '');
  lines.push(`| variant | ${Object.keys(commands).join(' (median ms) | ')} (median ms) | size |`);
  lines.push(
    `|---|${Object.keys(commands)
      .map(() => '---|')
      .join('')}---|`,
  );
  const imageSize = Number(docker(['image', 'inspect', '--format', '{{.Size}}', 'bench/lastlook:1']).toString());
  const sizes = {
    'npm package: `node bin/lastlook.js`': `tarball ${mb(packed.size)}, installed ${mb(packed.unpackedSize)} (1 package); needs node`,
    'single executable (code cache)': mb(statSync(seaCache).size),
    'single executable (no code cache)': mb(statSync(seaNoCache).size),
    'image: `docker run --rm`': mb(imageSize),
  };
  for (const v of Object.keys(variants)) {
    const cells = Object.keys(commands).map((c) => median(times[`${v}|${c}`]).toFixed(0));
    lines.push(`| ${v} | ${cells.join(' | ')} | ${sizes[v]} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  run('bash', [join(root, 'scripts/engines.sh'), 'stop', dir], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
}
