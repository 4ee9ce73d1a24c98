/**
 * Explorer benchmarks (issue 5), on a private Docker 26.1.5 engine this script starts and stops:
 *  1. time to the first frame that lists containers, with 200 containers on the engine, next to `docker ps -a`;
 *  2. time from a keypress to the next frame, with 1,000 containers, in the container list and in a change tree
 *     of 100,000 paths (100 keys each: p50, p95, p99), with the load average beside each figure.
 * The binary runs in a real pseudo-terminal (util-linux `script`). Run: npm run build && node scripts/run-ts.mjs bench/ui-bench.ts
 */
import { execFile } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { docker, makeRunRoot, RUN_ROOT_ENV, startEngine, stopEngine, type TestEngine } from '../test/engine/harness.js';
import { Pty } from './pty.js';

const run = promisify(execFile);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * q) - 1)] as number;
}
const KEYS = 100;
/** The 1- and 5-minute load averages: on 2 shared cores the tails follow them. */
const load = () =>
  loadavg()
    .slice(0, 2)
    .map((x) => x.toFixed(1))
    .join(' / ');
const percentiles = (xs: number[]) =>
  `p50 ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, p99 ${quantile(xs, 0.99).toFixed(1)} ms`;

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
  let pty: Pty | null = null;
  const report = (...lines: string[]) => {
    for (const l of lines) console.log(l);
  };
  console.log('| measure | lastlook | reference | load average (1 / 5 min), start → end | target |');
  console.log('|---|---|---|---|---|');
  try {
    await createContainers(engine, 'bench', 200);
    const runs = 11;
    const loadFirst = load();
    const ll: number[] = [];
    const ps: number[] = [];
    for (let i = 0; i < runs; i++) {
      ps.push(await timed(() => docker(engine, ['ps', '-a'])));
      ll.push(await firstFrame(engine, 'bench-0000'));
    }
    // Each figure is printed as soon as it is measured: a later case that fails does not lose it.
    report(
      `| first frame listing containers, 200 containers | ${median(ll).toFixed(0)} ms median (min ${Math.min(...ll).toFixed(0)}) | \`docker ps -a\`: ${median(ps).toFixed(0)} ms | ${loadFirst} → ${load()} | ≤ 250 ms |`,
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
    pty = p;
    await p.until((s) => s.includes('aaa-big'));
    // Under load the engine takes a while to list 100,101 changes (and the sizes follow).
    await p.until((s) => /Changes \(docker diff\): 100,1\d\d paths/.test(s), 0, 300_000);
    const listLat: number[] = [];
    const loadList = load();
    // An even number of keys: the selection ends on aaa-big again. The output from the last key on is searched for
    // its tree: when the explorer still holds it, it is drawn by that key's own frame, and nothing is drawn after.
    let back = p.length;
    for (let i = 0; i < KEYS; i++) {
      back = p.length;
      listLat.push(await p.keyLatency(i % 2 === 0 ? 'j' : 'k'));
    }
    const loadListEnd = load();
    // The selection left aaa-big and came back: wait for its tree (and, if they come within two minutes, its sizes)
    // so that the keys below move in a 100,101-path tree, not in "loading…".
    await p.until((s) => /Changes \(docker diff\): 100,1\d\d paths/.test(s), back, 300_000);
    await p.until((s) => /Changes \(docker diff\): 100,1\d\d paths, /.test(s), back, 120_000).catch(() => {});
    await new Promise((r) => setTimeout(r, 1000));
    // Focus the change tree (tab twice: list → mounts → changes) and move through it.
    await p.keyLatency('\t');
    await p.keyLatency('\t');
    const treeLat: number[] = [];
    const loadTree = load();
    for (let i = 0; i < KEYS; i++) treeLat.push(await p.keyLatency('j'));
    p.kill();
    report(
      `| keypress → next frame, container list, 1,000 containers (${KEYS} keys) | ${percentiles(listLat)} | | ${loadList} → ${loadListEnd} | p95 ≤ 50 ms |`,
      `| keypress → next frame, change tree of 100,101 paths (${KEYS} keys) | ${percentiles(treeLat)} | | ${loadTree} → ${load()} | p95 ≤ 50 ms |`,
    );
  } finally {
    pty?.kill();
    await stopEngine(engine);
  }
  const node = (await run('node', ['--version'])).stdout.trim();
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${node}`,
  );
}

await main();
