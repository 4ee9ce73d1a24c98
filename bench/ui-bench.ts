/**
 * Explorer benchmarks (issue 5), on a private Docker 26.1.5 engine this script starts and stops:
 *  1. time to the first frame that lists containers, with 200 containers on the engine, next to `docker ps -a`;
 *  2. time from a keypress to the next frame, with 1,000 containers, in the container list and in a change tree
 *     of 100,000 paths.
 * The binary runs in a real pseudo-terminal (util-linux `script`). Run: npm run build && node scripts/run-ts.mjs bench/ui-bench.ts
 */
import { execFile, spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  docker,
  engineEnv,
  makeRunRoot,
  RUN_ROOT_ENV,
  repoRoot,
  startEngine,
  stopEngine,
  type TestEngine,
} from '../test/engine/harness.js';

const run = promisify(execFile);
const bin = join(repoRoot, 'bin/lastlook.js');
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escape sequences
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] as number;
}

async function createContainers(engine: TestEngine, tag: string, n: number): Promise<void> {
  const batch = 16;
  for (let i = 0; i < n; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, (_, j) =>
        docker(engine, ['create', '--name', `${tag}-${String(i + j).padStart(4, '0')}`, engine.image, 'true']),
      ),
    );
  }
}

/** A lastlook process in a pty; resolves output waits by polling its accumulated screen output. */
class Pty {
  private out = '';
  private readonly child;
  private listeners: (() => void)[] = [];
  constructor(engine: TestEngine, columns: number, rows: number) {
    const cmd = `stty cols ${columns} rows ${rows}; exec node ${bin} --host ${engine.host}`;
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
      if (Date.now() > deadline) throw new Error(`timeout; last output: ${this.text(from).slice(-2000)}`);
      await new Promise<void>((r) => {
        this.listeners.push(r);
        setTimeout(r, 200);
      });
    }
  }
  /** Time from writing `key` to the next output chunk. */
  async keyLatency(key: string): Promise<number> {
    const from = this.out.length;
    const t0 = process.hrtime.bigint();
    this.child.stdin.write(key);
    await new Promise<void>((r) => this.listeners.push(r));
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

async function firstFrame(engine: TestEngine, marker: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const p = new Pty(engine, 120, 40);
  await p.until((s) => s.includes(marker));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  p.kill();
  return ms;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main(): Promise<void> {
  process.env[RUN_ROOT_ENV] = makeRunRoot();
  const engine = await startEngine('modern');
  const lines: string[] = [];
  try {
    await createContainers(engine, 'bench', 200);
    const runs = 7;
    const ll: number[] = [];
    const ps: number[] = [];
    for (let i = 0; i < runs; i++) {
      ps.push(await timed(() => docker(engine, ['ps', '-a'])));
      ll.push(await firstFrame(engine, 'bench-0000'));
    }
    lines.push(
      `| first frame listing containers, 200 containers | ${median(ll).toFixed(0)} ms (min ${Math.min(...ll).toFixed(0)}) | \`docker ps -a\`: ${median(ps).toFixed(0)} ms | ≤ 350 ms |`,
    );

    await createContainers(engine, 'more', 800);
    // One container whose writable layer holds 100,000 new files (busybox xargs touch, in batches).
    await docker(engine, [
      'run',
      '--name',
      'aaa-big',
      engine.image,
      'sh',
      '-c',
      'for d in $(seq 0 99); do mkdir -p /big/d$d; done; seq 0 99999 | awk \'{print "/big/d" int($1/1000) "/f" $1}\' | xargs touch',
    ]);
    const p = new Pty(engine, 120, 40);
    await p.until((s) => s.includes('aaa-big'));
    await p.until((s) => /Changes \(docker diff\): 100,1\d\d paths/.test(s));
    const listLat: number[] = [];
    for (let i = 0; i < 20; i++) listLat.push(await p.keyLatency(i % 2 === 0 ? 'j' : 'k'));
    // Focus the change tree (tab twice: list → mounts → changes) and move through it.
    await p.keyLatency('\t');
    await p.keyLatency('\t');
    const treeLat: number[] = [];
    for (let i = 0; i < 20; i++) treeLat.push(await p.keyLatency('j'));
    p.kill();
    lines.push(
      `| keypress → next frame, container list, 1,000 containers | median ${median(listLat).toFixed(1)} ms, p95 ${p95(listLat).toFixed(1)} ms | | ≤ 50 ms |`,
      `| keypress → next frame, change tree of 100,100 paths | median ${median(treeLat).toFixed(1)} ms, p95 ${p95(treeLat).toFixed(1)} ms | | ≤ 50 ms |`,
    );
  } finally {
    await stopEngine(engine);
  }
  const node = (await run('node', ['--version'])).stdout.trim();
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${node}`,
  );
  console.log('| measure | lastlook | reference | target |');
  console.log('|---|---|---|---|');
  for (const l of lines) console.log(l);
}

await main();
