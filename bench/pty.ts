/**
 * The built binary in a real pseudo-terminal (util-linux `script`), for the benches that time what a user sees:
 * waits poll the accumulated screen output, a key's latency is the time to the next output chunk.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { engineEnv, repoRoot, type TestEngine } from '../test/engine/harness.js';

const bin = join(repoRoot, 'bin/lastlook.js');
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escape sequences
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');

export class Pty {
  private out = '';
  private readonly child;
  private listeners: (() => void)[] = [];
  /**
   * Starts `lastlook` alone, on the engine DOCKER_HOST names (engineEnv), as users start it (no --host: the
   * launcher's early reads, src/docker/early-reads.ts, serve it).
   */
  constructor(engine: TestEngine, columns: number, rows: number) {
    const cmd = `stty cols ${columns} rows ${rows}; exec node ${bin}`;
    this.child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: engineEnv(engine, { TERM: 'xterm-256color' }) });
    this.child.stdout.on('data', (d: Buffer) => {
      this.out += d.toString('utf8');
      for (const l of this.listeners.splice(0)) l();
    });
  }
  get length(): number {
    return this.out.length;
  }
  text(from = 0): string {
    return strip(this.out.slice(from));
  }
  /** Resolves when output after `from` satisfies `pred`. */
  async until(pred: (s: string) => boolean, from = 0, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.text(from))) {
      if (Date.now() > deadline) throw new Error(`timeout; last output: ${this.text(from).slice(-3000)}`);
      await new Promise<void>((r) => {
        this.listeners.push(r);
        setTimeout(r, 100);
      });
    }
  }
  write(key: string): void {
    this.child.stdin.write(key);
  }
  /** Time from writing `key` to the next output chunk. */
  async keyLatency(key: string): Promise<number> {
    const from = this.out.length;
    const t0 = process.hrtime.bigint();
    this.child.stdin.write(key);
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((r, reject) => {
      this.listeners.push(r);
      // A key that draws nothing (the tree not loaded yet) would otherwise measure whatever comes next.
      timer = setTimeout(() => reject(new Error(`no frame within 10 s after ${JSON.stringify(key)}`)), 10_000);
    });
    clearTimeout(timer);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    // Let the frame settle before the next key (Ink throttles at 30 fps: wait out its trailing render).
    await new Promise((r) => setTimeout(r, 120));
    if (this.out.length === from) throw new Error('no frame after the key');
    return ms;
  }
  kill(): void {
    this.child.kill('SIGKILL');
  }
}
