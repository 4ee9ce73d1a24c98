/**
 * A private sshd in front of a private engine (../shared/ENGINE.md): its own network namespace (so 127.0.0.1:2222
 * is ours alone), its own mount namespace (a tmpfs on /run for /run/sshd, an empty folder over the remote user's
 * home so no shell start-up file of this machine runs), `SetEnv DOCKER_HOST` pointing the remote
 * `docker system dial-stdio` at the private engine. Port 2222 has docker on the PATH, port 2223 has none.
 *
 * Clients run inside the same network namespace, each in a mount namespace of its own where a test folder is
 * bound over the passwd home (/root): OpenSSH then reads that folder's .ssh/config, known_hosts and keys as the
 * user's own, exactly as it would for the docker CLI, and the machine's real ~/.ssh is never read or written.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, type TestEngine } from './harness.js';

export const DOCKER_PORT = 2222;
export const NO_DOCKER_PORT = 2223;

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PrivateSshd {
  readonly dir: string;
  /** `ssh-ed25519 AAAA…` of the server. */
  readonly hostKey: string;
  /** Private keys the server accepts for root. */
  readonly keys: { readonly agent: string; readonly named: string };
  /** TCP connections the server has accepted so far (each one is one SSH handshake). */
  connections(): number;
  /** Connections the server still holds (a client's ControlMaster still up): its per-connection processes. */
  openConnections(): number;
  /** What the server has logged so far (for a failing assertion's message). */
  log(): string;
  /** A fresh client home (bound over /root for the client); `.ssh` is created, empty. */
  home(name: string): string;
  /** Runs `cmd` as a client of this server, with `home` as the user's home. */
  run(home: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult>;
  /** The same, as a running process (stdin, stdout and stderr piped). */
  spawn(home: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams;
  stop(): Promise<void>;
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lastlook-test', '-f', file]);
}

export async function startSshd(engine: TestEngine, root: string): Promise<PrivateSshd> {
  const dir = mkdtempSync(join(root, 's'));
  for (const d of ['remote-home', 'remote-bin', 'no-docker', 'homes']) mkdirSync(join(dir, d));
  symlinkSync(cliPath(), join(dir, 'remote-bin/docker'));
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'agent_key'));
  keygen(join(dir, 'named_key'));
  writeFileSync(
    join(dir, 'authorized_keys'),
    `${readFileSync(join(dir, 'agent_key.pub'), 'utf8')}${readFileSync(join(dir, 'named_key.pub'), 'utf8')}`,
  );
  const socket = engine.host.replace(/^unix:\/\//, '');
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `ListenAddress 127.0.0.1:${DOCKER_PORT}`,
      `ListenAddress 127.0.0.1:${NO_DOCKER_PORT}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PidFile none',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'LogLevel VERBOSE',
      `Match LocalPort ${DOCKER_PORT}`,
      `  SetEnv DOCKER_HOST=unix://${socket} PATH=${join(dir, 'remote-bin')}:/usr/bin:/bin`,
      `Match LocalPort ${NO_DOCKER_PORT}`,
      `  SetEnv PATH=${join(dir, 'no-docker')}`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    'unshare',
    [
      '--net',
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      'ip link set lo up && mount -t tmpfs tmpfs /run && mkdir -m 0755 /run/sshd && mount --bind "$2" /root && ' +
        'exec /usr/sbin/sshd -D -e -f "$1"',
      'sh',
      join(dir, 'sshd_config'),
      join(dir, 'remote-home'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const listening = new Set<string>();
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      for (const m of log.matchAll(/Server listening on 127\.0\.0\.1 port (\d+)/g)) listening.add(m[1] ?? '');
      if (listening.size === 2) resolve();
    });
    child.once('exit', (code) => reject(new Error(`private sshd exited (${code}): ${log}`)));
  });
  const pid = child.pid as number;
  return {
    dir,
    hostKey: readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' '),
    keys: { agent: join(dir, 'agent_key'), named: join(dir, 'named_key') },
    connections: () => log.match(/^Connection from /gm)?.length ?? 0,
    // sshd forks one process per connection, which exits when the connection ends, however it ends (its log has
    // no one line for that: a client killed mid-handshake gives "ssh_dispatch_run_fatal: … Broken pipe").
    openConnections: () => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).length,
    log: () => log,
    home(name) {
      const home = join(dir, 'homes', name);
      mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
      return home;
    },
    run: (home, cmd, args, env) => runIn(pid, home, cmd, args, env),
    spawn: (home, cmd, args, env) => spawnIn(pid, home, cmd, args, env),
    stop: () => stopChild(child),
  };
}

function spawnIn(
  pid: number,
  home: string,
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcessWithoutNullStreams {
  return spawn(
    'nsenter',
    [
      `--net=/proc/${pid}/ns/net`,
      '--',
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      'mount --bind "$0" /root && exec "$@"',
      home,
      cmd,
      ...args,
    ],
    { env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

function runIn(
  pid: number,
  home: string,
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnIn(pid, home, cmd, args, env);
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** An ssh-agent of the test's own (foreground, so its pid is ours), holding `key`. */
export async function startAgent(dir: string, key: string): Promise<{ sock: string; stop(): Promise<void> }> {
  const sock = join(mkdtempSync(join(dir, 'agent-')), 'sock');
  const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('SSH_AUTH_SOCK=')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`ssh-agent exited (${code})`)));
  });
  execFileSync('ssh-add', ['-q', key], { env: { SSH_AUTH_SOCK: sock, PATH: process.env.PATH } });
  return { sock, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
