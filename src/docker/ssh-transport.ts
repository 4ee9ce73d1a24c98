/**
 * The ssh:// transport: an http.Agent whose sockets are the user's own `ssh … docker system dial-stdio`
 * (argv from ssh.ts, as the docker CLI builds it). All of them share one SSH connection: the first one is an
 * OpenSSH ControlMaster on a private ControlPath, held by lastlook itself (`ControlPersist=no`: no fork into the
 * background, measured faster in bench/ssh-bench.ts), and every later socket is a session multiplexed over it
 * (no second handshake). Sockets are kept alive and reused between requests; a long stream (events) simply holds
 * its own session. A master whose socket node is done with is not killed while other sessions ride on it: its
 * stdin is closed, and OpenSSH keeps it until the last multiplexed session ends. lastlook ends them all on exit.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { Agent, type ClientRequest, type ClientRequestArgs } from 'node:http';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { type Adopted, type EarlySsh, makeControlDir, sessionArgv, spawnSession, takeEarlySsh } from './early-ssh.js';
import { DockerError } from './errors.js';
import { type SshSpec, sshFailure } from './ssh.js';

const MAX_STDERR = 8192;

/** One `ssh … dial-stdio` process as a socket for node's HTTP client. */
class CommandSocket extends Duplex {
  private stderr = '';
  private exited = false;
  timeout = 0;
  /** An endless stream (events): never kept for reuse. */
  stream = false;
  /**
   * This process is (or may become) the ControlMaster: when node destroys the socket, end its stdin instead of
   * killing it, so that the sessions multiplexed over it live on (OpenSSH keeps a master until they end).
   */
  master = false;

  /**
   * `prior`: the launcher started this process (early-ssh.ts); what it wrote to stderr and how it ended, if it did,
   * before this socket listened.
   */
  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly spec: SshSpec,
    onFirstData: () => void,
    private readonly onFailure: (e: DockerError) => void,
    prior: Pick<Adopted, 'stderr' | 'ended'> = { stderr: '', ended: null },
  ) {
    super();
    this.stderr = prior.stderr;
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
    child.on('error', (e) => this.failedToRun(e));
    child.on('close', (code) => this.ended(code));
    const ended = prior.ended;
    // It ended before anyone listened: report it as if it happened now (the request is attached by then).
    if (ended) process.nextTick(() => ('error' in ended ? this.failedToRun(ended.error) : this.ended(ended.code)));
  }

  private failedToRun(e: NodeJS.ErrnoException): void {
    if (this.exited) return;
    this.exited = true;
    const err =
      e.code === 'ENOENT'
        ? new DockerError(
            'unreachable',
            'cannot run `ssh`: it is not on the PATH',
            'install the OpenSSH client (the docker CLI needs it for ssh:// hosts too)',
          )
        : new DockerError('unreachable', `cannot run ssh: ${e.message}`);
    this.onFailure(err);
    this.destroy(err);
  }

  private ended(code: number | null): void {
    this.exited = true;
    if (this.destroyed) return;
    if (code === 0) {
      this.push(null);
      return;
    }
    const err = sshFailure(this.spec, code, this.stderr);
    this.onFailure(err);
    this.destroy(err);
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
    if (!this.exited) {
      if (this.master) {
        this.child.stdout.removeAllListeners('data');
        this.child.stdout.resume();
        this.child.stdin.end();
        // Whatever it still carries must not keep lastlook running; close() ends it on exit.
        this.unref();
      } else {
        this.child.kill('SIGTERM');
      }
    }
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
  /** The connection's host, `ssh://…` (the launcher's early session is taken only for it). */
  readonly host?: string;
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
  /** The launcher's session (early-ssh.ts), until the first session adopts it as the master. */
  private early: EarlySsh | null = null;
  private readonly sockets_ = new Set<CommandSocket>();
  /** Every ssh process still running (a retired master included): close() ends them. */
  private readonly children = new Set<ChildProcessWithoutNullStreams>();
  /** Settles when the first session (the ControlMaster) is up: later sessions wait for it. */
  private master: Promise<void> | null = null;
  /** The master answered: its control socket is listening (until every session on it has ended). */
  private masterUp = false;
  private closed = false;
  private streams = 0;
  private readonly onExit = () => this.close();
  /** ssh processes started (for tests and the bench: each after the first rides the shared connection). */
  spawned = 0;

  constructor(opts: SshAgentOptions) {
    super({ keepAlive: true, maxSockets: opts.maxSockets ?? 1 });
    this.spec = opts.spec;
    this.env = { ...opts.env };
    const early = opts.host === undefined ? null : takeEarlySsh(opts.host, opts.env);
    // The launcher's session is adopted only if it is exactly the one this agent would start.
    if (early && sameArgv(early.argv, sessionArgv(this.spec, early.controlDir))) {
      this.early = early;
      this.controlDir = early.controlDir;
    } else {
      this.controlDir = makeControlDir();
    }
    this.controlPath = join(this.controlDir, 'mux');
    process.once('exit', this.onExit);
  }

  /** The ssh argv (after `ssh`) of every session: docker's, plus the private connection sharing. */
  argv(): string[] {
    return sessionArgv(this.spec, this.controlDir);
  }

  /**
   * Requests share one kept-alive session, one at a time (every further session costs a `docker` start on the
   * remote, which the bench shows to cost more than it saves); the endless events stream gets a session of its own.
   */
  override getName(options?: ClientRequestArgs & { llStream?: number }): string {
    return options?.llStream ? `events:${options.llStream}` : 'api';
  }

  /** node hands getName no path: mark the events request here, where the request is known. */
  addRequest(req: ClientRequest, options: ClientRequestArgs): void {
    const events = /^(\/v[\d.]+)?\/events\b/.test(req.path);
    const add = (Agent.prototype as unknown as { addRequest: (r: ClientRequest, o: object) => void }).addRequest;
    add.call(this, req, events ? { ...options, llStream: ++this.streams } : options);
  }

  override keepSocketAlive(socket: Duplex): boolean {
    if ((socket as CommandSocket).stream) return false;
    return (super.keepSocketAlive as unknown as (s: Duplex) => boolean).call(this, socket);
  }

  override createConnection(options: ClientRequestArgs & { _agentKey?: string }, oncreate?: OnCreate): Duplex {
    const cb: OnCreate = oncreate ?? (() => {});
    if (this.closed) {
      cb(new DockerError('aborted', 'the ssh connection is closed'), undefined as unknown as Duplex);
      return undefined as unknown as Duplex;
    }
    // No master yet, or it has gone (every session that held it ended): this session becomes the master.
    if (this.master === null || (this.masterUp && !existsSync(this.controlPath))) {
      this.masterUp = false;
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
        this.open(
          options,
          true,
          () => {
            this.masterUp = true;
            ready();
          },
          failed,
        ),
      );
    } else {
      this.master.then(
        () => cb(null, this.open(options, false, noop, noop)),
        (e: Error) => cb(e, undefined as unknown as Duplex),
      );
    }
    return undefined as unknown as Duplex;
  }

  private open(
    options: { _agentKey?: string },
    master: boolean,
    onFirstData: () => void,
    onFailure: (e: DockerError) => void,
  ): CommandSocket {
    // The master may be the launcher's session, already connecting (early-ssh.ts).
    const adopted = master ? (this.early?.adopt() ?? null) : null;
    this.early = null;
    const child = adopted?.child ?? spawnSession(this.argv(), this.env);
    if (!adopted) this.spawned++;
    this.children.add(child);
    if (adopted?.ended) this.children.delete(child);
    child.once('close', () => this.children.delete(child));
    child.once('error', () => this.children.delete(child));
    const socket = new CommandSocket(child, this.spec, onFirstData, onFailure, adopted ?? undefined);
    socket.stream = options._agentKey?.startsWith('events:') ?? false;
    socket.master = master;
    this.sockets_.add(socket);
    socket.once('close', () => this.sockets_.delete(socket));
    return socket;
  }

  /** Ends every session and the shared connection; safe to call twice (also runs on process exit). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.onExit);
    this.destroy();
    for (const s of this.sockets_) s.destroy();
    // The master included: it is lastlook's own child (ControlPersist=no), and takes the connection with it.
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    rmSync(this.controlDir, { recursive: true, force: true });
  }
}

function noop(): void {}

function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
