/**
 * The built binary in a real pseudo-terminal (util-linux `script`), for the benches that time what a user sees.
 * Every byte it writes is fed to a terminal model (@xterm/headless, the same size as the pty): waits read that
 * screen, as a user would, not the raw stream (Ink redraws only the changed part of a line, so a line's text may
 * never appear whole in the stream). A key's latency is the time from writing it to the first output byte after it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import { engineEnv, repoRoot, type TestEngine } from '../test/engine/harness.js';

/** The binary: this checkout's, or LASTLOOK_BENCH_BIN (another build's bin/lastlook.js, for A/B runs). */
const bin = () => process.env.LASTLOOK_BENCH_BIN ?? join(repoRoot, 'bin/lastlook.js');

export class Pty {
  /** Output chunks received so far (a key's frame is the first chunk after it). */
  private chunks = 0;
  private readonly child;
  private readonly term;
  /** Chunks the terminal model has parsed: the screen is current when it equals `chunks`. */
  private parsed = 0;
  private listeners: (() => void)[] = [];
  private exited: string | null = null;
  private readonly started = process.hrtime.bigint();
  /** Each output chunk: ms after the spawn, bytes (for tracing a start-up). */
  readonly chunkLog: [number, number][] = [];
  /**
   * Starts `lastlook` alone, on the engine DOCKER_HOST names (engineEnv), as users start it (no --host: the
   * launcher's early reads, src/docker/early-reads.ts, serve it). `args`: extra argv for node (e.g. --cpu-prof).
   */
  constructor(engine: TestEngine, columns: number, rows: number, nodeArgs: readonly string[] = []) {
    this.term = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true, scrollback: 0 });
    const cmd = `stty cols ${columns} rows ${rows}; exec node ${nodeArgs.join(' ')} ${bin()}`;
    this.child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: engineEnv(engine, { TERM: 'xterm-256color' }) });
    this.child.stdout.on('data', (d: Buffer) => {
      this.chunks++;
      this.chunkLog.push([Number(process.hrtime.bigint() - this.started) / 1e6, d.length]);
      this.term.write(d, () => {
        this.parsed++;
        this.wake();
      });
      this.wake();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `exited (${code ?? signal})`;
      this.wake();
    });
  }
  private wake(): void {
    for (const l of this.listeners.splice(0)) l();
  }
  /** What the terminal shows now (rows joined by newlines, trailing blanks trimmed). */
  screen(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }
  /** Resolves when the screen (once every byte received so far is parsed) satisfies `pred`; fails with the screen. */
  async until(pred: (screen: string) => boolean, timeoutMs = 60_000, what = 'the screen'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.parsed === this.chunks && pred(this.screen())) return;
      if (Date.now() > deadline || this.exited) {
        throw new Error(
          `waited ${timeoutMs / 1000} s for ${what}${this.exited ? ` (lastlook ${this.exited})` : ''}; the screen:\n${this.screen()}`,
        );
      }
      await new Promise<void>((r) => {
        this.listeners.push(r);
        setTimeout(r, 100);
      });
    }
  }
  write(key: string): void {
    this.child.stdin.write(key);
  }
  /**
   * Time from writing `key` to the first output byte after it; fails (with the screen) if none comes in 10 s. Then
   * waits `settleMs` before the next key may be written.
   */
  async keyLatency(key: string, settleMs = 120): Promise<number> {
    const from = this.chunks;
    const t0 = process.hrtime.bigint();
    this.child.stdin.write(key);
    while (this.chunks === from) {
      if (Number(process.hrtime.bigint() - t0) / 1e6 > 10_000) {
        throw new Error(`no frame within 10 s after ${JSON.stringify(key)}; the screen:\n${this.screen()}`);
      }
      await new Promise<void>((r) => {
        this.listeners.push(r);
        setTimeout(r, 1000);
      });
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    // Let the frame settle before the next key (Ink throttles at 30 fps: wait out its trailing render).
    await new Promise((r) => setTimeout(r, settleMs));
    return ms;
  }
  kill(): void {
    this.child.kill('SIGKILL');
  }
  /** Ends lastlook as a user does (q), so that a --cpu-prof is written; kills it if it has not exited in 10 s. */
  async quit(): Promise<void> {
    if (this.exited) return;
    this.child.stdin.write('q');
    const t = setTimeout(() => this.kill(), 10_000);
    await new Promise<void>((r) => (this.exited ? r() : this.child.once('exit', () => r())));
    clearTimeout(t);
  }
}
