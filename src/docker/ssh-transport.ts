/**
 * The ssh:// transport: an http.Agent whose sockets are the user's own `ssh … docker system dial-stdio`
 * (argv from ssh.ts, as the docker CLI builds it). All of them share one SSH connection: the first one becomes an
 * OpenSSH ControlMaster on a private ControlPath that lastlook owns and closes on exit, and every later socket is
 * a session multiplexed over it (no second handshake). Sockets are kept alive and reused between requests; a
 * long stream (events) simply holds its own session.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, type ClientRequestArgs } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { DockerError } from './errors.js';
import { type SshSpec, shellQuote, sshArgv, sshFailure } from './ssh.js';

const MAX_STDERR = 8192;

/** One `ssh … dial-stdio` process as a socket for node's HTTP client. */
class CommandSocket extends Duplex {
  private stderr = '';
  private exited = false;
  timeout = 0;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly spec: SshSpec,
    onFirstData: () => void,
    onFailure: (e: DockerError) => void,
  ) {
    super();
    child.stdin.on('error', () => {
      // EPIPE when ssh has exited: the exit handler below reports why.
    });
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-MAX_STDERR);
    });
    child.stdout.once('data', onFirstData);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      this.exited = true;
      const err =
        e.code === 'ENOENT'
          ? new DockerError(
              'unreachable',
              'cannot run `ssh`: it is not on the PATH',
              'install the OpenSSH client (the docker CLI needs it for ssh:// hosts too)',
            )
          : new DockerError('unreachable', `cannot run ssh: ${e.message}`);
      onFailure(err);
      this.destroy(err);
    });
    child.on('close', (code) => {
      this.exited = true;
      if (this.destroyed) return;
      if (code === 0) {
        this.push(null);
        return;
      }
      const err = sshFailure(this.spec, code, this.stderr);
      onFailure(err);
      this.destroy(err);
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.exited) {
      cb();
      return;
    }
    this.child.stdin.write(chunk, () => cb());
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.child.stdin.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    if (!this.exited) this.child.kill('SIGTERM');
    cb(err);
  }

  // What node's HTTP client and Agent call on a net.Socket.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(ms: number): this {
    this.timeout = ms;
    return this;
  }
  ref(): this {
    for (const h of this.handles()) h.ref?.();
    return this;
  }
  unref(): this {
    for (const h of this.handles()) h.unref?.();
    return this;
  }
  /** The child and its pipes (net.Sockets underneath): an idle kept-alive session must not hold the process. */
  private handles(): { ref?: () => unknown; unref?: () => unknown }[] {
    const c = this.child;
    return [c, c.stdin, c.stdout, c.stderr] as unknown as { ref?: () => unknown; unref?: () => unknown }[];
  }
}

export interface SshAgentOptions {
  readonly spec: SshSpec;
  /** The environment ssh runs with (SSH_AUTH_SOCK, PATH, …): the user's own. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Concurrent sessions over the shared connection. */
  readonly maxSockets?: number;
}

type OnCreate = (err: Error | null, socket: Duplex) => void;

export class SshAgent extends Agent {
  private readonly spec: SshSpec;
  private readonly env: Record<string, string | undefined>;
  private readonly controlDir: string;
  private readonly controlPath: string;
  private readonly sockets_ = new Set<CommandSocket>();
  /** Settles when the first session (the ControlMaster) is up: later sessions wait for it. */
  private master: Promise<void> | null = null;
  private closed = false;
  /** True once a session got through: a ControlMaster may then be running. */
  private mastered = false;
  private readonly onExit = () => this.close();
  /** ssh processes started (for tests and the bench: each after the first rides the shared connection). */
  spawned = 0;

  constructor(opts: SshAgentOptions) {
    super({ keepAlive: true, maxSockets: opts.maxSockets ?? 4 });
    this.spec = opts.spec;
    this.env = { ...opts.env };
    const base = tmpdir().length < 60 ? tmpdir() : '/tmp';
    this.controlDir = mkdtempSync(join(base, 'lastlook-ssh-'));
    this.controlPath = join(this.controlDir, 'mux');
    process.once('exit', this.onExit);
  }

  /** The ssh argv (after `ssh`) of every session: docker's, plus the private connection sharing. */
  argv(): string[] {
    return sshArgv(this.spec, [
      '-o',
      'ControlMaster=auto',
      '-o',
      `ControlPath=${this.controlPath}`,
      // Only a safety net: close() ends the master at once; if lastlook is killed, it goes 30 s after the last
      // session.
      '-o',
      'ControlPersist=30',
    ]);
  }

  override createConnection(_options: ClientRequestArgs, oncreate?: OnCreate): Duplex {
    const cb: OnCreate = oncreate ?? (() => {});
    if (this.closed) {
      cb(new DockerError('aborted', 'the ssh connection is closed'), undefined as unknown as Duplex);
      return undefined as unknown as Duplex;
    }
    if (this.master === null) {
      let ready!: () => void;
      let failed!: (e: DockerError) => void;
      this.master = new Promise<void>((res, rej) => {
        ready = res;
        failed = rej;
      });
      this.master.catch(() => {
        // A failed first session is reported through its own request; the next request tries again.
        this.master = null;
      });
      cb(
        null,
        this.open(() => {
          this.mastered = true;
          ready();
        }, failed),
      );
    } else {
      this.master.then(
        () => cb(null, this.open(noop, noop)),
        (e: Error) => cb(e, undefined as unknown as Duplex),
      );
    }
    return undefined as unknown as Duplex;
  }

  private open(onFirstData: () => void, onFailure: (e: DockerError) => void): CommandSocket {
    const child = spawn('ssh', this.argv(), {
      env: this.env,
      // Like docker/cli's commandconn: a session of its own, so ssh has no terminal to prompt on and the TUI's
      // Ctrl+C is not delivered to it.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.spawned++;
    const socket = new CommandSocket(child, this.spec, onFirstData, onFailure);
    this.sockets_.add(socket);
    socket.once('close', () => this.sockets_.delete(socket));
    return socket;
  }

  /** Ends every session and the shared connection; safe to call twice (also runs on process exit). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.onExit);
    for (const s of this.sockets_) s.destroy();
    this.destroy();
    if (this.mastered) {
      // Not awaited: a detached `ssh -O exit` tells the master to go even while this process is exiting.
      const stop = spawn(
        'sh',
        [
          '-c',
          'ssh -o "ControlPath=$1" -O exit -- "$2" >/dev/null 2>&1; rm -rf "$3"',
          'sh',
          this.controlPath,
          shellQuote(this.spec.host),
          this.controlDir,
        ],
        { env: this.env, stdio: 'ignore', detached: true },
      );
      stop.on('error', noop);
      stop.unref();
    } else {
      rmSync(this.controlDir, { recursive: true, force: true });
    }
  }
}

function noop(): void {}
