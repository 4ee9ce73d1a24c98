/**
 * Drives the real lastlook binary in a real terminal: a private tmux server (own socket, so the user's tmux is
 * never touched), send-keys to type, capture-pane to read the screen.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../engine/harness.js';

export const KEYS = {
  down: 'Down',
  up: 'Up',
  enter: 'Enter',
  escape: 'Escape',
  tab: 'Tab',
  ctrlC: 'C-c',
} as const;

export class TmuxSession {
  readonly socket = `ll-${randomBytes(4).toString('hex')}`;
  private readonly exitFile = join(tmpdir(), `${this.socket}.exit`);
  readonly name = 'll';
  private alive = false;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {}

  private tmux(args: readonly string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /**
   * Starts `command` (argv) in a fresh session of the given size, with `env` as its only environment.
   * `rawLog`: every byte the program writes to the terminal is appended to that file (tmux pipe-pane), and OSC 52
   * is allowed to set tmux's paste buffers (set-clipboard on), so a test can see what would have reached a real
   * terminal. Both are set in the same tmux command as the session, before the server reads any output.
   */
  start(argv: readonly string[], env: Record<string, string | undefined>, opts: { rawLog?: string } = {}): void {
    const envArgs = Object.entries({ ...env, TERM: 'xterm-256color' })
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // `env -i …`: the program sees only the environment we give it (no inherited DOCKER_HOST). Its exit status
    // goes to a file: tmux 3.3's #{pane_dead_status} is sometimes empty for a process that exited normally.
    const cmd = `env -i ${envArgs.map(shellQuote).join(' ')} ${argv.map(shellQuote).join(' ')}; echo $? > ${shellQuote(this.exitFile)}`;
    const session = ['new-session', '-d', '-s', this.name, '-x', String(this.columns), '-y', String(this.rows), cmd];
    if (opts.rawLog) {
      this.tmux([
        ...['start-server', ';', 'set-option', '-s', 'set-clipboard', 'on', ';'],
        ...[...session, ';', 'pipe-pane', '-o', '-t', this.name, `cat >> ${shellQuote(opts.rawLog)}`],
      ]);
    } else this.tmux(session);
    this.tmux(['set-option', '-t', this.name, 'remain-on-exit', 'on']);
    this.alive = true;
  }

  /** One key (a tmux key name like `Down`, or literal text with `literal`). */
  send(key: string, literal = false): void {
    this.tmux(['send-keys', '-t', this.name, ...(literal ? ['-l', key] : [key])]);
  }

  type(text: string): void {
    this.send(text, true);
  }

  /** The screen as plain text, or with escape sequences (for screenshots). */
  /** The scrollback and the screen, wrapped lines joined: for text printed after the app left its screen. */
  captureAll(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', this.name]);
  }

  capture(withEscapes = false): string {
    return this.tmux(['capture-pane', '-p', '-t', this.name, ...(withEscapes ? ['-e'] : [])]);
  }

  /** The program's exit status once it has exited, else null. */
  exitStatus(): number | null {
    if (!existsSync(this.exitFile)) return null;
    const text = readFileSync(this.exitFile, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  }

  /**
   * Polls the screen until `predicate` holds on two captures in a row (20 ms apart); fails with the last screen
   * after `timeoutMs`. tmux can be captured while it is still drawing a frame: erased below some line, its
   * selection or a title not yet written, which a predicate like "the preview is gone" or "no row selected" takes
   * for a new state. The frame after it is whole.
   */
  async waitFor(predicate: (screen: string) => boolean, timeoutMs = 20_000, what = 'screen'): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.capture();
      if (predicate(screen)) {
        await new Promise((r) => setTimeout(r, 20));
        screen = this.capture();
        if (predicate(screen)) return screen;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last screen:\n${screen}`);
  }

  async waitForText(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
    return this.waitFor((s) => (typeof text === 'string' ? s.includes(text) : text.test(s)), timeoutMs, String(text));
  }

  /** The pane's title (what OSC 0/2 would set) and the names of tmux's paste buffers (what OSC 52 would fill). */
  titleAndBuffers(): { title: string; buffers: string[] } {
    const title = this.tmux(['display-message', '-p', '-t', this.name, '#{pane_title}']).trim();
    const buffers = this.tmux(['list-buffers', '-F', '#{buffer_name}']).split('\n').filter(Boolean);
    return { title, buffers };
  }

  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    rmSync(this.exitFile, { force: true });
    try {
      this.tmux(['kill-server']);
    } catch {
      // Already gone (the program exited and the server stopped with it).
    }
  }
}

export const lastlookBin = join(repoRoot, 'bin/lastlook.js');
