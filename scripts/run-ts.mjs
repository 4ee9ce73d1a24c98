// Runs a TypeScript script (screenshots, benchmarks) by bundling it with esbuild into a temporary ESM file.
// Usage: node scripts/run-ts.mjs path/to/script.ts [args…]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <script.ts> [args…]');
  process.exit(2);
}
// Inside the repository, so that the bundle's bare imports resolve to its node_modules.
const cache = join(dirname(fileURLToPath(import.meta.url)), '..', '.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'run-'));
const out = join(dir, 'script.mjs');
await build({
  entryPoints: [resolve(entry)],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  absWorkingDir: process.cwd(),
});
process.argv = [process.argv[0], resolve(entry), ...rest];
try {
  await import(pathToFileURL(out).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
