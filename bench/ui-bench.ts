/**
 * Explorer benchmarks (issues 5, 11), on a private Docker 26.1.5 engine this script starts and stops:
 *  1. time to the first frame that lists containers, with 200 containers on the engine, next to `docker ps -a`;
 *  2. time from a keypress to the next frame, with 1,000 containers, in the container list and in a change tree
 *     of 100,101 paths (100 keys each: p50, p95, p99), with the load average beside each figure.
 * The binary runs in a real pseudo-terminal; waits read the screen a terminal model draws from its output (bench/pty.ts).
 *
 * Run: npm run build && node scripts/run-ts.mjs bench/ui-bench.ts
 * Options (trial runs; the figures in BENCHMARKS.md use the defaults):
 *   --keys N        keys per case (default 100)      --runs N   first-frame runs (default 11)
 *   --only first|keys   one case only
 *   --state FILE    keep the engine and its containers running after the bench and describe it in FILE; a later
 *                   run with the same FILE reuses them (stop it with `bash scripts/engines.sh stop <dir in FILE>`)
 *   --profile DIR   run the binary of the key cases with --cpu-prof into DIR
 *   --gap MS        ms between a key's frame and the next key (default 120; over 200 the selection rests on each row
 *                   of the list and its details load while the next key comes)
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { docker, makeRunRoot, RUN_ROOT_ENV, startEngine, stopEngine, type TestEngine } from '../test/engine/harness.js';
import { Pty } from './pty.js';

const run = promisify(execFile);
const { values: opt } = parseArgs({
  options: {
    keys: { type: 'string', default: '100' },
    runs: { type: 'string', default: '11' },
    only: { type: 'string' },
    state: { type: 'string' },
    profile: { type: 'string' },
    gap: { type: 'string', default: '120' },
  },
});
const KEYS = Number(opt.keys);
const RUNS = Number(opt.runs);
/** ms from a key's first output byte to the next key. */
const GAP = Number(opt.gap);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * q) - 1)] as number;
}
/** The 1- and 5-minute load averages: on 2 shared cores the tails follow them. */
const load = () =>
  loadavg()
    .slice(0, 2)
    .map((x) => x.toFixed(1))
    .join(' / ');
const percentiles = (xs: number[]) =>
  `p50 ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, p99 ${quantile(xs, 0.99).toFixed(1)} ms`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The change pane's title once aaa-big's 100,101 changes are in (with `, <size>` once the sizes are). */
const TREE = /Changes \(docker diff\): 100,101 paths/;
const SIZED = /Changes \(docker diff\): 100,101 paths, /;

async function containerCount(engine: TestEngine): Promise<number> {
  const out = await docker(engine, ['ps', '-aq']);
  return out.split('\n').filter(Boolean).length;
}

/** Creates containers `${tag}-0000`… up to `n` of them (those that exist already are kept). */
async function createContainers(engine: TestEngine, tag: string, n: number): Promise<void> {
  const have = new Set((await docker(engine, ['ps', '-a', '--format', '{{.Names}}'])).split('\n'));
  const names = Array.from({ length: n }, (_, i) => `${tag}-${String(i).padStart(4, '0')}`).filter((x) => !have.has(x));
  const batch = 16;
  for (let i = 0; i < names.length; i += batch) {
    await Promise.all(
      names.slice(i, i + batch).map((name) => docker(engine, ['create', '--name', name, engine.image, 'true'])),
    );
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function firstFrame(engine: TestEngine, marker: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const p = new Pty(engine, 120, 40);
  try {
    await p.until((s) => s.includes(marker), 60_000, `the first frame listing ${marker}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  } finally {
    p.kill();
  }
}

async function firstFrameCase(engine: TestEngine, report: (l: string) => void): Promise<void> {
  await createContainers(engine, 'bench', 200);
  const n = await containerCount(engine);
  if (n !== 200) throw new Error(`the first-frame case needs exactly 200 containers; the engine has ${n}`);
  const loadFirst = load();
  const ll: number[] = [];
  const ps: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ps.push(await timed(() => docker(engine, ['ps', '-a'])));
    ll.push(await firstFrame(engine, 'bench-0000'));
  }
  report(
    `| first frame listing containers, 200 containers (${RUNS} runs) | ${median(ll).toFixed(0)} ms median (min ${Math.min(...ll).toFixed(0)}, max ${Math.max(...ll).toFixed(0)}) | \`docker ps -a\`: ${median(ps).toFixed(0)} ms | ${loadFirst} → ${load()} | ≤ 250 ms |`,
  );
}

async function keysCase(engine: TestEngine, report: (l: string) => void): Promise<void> {
  await createContainers(engine, 'bench', 200);
  await createContainers(engine, 'more', 800);
  const have = await docker(engine, ['ps', '-a', '--filter', 'name=^aaa-big$', '--format', '{{.Names}}']);
  if (!have.includes('aaa-big')) {
    // One container whose writable layer holds 100,000 new files in 100 new directories under /big.
    await docker(engine, [
      'run',
      '--name',
      'aaa-big',
      engine.image,
      'sh',
      '-c',
      'for d in $(seq 0 99); do mkdir -p /big/d$d; done; seq 0 99999 | awk \'{print "/big/d" int($1/1000) "/f" $1}\' | xargs touch',
    ]);
  }
  const p = new Pty(engine, 120, 40, opt.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(opt.profile)}`] : []);
  try {
    // The list is sorted by name: aaa-big is selected first. Under load the engine takes a while to list 100,101
    // changes; the sizes follow.
    await p.until((s) => s.includes('aaa-big'), 60_000, 'the container list');
    await p.until((s) => TREE.test(s), 300_000, "aaa-big's change tree");
    await p.until((s) => SIZED.test(s), 120_000, "aaa-big's sizes").catch((e) => console.error(String(e)));
    await sleep(1000);
    const listLat: number[] = [];
    const loadList = load();
    // An even number of keys: the selection ends on aaa-big again.
    for (let i = 0; i < KEYS; i++) listLat.push(await p.keyLatency(i % 2 === 0 ? 'j' : 'k', GAP));
    report(
      `| keypress → next frame, container list, 1,000 containers (${KEYS} keys, ${GAP} ms apart) | ${percentiles(listLat)} | | ${loadList} → ${load()} | p95 ≤ 50 ms |`,
    );
    // Back on aaa-big: wait for its tree (and its sizes) so that the keys below move in a 100,101-path tree.
    await p.until((s) => TREE.test(s), 300_000, "aaa-big's change tree after the list keys");
    await p.until((s) => SIZED.test(s), 120_000, "aaa-big's sizes").catch((e) => console.error(String(e)));
    await sleep(1000);
    // Focus the change tree (tab twice: list → mounts → changes) and move through it.
    await p.keyLatency('\t');
    await p.keyLatency('\t');
    const treeLat: number[] = [];
    const loadTree = load();
    for (let i = 0; i < KEYS; i++) treeLat.push(await p.keyLatency('j', GAP));
    report(
      `| keypress → next frame, change tree of 100,101 paths (${KEYS} keys, ${GAP} ms apart) | ${percentiles(treeLat)} | | ${loadTree} → ${load()} | p95 ≤ 50 ms |`,
    );
    if (opt.profile) await p.quit();
  } finally {
    p.kill();
  }
}

interface State {
  root: string;
  engine: TestEngine;
}

async function main(): Promise<void> {
  const stateFile = opt.state ? resolve(opt.state) : null;
  let engine: TestEngine;
  if (stateFile && existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as State;
    process.env[RUN_ROOT_ENV] = state.root;
    engine = state.engine;
    await docker(engine, ['version', '--format', '{{.Server.Version}}']);
    console.error(`reusing the engine in ${engine.dir}: ${await containerCount(engine)} containers`);
  } else {
    process.env[RUN_ROOT_ENV] = makeRunRoot();
    engine = await startEngine('modern');
    if (stateFile) {
      writeFileSync(stateFile, JSON.stringify({ root: dirname(engine.dir), engine } satisfies State));
      console.error(`engine kept in ${engine.dir} (state: ${stateFile})`);
    }
  }
  const report = (l: string) => console.log(l);
  console.log('| measure | lastlook | reference | load average (1 / 5 min), start → end | target |');
  console.log('|---|---|---|---|---|');
  try {
    // Each figure is printed as soon as it is measured: a later case that fails does not lose it.
    if (opt.only !== 'keys') await firstFrameCase(engine, report);
    if (opt.only !== 'first') await keysCase(engine, report);
  } finally {
    if (!stateFile) await stopEngine(engine);
  }
  const node = (await run('node', ['--version'])).stdout.trim();
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${node}, engine ${engine.version}`,
  );
}

await main();
