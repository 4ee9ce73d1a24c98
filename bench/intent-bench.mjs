// Benchmark (issue 16): what asking the user's own docker CLI costs a plan. Starts its own private engine (26.1.5),
// seeds 20 containers and 40 volumes, then times `lastlook plan --json` in interleaved rounds with three PATHs:
// no docker on PATH (the built-in parser serves), the 26.1.5 CLI, the 28.5.2 CLI (when provisioned). Reports
// medians per command line and the extra cost of the client; checks each plan says what it assumed.
//   npm run build && sudo node bench/intent-bench.mjs [--runs 9]
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Math.max(3, Number(values.runs));
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'llib-'));
const host = `unix://${dir}/docker.sock`;
const cli26 = join(root, '.cache/engines/modern/usr/bin/docker');
const cli28 = join(root, '.cache/engines/current/usr/bin/docker');
const config = join(dir, 'cfg');
mkdirSync(config, { recursive: true });
writeFileSync(join(config, 'config.json'), JSON.stringify({ pruneFilters: ['label!=keep'] }));
const baseEnv = { HOME: dir, DOCKER_CONFIG: config, DOCKER_HOST: host };
const docker = (args, input) =>
  new Promise((resolve, reject) => {
    const child = execFile(cli26, args, { env: { ...baseEnv, PATH: '/usr/bin:/bin' } }, (e, out, err) =>
      e ? reject(new Error(`${args.join(' ')}: ${err}`)) : resolve(out),
    );
    if (input) child.stdin.end(input);
  });
const lastlook = join(root, 'bin/lastlook.js');

function timed(path, argv) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    // CPU time (user + system, lastlook and the docker CLI it runs) from /usr/bin/time: steadier than wall time on
    // a loaded machine.
    const cpuFile = join(dir, 'cpu.txt');
    const child = spawn(
      '/usr/bin/time',
      ['-f', '%U %S', '-o', cpuFile, process.execPath, lastlook, 'plan', '--json', '--', ...argv],
      {
        env: { ...baseEnv, PATH: path },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (code !== 0) reject(new Error(`plan ${argv.join(' ')}: ${err}`));
      else {
        const [u, sys] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number);
        resolve({ ms, cpu: (u + sys) * 1000, plan: JSON.parse(out) });
      }
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  execFileSync('bash', [join(root, 'scripts/engines.sh'), 'start', 'modern', dir], { stdio: 'inherit' });
  const tar = execFileSync('bash', [join(root, 'scripts/busybox-rootfs.sh')], { encoding: 'utf8' }).trim();
  await docker(['import', '-c', 'CMD ["/bin/sh"]', tar, 'bench/bb:1']);
  for (let i = 0; i < 40; i++)
    await docker(['volume', 'create', ...(i % 10 === 0 ? ['--label', 'keep=1'] : []), `v${i}`]);
  for (let i = 0; i < 20; i++) await docker(['create', '--name', `c${i}`, '-v', `v${i}:/data`, 'bench/bb:1', 'true']);
  const paths = [
    ['parser', '/nonexistent'],
    ['26.1.5', `${dirname(cli26)}:/usr/bin:/bin`],
    ...(existsSync(cli28) ? [['28.5.2', `${dirname(cli28)}:/usr/bin:/bin`]] : []),
  ];
  const commands = [
    ['docker', 'volume', 'prune', '-a'],
    ['docker', 'rm', '-fv', 'c1', 'c2'],
    ['docker', 'system', 'prune', '--volumes'],
  ];
  const times = new Map();
  const cpus = new Map();
  for (let r = 0; r < runs; r++) {
    for (const argv of commands) {
      for (const [name, path] of paths) {
        const { ms, cpu, plan } = await timed(path, argv);
        const said = plan.warnings[0] ?? '';
        const expect =
          name === 'parser' ? /^no docker executable on PATH/ : new RegExp(`^asked the docker CLI ${name}`);
        if (!expect.test(said)) throw new Error(`plan with ${name} said: ${said}`);
        const key = `${argv.join(' ')}|${name}`;
        times.set(key, [...(times.get(key) ?? []), ms]);
        cpus.set(key, [...(cpus.get(key) ?? []), cpu]);
      }
    }
  }
  console.log(
    `runs: ${runs}, load average: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const [label, table] of [
    ['wall time', times],
    ['CPU time (user + system)', cpus],
  ]) {
    console.log(`\n${label}, medians:`);
    console.log('| command line | parser (no docker on PATH) | 26.1.5 CLI asked | 28.5.2 CLI asked |');
    console.log('|---|---|---|---|');
    for (const argv of commands) {
      const m = (name) => table.get(`${argv.join(' ')}|${name}`);
      const base = median(m('parser'));
      const cell = (name) => {
        const t = m(name);
        if (!t) return 'n/a';
        const v = median(t);
        const d = Math.round(v - base);
        return `${Math.round(v)} ms (${d >= 0 ? '+' : '−'}${Math.abs(d)} ms)`;
      };
      console.log(`| \`${argv.join(' ')}\` | ${Math.round(base)} ms | ${cell('26.1.5')} | ${cell('28.5.2')} |`);
    }
  }
} finally {
  try {
    execFileSync('bash', [join(root, 'scripts/engines.sh'), 'stop', dir], { stdio: 'inherit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
