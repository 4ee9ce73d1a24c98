/**
 * ssh:// as the docker CLI does it (issue 13): lastlook runs the user's own `ssh … docker system dial-stdio`
 * against a private sshd (remote-sshd.ts) in front of this run's modern engine. Every connection path (--host,
 * --context, DOCKER_CONTEXT, currentContext, DOCKER_HOST) gives the same plan as the socket, with one SSH
 * handshake per run; a key in an agent and a key named by ~/.ssh/config both work; a changed or unknown host key,
 * a failed login and a remote without docker exit 3 with what to do. The real docker CLI, run the same way, is the
 * reference for what the user's ssh setup allows.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { given } from './given.js';
import { cliPath, docker, engineEnv, prefix, RUN_ROOT_ENV, repoRoot, type TestEngine } from './harness.js';
import { DOCKER_PORT, NO_DOCKER_PORT, type PrivateSshd, startAgent, startSshd } from './remote-sshd.js';

const found = inject('engines').find((e) => e.kind === 'modern');
if (!found) throw new Error('no modern engine');
const engine: TestEngine = found;
const P = prefix('ssh');
const lastlook = join(repoRoot, 'bin/lastlook.js');
const target = `ssh://root@127.0.0.1:${DOCKER_PORT}`;

let sshd: PrivateSshd;
let agent: { sock: string; stop(): Promise<void> };
/** The plan over the engine's own socket: what every ssh path must give. */
let reference: unknown;
/** A docker CLI config with a context `remote` for the ssh target. */
let configDir: string;

/** The client's environment: nothing inherited that points at an engine; DOCKER_* only as each test says. */
function clientEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = engineEnv(engine, {});
  return {
    PATH: base.PATH,
    LANG: base.LANG,
    HOME: '/root',
    NO_COLOR: '1',
    DOCKER_CONFIG: configDir,
    ...extra,
  };
}

/**
 * The plan without the engine's address and without warnings: over the socket the user's docker CLI is recorded
 * (truth-client's recording endpoint forwards to unix and tcp engines only), over ssh the built-in parser reads
 * the command line and says so in a warning; what would be destroyed must be the same.
 */
function withoutHost(plan: string): unknown {
  const parsed = JSON.parse(plan) as { engine: { host: string } };
  return { ...parsed, engine: { ...parsed.engine, host: null }, warnings: null };
}

const planArgs = ['plan', '--json', '--', 'docker', 'rm', '-v', `${P}-app`];

/** A home with the server's key in known_hosts (as after a first `ssh` and a fingerprint check). */
function knownHome(name: string): string {
  const home = sshd.home(name);
  writeKnownHosts(home, `[127.0.0.1]:${DOCKER_PORT} ${sshd.hostKey}\n[127.0.0.1]:${NO_DOCKER_PORT} ${sshd.hostKey}\n`);
  return home;
}

beforeAll(async () => {
  const root = process.env[RUN_ROOT_ENV] ?? '';
  sshd = await startSshd(engine, root);
  agent = await startAgent(sshd.dir, sshd.keys.agent);
  await given(engine, ['volume', 'create', `${P}-data`]);
  await given(engine, ['create', '--name', `${P}-app`, '-v', `${P}-data:/data`, '-v', '/anon', engine.image, 'true']);
  configDir = join(sshd.dir, 'docker-config');
  const cfgEnv = { DOCKER_CONFIG: configDir };
  await docker(engine, ['context', 'create', 'remote', '--docker', `host=${target}`], { env: cfgEnv });
  const r = await runSocket(planArgs);
  expect(r.code, r.stderr).toBe(0);
  reference = withoutHost(r.stdout);
});

afterAll(async () => {
  await agent?.stop();
  await sshd?.stop();
  await given(engine, ['rm', '-v', `${P}-app`]).catch(() => {});
  await given(engine, ['volume', 'rm', `${P}-data`]).catch(() => {});
});

async function runSocket(args: readonly string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [lastlook, ...args], { env: engineEnv(engine) }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let reports = 0;
/** A file for the launcher's LASTLOOK_EARLY_REPORT (what it started early, and whether it was taken). */
function reportFile(): string {
  return join(sshd.dir, `early-${reports++}.json`);
}
/** The early ssh session's fate from that report: 'adopted', 'unused', or null when none was started. */
function earlySsh(file: string): string | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { ssh: string | null }).ssh : null;
}

function writeKnownHosts(home: string, text: string): void {
  writeFileSync(join(home, '.ssh/known_hosts'), text);
}

describe('ssh:// through the user’s own ssh', () => {
  test.each([
    ['--host', ['--host', target], {}],
    ['DOCKER_HOST', [], { DOCKER_HOST: target }],
    ['--context', ['--context', 'remote'], {}],
    ['DOCKER_CONTEXT', [], { DOCKER_CONTEXT: 'remote' }],
  ] as const)(
    'a key in the agent, through %s: the socket’s plan, one handshake, nothing on stderr',
    async (_n, flags, env) => {
      const home = knownHome(`agent-${_n.replace(/-/g, '')}`);
      const before = sshd.connections();
      const report = reportFile();
      const r = await sshd.run(
        home,
        process.execPath,
        [lastlook, ...flags, ...planArgs],
        clientEnv({ SSH_AUTH_SOCK: agent.sock, LASTLOOK_EARLY_REPORT: report, ...env }),
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(withoutHost(r.stdout)).toEqual(reference);
      expect(JSON.parse(r.stdout).engine.host).toBe(target);
      expect(sshd.connections() - before).toBe(1);
      // On every path the launcher starts the ssh session before the bundle loads (src/docker/early-ssh.ts), and
      // the plan's connection adopts it: still one handshake.
      expect(earlySsh(report)).toBe('adopted');
      // The ControlMaster is lastlook's own child (ControlPersist=no): it ends with the run, nothing stays connected.
      await vi.waitFor(() => expect(sshd.openConnections(), sshd.log()).toBe(0), { timeout: 30_000, interval: 100 });
    },
  );

  test('plan on two contexts, the ssh one and default (the socket): the same plan in each slot, one handshake', async () => {
    const home = knownHome('fleet');
    const before = sshd.connections();
    const r = await sshd.run(
      home,
      process.execPath,
      [lastlook, 'plan', '--json', '--context', 'remote', '--context', 'default', ...planArgs.slice(2)],
      clientEnv({ SSH_AUTH_SOCK: agent.sock, DOCKER_HOST: engine.host }),
    );
    expect(r.code, r.stderr).toBe(0);
    const fleet = JSON.parse(r.stdout) as { contexts: { context: string; host: string; plan: unknown }[] };
    expect(fleet.contexts.map((c) => [c.context, c.host])).toEqual([
      ['remote', target],
      ['default', engine.host],
    ]);
    for (const c of fleet.contexts) expect(withoutHost(JSON.stringify(c.plan))).toEqual(reference);
    expect(sshd.connections() - before).toBe(1);
  });

  test('currentContext of the CLI config, like the docker CLI', async () => {
    const home = knownHome('current');
    const cfg = join(sshd.dir, 'docker-config-current');
    await docker(engine, ['context', 'create', 'remote', '--docker', `host=${target}`], {
      env: { DOCKER_CONFIG: cfg },
    });
    await docker(engine, ['context', 'use', 'remote'], { env: { DOCKER_CONFIG: cfg } });
    const env = clientEnv({ SSH_AUTH_SOCK: agent.sock, DOCKER_CONFIG: cfg });
    const cli = await sshd.run(home, cliPath(), ['volume', 'inspect', `${P}-data`], env);
    expect(cli.code, cli.stderr).toBe(0);
    const report = reportFile();
    const r = await sshd.run(home, process.execPath, [lastlook, ...planArgs], {
      ...env,
      LASTLOOK_EARLY_REPORT: report,
    });
    expect(r.stderr).toBe('');
    expect(withoutHost(r.stdout)).toEqual(reference);
  });

  test('the explorer over ssh: first frame, then a new container arrives through the events stream, one handshake', async () => {
    const home = knownHome('explorer');
    const before = sshd.connections();
    const listeners = Number(await docker(engine, ['info', '--format', '{{.NEventsListener}}']));
    // Started as users start it, on DOCKER_HOST: the launcher's early session (src/docker/early-ssh.ts) carries it.
    const cmd = `stty cols 160 rows 40; exec node ${lastlook}`;
    const report = reportFile();
    const child = sshd.spawn(
      home,
      'script',
      ['-qfec', cmd, '/dev/null'],
      clientEnv({
        SSH_AUTH_SOCK: agent.sock,
        TERM: 'xterm-256color',
        DOCKER_HOST: target,
        LASTLOOK_EARLY_REPORT: report,
      }),
    );
    let screen = '';
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (screen.includes(text)) resolve();
        };
        child.stdout.on('data', (d: Buffer) => {
          screen += d.toString('utf8');
          check();
        });
        child.once('close', () => reject(new Error(`explorer ended: ${screen.slice(-2000)}`)));
        check();
      });
    try {
      await waitFor(`${P}-app`);
      // The events stream runs on a session of its own, opened next to the first list: wait until the engine
      // counts its listener, so the container below is created after the subscription (not in between).
      while (Number(await docker(engine, ['info', '--format', '{{.NEventsListener}}'])) <= listeners) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await given(engine, ['create', '--name', `${P}-late`, engine.image, 'true']);
      await waitFor(`${P}-late`);
      child.stdin.write('q');
      await new Promise((r) => child.once('close', r));
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    expect(sshd.connections() - before).toBe(1);
    expect(earlySsh(report)).toBe('adopted');
    await given(engine, ['rm', `${P}-late`]);
  });

  test('a key named by ~/.ssh/config (IdentityFile, host alias), no agent', async () => {
    const home = knownHome('named');
    copyFileSync(sshd.keys.named, join(home, '.ssh/work_key'));
    chmodSync(join(home, '.ssh/work_key'), 0o600);
    writeFileSync(
      join(home, '.ssh/config'),
      `Host llremote\n  HostName 127.0.0.1\n  Port ${DOCKER_PORT}\n  User root\n  IdentityFile ~/.ssh/work_key\n  IdentitiesOnly yes\n`,
    );
    const env = clientEnv({ DOCKER_HOST: 'ssh://llremote' });
    const cli = await sshd.run(home, cliPath(), ['volume', 'inspect', `${P}-data`], env);
    expect(cli.code, cli.stderr).toBe(0);
    const r = await sshd.run(home, process.execPath, [lastlook, ...planArgs], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(withoutHost(r.stdout)).toEqual(reference);
  });

  test('no usable key: exit 3, the login failed, as for docker', async () => {
    const home = knownHome('nokey');
    const env = clientEnv({ DOCKER_HOST: target });
    const cli = await sshd.run(home, cliPath(), ['volume', 'ls'], env);
    expect(cli.code).not.toBe(0);
    const report = reportFile();
    const r = await sshd.run(home, process.execPath, [lastlook, ...planArgs], {
      ...env,
      LASTLOOK_EARLY_REPORT: report,
    });
    // The session that failed was the launcher's early one: its failure is reported the same way.
    expect(earlySsh(report)).toBe('adopted');
    // The session that failed was the launcher's early one: its failure is reported the same way.
    expect(earlySsh(report)).toBe('adopted');
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/SSH login to root@127\.0\.0\.1:2222 failed/);
    expect(r.stderr).toMatch(/ssh-add|IdentityFile/);
  });

  test('a changed host key is refused (exit 3), as the docker CLI refuses it', async () => {
    const home = sshd.home('changed');
    const other = join(home, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherKey = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeKnownHosts(home, `[127.0.0.1]:${DOCKER_PORT} ${otherKey}\n`);
    const env = clientEnv({ SSH_AUTH_SOCK: agent.sock, DOCKER_HOST: target });
    const cli = await sshd.run(home, cliPath(), ['volume', 'ls'], env);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/Host key verification failed/);
    const report = reportFile();
    const r = await sshd.run(home, process.execPath, [lastlook, ...planArgs], {
      ...env,
      LASTLOOK_EARLY_REPORT: report,
    });
    // The session that failed was the launcher's early one: its failure is reported the same way.
    expect(earlySsh(report)).toBe('adopted');
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/SSH host key of root@127\.0\.0\.1:2222 has changed/);
    expect(r.stderr).toMatch(/ssh-keygen -R/);
  });

  test('an unknown host key is refused (exit 3): no prompt, no trust on first use', async () => {
    const home = sshd.home('unknown');
    const env = clientEnv({ SSH_AUTH_SOCK: agent.sock, DOCKER_HOST: target });
    const r = await sshd.run(home, process.execPath, [lastlook, ...planArgs], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/SSH host key of root@127\.0\.0\.1:2222 is not known/);
  });

  test('a command refused before it connects: the early ssh session is ended at exit, nothing stays', async () => {
    const home = knownHome('refused');
    const report = reportFile();
    const env = clientEnv({ SSH_AUTH_SOCK: agent.sock, DOCKER_HOST: target, LASTLOOK_EARLY_REPORT: report });
    const tmp = join(home, 'tmp');
    mkdirSync(tmp);
    const r = await sshd.run(home, process.execPath, [lastlook, 'plan', '--json', '--', 'docker', 'rm'], {
      ...env,
      TMPDIR: tmp,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(earlySsh(report)).toBe('unused');
    // Its ControlPath folder is removed, and the server sees the connection end.
    expect(readdirSync(tmp)).toEqual([]);
    await vi.waitFor(() => expect(sshd.openConnections(), sshd.log()).toBe(0), { timeout: 30_000, interval: 100 });
  });

  test('a remote without docker: exit 3 and what to install', async () => {
    const home = knownHome('nodocker');
    const env = clientEnv({ SSH_AUTH_SOCK: agent.sock, DOCKER_HOST: `ssh://root@127.0.0.1:${NO_DOCKER_PORT}` });
    const r = await sshd.run(home, process.execPath, [lastlook, ...planArgs], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/root@127\.0\.0\.1:2223 has no docker command/);
    expect(r.stderr).toMatch(/install the Docker CLI/);
  });
});
