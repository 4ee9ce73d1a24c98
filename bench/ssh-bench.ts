/**
 * ssh:// benchmark (issue 13): a plan and the explorer's first frame over ssh:// against the same over the unix
 * socket, on a private Docker 26.1.5 engine behind a private sshd (test/engine/remote-sshd.ts), with 100 containers
 * (50 with an anonymous volume). The target: over ssh, each costs at most one handshake more than over the socket,
 * where one handshake is what one ssh connection costs the docker CLI itself: median(`docker -H ssh://… version`)
 * minus median(`docker -H unix://… version`). Every command runs in the same namespaces (both sides pay the same
 * nsenter/unshare start), in interleaved rounds so that a shared machine's load hits all alike. It also counts the
 * SSH connections the server accepted per lastlook run. Exits 1 when a target is missed.
 * lastlook is started as users start it, with DOCKER_HOST (on a unix socket the launcher's early reads apply, over
 * ssh:// its early ssh session); `--flag` starts both sides with `--host` instead (neither applies then).
 * Run (as root): npm run build && node scripts/run-ts.mjs bench/ssh-bench.ts [runs] [--flag]
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  cliPath,
  docker,
  makeRunRoot,
  RUN_ROOT_ENV,
  repoRoot,
  startEngine,
  stopEngine,
} from '../test/engine/harness.js';
import { DOCKER_PORT, startAgent, startSshd } from '../test/engine/remote-sshd.js';

const runs = Math.max(3, Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 7));
const viaFlag = process.argv.includes('--flag');
/** How lastlook is pointed at `host`: the --host flag, or DOCKER_HOST. */
const target = (host: string): { args: string[]; env: Record<string, string> } =>
  viaFlag ? { args: ['--host', host], env: {} } : { args: [], env: { DOCKER_HOST: host } };
const bin = join(repoRoot, 'bin/lastlook.js');
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escape sequences
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function main(): Promise<void> {
  const root = makeRunRoot();
  process.env[RUN_ROOT_ENV] = root;
  const engine = await startEngine('modern', root);
  const sshd = await startSshd(engine, root);
  const agent = await startAgent(sshd.dir, sshd.keys.agent);
  const home = sshd.home('bench');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(home, '.ssh/known_hosts'), `[127.0.0.1]:${DOCKER_PORT} ${sshd.hostKey}\n`);
  const socket = engine.host;
  const ssh = `ssh://root@127.0.0.1:${DOCKER_PORT}`;
  const env = {
    PATH: process.env.PATH,
    HOME: '/root',
    NO_COLOR: '1',
    TERM: 'xterm-256color',
    SSH_AUTH_SOCK: agent.sock,
    DOCKER_CONFIG: join(sshd.dir, 'bench-config'),
  };
  const timed = async (cmd: string, args: string[], extra: Record<string, string> = {}) => {
    const t0 = process.hrtime.bigint();
    const r = await sshd.run(home, cmd, args, { ...env, ...extra });
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const firstFrame = async (host: string, marker: string) => {
    const t0 = process.hrtime.bigint();
    const how = target(host);
    const cmd = `stty cols 120 rows 40; exec node ${bin} ${how.args.join(' ')}`;
    const child = sshd.spawn(home, 'script', ['-qfec', cmd, '/dev/null'], { ...env, ...how.env });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        if (strip(out).includes(marker)) resolve();
      });
      child.once('close', () => reject(new Error(`explorer ended before its first frame: ${strip(out).slice(-500)}`)));
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    child.stdin.write('q');
    await new Promise((r) => child.once('close', r));
    return ms;
  };
  try {
    for (let i = 0; i < 100; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => {
          const n = i + j;
          const vol = n % 2 === 0 ? ['-v', '/data'] : [];
          return docker(engine, [
            'create',
            '--name',
            `bench-${String(n).padStart(4, '0')}`,
            ...vol,
            engine.image,
            'true',
          ]);
        }),
      );
    }
    const plan = ['plan', '--json', '--', 'docker', 'system', 'prune', '--volumes'];
    const m: Record<string, number[]> = { cliSock: [], cliSsh: [], planSock: [], planSsh: [], ffSock: [], ffSsh: [] };
    const conns: number[] = [];
    for (let i = 0; i < runs; i++) {
      m.cliSock?.push(await timed(cliPath(), ['-H', socket, 'version']));
      m.cliSsh?.push(await timed(cliPath(), ['-H', ssh, 'version']));
      const [onSock, onSsh] = [target(socket), target(ssh)];
      m.planSock?.push(await timed('node', [bin, ...onSock.args, ...plan], onSock.env));
      const before = sshd.connections();
      m.planSsh?.push(await timed('node', [bin, ...onSsh.args, ...plan], onSsh.env));
      conns.push(sshd.connections() - before);
      m.ffSock?.push(await firstFrame(socket, 'bench-0000'));
      const before2 = sshd.connections();
      m.ffSsh?.push(await firstFrame(ssh, 'bench-0000'));
      conns.push(sshd.connections() - before2);
    }
    const med = (k: string) => median(m[k] ?? []);
    const handshake = med('cliSsh') - med('cliSock');
    const rows = [
      ['plan --json system prune --volumes', med('planSock'), med('planSsh')],
      ['explorer first frame', med('ffSock'), med('ffSsh')],
    ] as const;
    console.log(
      `runs: ${runs}; cores: ${cpus().length}; load average: ${loadavg()[0]?.toFixed(1)}; lastlook started with ${viaFlag ? '--host' : 'DOCKER_HOST'}`,
    );
    console.log(
      `one handshake (docker CLI: ssh ${med('cliSsh').toFixed(0)} ms - socket ${med('cliSock').toFixed(0)} ms) = ${handshake.toFixed(0)} ms`,
    );
    console.log(`SSH connections per lastlook run: ${[...new Set(conns)].join(', ')}`);
    console.log('| measure | socket | ssh:// | extra | one handshake | target met |');
    console.log('|---|---|---|---|---|---|');
    let ok = conns.every((c) => c === 1);
    for (const [name, sock, over] of rows) {
      const extra = over - sock;
      const met = extra <= handshake;
      ok &&= met;
      console.log(
        `| ${name} | ${sock.toFixed(0)} ms | ${over.toFixed(0)} ms | ${extra.toFixed(0)} ms | ${handshake.toFixed(0)} ms | ${met ? 'yes' : 'no'} |`,
      );
    }
    process.exitCode = ok ? 0 : 1;
  } finally {
    await agent.stop();
    await sshd.stop();
    await stopEngine(engine);
  }
}

await main();
