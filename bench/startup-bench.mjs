#!/usr/bin/env node
/**
 * Start-up with and without the bundle's code cache (dist/lastlook.cjs.cache, src/cli/early.ts runBundle):
 * interleaved runs of `lastlook --version` and `lastlook --help`, each once with the cache and once with it moved
 * aside, wall and CPU time (user + sys, from bash's `time`). No engine is reached.
 *
 *   npm run build && node bench/startup-bench.mjs [--runs 20]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const cache = join(root, 'dist/lastlook.cjs.cache');
const aside = `${cache}.bench-aside`;
if (!existsSync(cache)) throw new Error('no dist/lastlook.cjs.cache: run npm run build first');

function once(args) {
  const out = execFileSync(
    'bash',
    [
      '-c',
      'TIMEFORMAT="%R %U %S"; { time node "$0" "$@" >/dev/null 2>&1; } 2>&1',
      join(root, 'bin/lastlook.js'),
      ...args,
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent-home' } },
  );
  const [real, user, sys] = out.trim().split(/\s+/).map(Number);
  return { wall: real * 1000, cpu: (user + sys) * 1000 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 2).join(' / ');

const results = {};
const loadBefore = load();
try {
  for (let i = 0; i < runs; i++) {
    for (const args of [['--version'], ['--help']]) {
      for (const withCache of [true, false]) {
        if (!withCache) renameSync(cache, aside);
        try {
          const r = once(args);
          const key = `${args[0]} ${withCache ? 'with cache' : 'without'}`;
          results[key] ??= { wall: [], cpu: [] };
          results[key].wall.push(r.wall);
          results[key].cpu.push(r.cpu);
        } finally {
          if (!withCache) renameSync(aside, cache);
        }
      }
    }
  }
} finally {
  if (existsSync(aside)) renameSync(aside, cache);
}
console.log(`${runs} interleaved runs each; load average (1 / 5 min) ${loadBefore} → ${load()}; medians:`);
for (const [key, r] of Object.entries(results)) {
  console.log(`  ${key.padEnd(24)} wall ${median(r.wall).toFixed(0)} ms, CPU ${median(r.cpu).toFixed(0)} ms`);
}
