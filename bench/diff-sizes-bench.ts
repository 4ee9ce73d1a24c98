/**
 * Diff sizes that cost what changed (issue 11), on a private Docker 26.1.5 engine this script starts and stops:
 *  1. `lastlook diff --json` of the same 6 changes in a container of busybox (~1 MB) and of a ≥ 500 MB image
 *     (busybox plus incompressible files, made with `docker import`: no registry), next to `docker diff` and the
 *     raw `GET /export` of each (what the sizes cost before);
 *  2. in the explorer, in a real pseudo-terminal (util-linux `script`): time from the key that selects the big
 *     container to the frame that shows its first size;
 *  3. the crossover: N changed files read by path and by export, on both images.
 * Run: npm run build && node scripts/run-ts.mjs bench/diff-sizes-bench.ts [--runs 7] [--mb 600]
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveConnection } from '../src/docker/connection.js';
import { connect } from '../src/docker/dockerode-adapter.js';
import { changedSizes, readChangeSizes } from '../src/docker/filesystem.js';
import {
  cliPath,
  docker,
  engineEnv,
  makeRunRoot,
  RUN_ROOT_ENV,
  repoRoot,
  startEngine,
  stopEngine,
  type TestEngine,
} from '../test/engine/harness.js';
import { Pty } from './pty.js';

const run = promisify(execFile);
const bin = join(repoRoot, 'bin/lastlook.js');
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : dflt;
};
const RUNS = Number(arg('runs', '7'));
const MB = Number(arg('mb', '600'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const load = () => loadavg()[0]?.toFixed(2);

// The same 6 changes in both containers: 2 added files, /etc + /etc/passwd changed, an added directory and file
// (of another size in each container, so that the explorer's frame tells whose sizes it shows).
const SIZE: Record<string, number> = { 'bench-a-small': 123457, 'bench-b-big': 234567 };
const script = (name: string) =>
  `printf 1 >/a; printf 22 >/b; echo x >>/etc/passwd; mkdir /w; head -c ${SIZE[name]} /dev/zero >/w/c`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** busybox plus `mb` MB of random files, imported as `bench/big:1`. */
function bigImage(engine: TestEngine, busyboxTar: string): void {
  const dir = mkdtempSync(join(engine.dir, 'big-'));
  try {
    execFileSync('tar', ['-xf', busyboxTar, '-C', dir]);
    mkdirSync(join(dir, 'blob'));
    for (let i = 0; i < MB / 20; i++) {
      writeFileSync(
        join(dir, 'blob', `f${i}`),
        execFileSync('head', ['-c', String(20 * 2 ** 20), '/dev/urandom'], { maxBuffer: 1 << 26 }),
      );
    }
    const tar = execFileSync('tar', ['-C', dir, '-c', '.'], { maxBuffer: 2 ** 31 - 1 });
    execFileSync(cliPath(engine.kind), ['-H', engine.host, 'import', '-c', 'CMD ["/bin/sh"]', '-', 'bench/big:1'], {
      env: engineEnv(engine) as NodeJS.ProcessEnv,
      input: tar,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function lastlookDiff(engine: TestEngine, name: string): Promise<string> {
  const r = await run(process.execPath, [bin, '--host', engine.host, 'diff', name, '--json'], {
    env: engineEnv(engine) as NodeJS.ProcessEnv,
    maxBuffer: 1 << 28,
  });
  return r.stdout;
}

async function rawExport(engine: TestEngine, name: string): Promise<void> {
  const sock = engine.host.replace(/^unix:\/\//, '');
  await run('curl', ['-sf', '--unix-socket', sock, '-o', '/dev/null', `http://x/containers/${name}/export`]);
}

/** Selects the big container from the small one: ms to the frame with its first size (`235 kB`). */
async function explorerFirstSizes(engine: TestEngine): Promise<number> {
  const p = new Pty(engine, 140, 40);
  try {
    // The list is sorted by name: bench-a-small is selected first; wait until its sizes are shown.
    await p.until((s) => s.includes('bench-a-small') && s.includes('123 kB'), 60_000, "bench-a-small's sizes");
    await new Promise((r) => setTimeout(r, 500));
    // The big container's `/w/c` row of the change pane with its size (the list also shows `235 kB`, the
    // container's writable layer: matching that alone ended the wait at once, 0-2 ms, in a run of 2026-11-28).
    const bigRow = /\bA +c +235 kB/;
    if (bigRow.test(p.screen())) throw new Error(`the big container's row is on screen before the key:\n${p.screen()}`);
    const t0 = process.hrtime.bigint();
    p.write('j');
    await p.until((s) => bigRow.test(s), 60_000, "the big container's first size");
    return Number(process.hrtime.bigint() - t0) / 1e6;
  } finally {
    p.kill();
  }
}

/**
 * Where per-path reads stop paying: N added files at the top level (N stats, no subtree to archive), read by
 * path (requestLimit lifted) and by export, in a busybox container and in one of the big image.
 */
async function crossover(engine: TestEngine): Promise<void> {
  const N = 4000;
  const port = connect(resolveConnection({ host: engine.host, env: {} }));
  const make = `i=0; while [ $i -lt ${N} ]; do printf x >/f$i; i=$((i+1)); done`;
  for (const [name, image] of [
    ['many-small', engine.image],
    ['many-big', 'bench/big:1'],
  ] as const) {
    await docker(engine, ['run', '--name', name, image, 'sh', '-c', make]);
    const info = await port.inspectContainer(name);
    const all = await port.containerChanges(info.id);
    // Without a layer directory the reads go through the engine, as on an engine whose layer lastlook cannot read.
    const target = { id: info.id, started: true, mounts: info.mounts };
    for (const n of [10, 100, 500, 1000, 2000, 4000]) {
      const changes = all.filter((c) => c.path.startsWith('/f')).slice(0, n);
      const byPath: number[] = [];
      const byExport: number[] = [];
      const byLayer: number[] = [];
      for (let i = 0; i < 3; i++) {
        byPath.push(
          await timed(() => readChangeSizes(port, target, changes, { requestLimit: Number.POSITIVE_INFINITY })),
        );
        byExport.push(await timed(() => changedSizes(port, info.id, changes)));
        byLayer.push(await timed(() => readChangeSizes(port, { ...target, layerDir: info.spec?.layerDir }, changes)));
      }
      console.log(
        `crossover ${name} (load ${load()}): ${n} paths: by path ${median(byPath).toFixed(0)} ms, by export ${median(byExport).toFixed(0)} ms, from the layer ${median(byLayer).toFixed(0)} ms`,
      );
    }
  }
  port.close?.();
}

async function main(): Promise<void> {
  process.env[RUN_ROOT_ENV] = makeRunRoot();
  const engine = await startEngine('modern');
  try {
    const busyboxTar = execFileSync('bash', [join(repoRoot, 'scripts/busybox-rootfs.sh')], { encoding: 'utf8' }).trim();
    const t = Date.now();
    bigImage(engine, busyboxTar);
    const size = JSON.parse(await docker(engine, ['image', 'inspect', 'bench/big:1', '--format', '{{json .Size}}']));
    console.log(`bench/big:1 is ${(size / 1e6).toFixed(0)} MB, made in ${Date.now() - t} ms`);
    await docker(engine, ['run', '--name', 'bench-b-big', 'bench/big:1', 'sh', '-c', script('bench-b-big')]);
    await docker(engine, ['run', '--name', 'bench-a-small', engine.image, 'sh', '-c', script('bench-a-small')]);
    const diffs = (await docker(engine, ['diff', 'bench-b-big'])).trim().split('\n');
    console.log(`changes of each: ${diffs.join(', ')}`);
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; engine ${engine.version}`,
    );
    const rows: Record<string, number[]> = {};
    const add = (k: string, v: number) => {
      rows[k] ??= [];
      rows[k].push(v);
    };
    for (let i = 0; i < RUNS; i++) {
      const l0 = load();
      for (const name of ['bench-a-small', 'bench-b-big']) {
        add(`docker diff ${name}`, await timed(() => docker(engine, ['diff', name])));
        let out = '';
        add(
          `lastlook ${name}`,
          await timed(async () => {
            out = await lastlookDiff(engine, name);
          }),
        );
        const j = JSON.parse(out);
        if (
          j.summary.bytes !==
          (SIZE[name] as number) + 1 + 2 + j.entries.find((e: { path: string }) => e.path === '/etc/passwd').size
        )
          throw new Error(`unexpected sizes: ${JSON.stringify(j.summary)}`);
        add(`method ${name} ${j.sizes}`, 1);
        add(`raw export ${name}`, await timed(() => rawExport(engine, name)));
      }
      console.log(
        `run ${i + 1} (load ${l0}): ${Object.entries(rows)
          .filter(([k]) => !k.startsWith('method'))
          .map(([k, v]) => `${k} ${(v.at(-1) as number).toFixed(0)} ms`)
          .join(' · ')}`,
      );
    }
    const s = median(rows['lastlook bench-a-small'] as number[]);
    const b = median(rows['lastlook bench-b-big'] as number[]);
    console.log(
      `median (load ${load()}): lastlook diff --json busybox ${s.toFixed(0)} ms, ${(size / 1e6).toFixed(0)} MB image ${b.toFixed(0)} ms = ${(b / s).toFixed(2)}× (target ≤ 1.3×); ` +
        `docker diff ${median(rows['docker diff bench-b-big'] as number[]).toFixed(0)} ms; raw export ${median(rows['raw export bench-a-small'] as number[]).toFixed(0)} / ${median(rows['raw export bench-b-big'] as number[]).toFixed(0)} ms; ` +
        `methods: ${Object.keys(rows)
          .filter((k) => k.startsWith('method'))
          .join(', ')}`,
    );
    const sizes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const l0 = load();
      sizes.push(await explorerFirstSizes(engine));
      console.log(
        `explorer run ${i + 1} (load ${l0}): selection → first size ${(sizes.at(-1) as number).toFixed(0)} ms`,
      );
    }
    console.log(
      `explorer median (load ${load()}): selection of the ${(size / 1e6).toFixed(0)} MB image's container → first size ${median(sizes).toFixed(0)} ms (target ≤ 300 ms)`,
    );
    await crossover(engine);
    process.exitCode = b <= 1.3 * s && median(sizes) <= 300 ? 0 : 1;
  } finally {
    await stopEngine(engine);
  }
}

await main();
