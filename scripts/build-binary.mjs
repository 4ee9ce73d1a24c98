// Builds dist/lastlook-linux-x64: one executable, the running Node binary with dist/lastlook.cjs inside, as a
// Node single executable application (https://nodejs.org/api/single-executable-applications.html). It needs no
// Node, no node_modules and no file beside it; it needs the C libraries that Node itself links (see `ldd`).
//
//   node scripts/build-binary.mjs [--out FILE] [--no-code-cache]
//
// Run `npm run build` first (npm run binary does both).
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inject } from 'postject';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'dist/lastlook-linux-x64') },
    'no-code-cache': { type: 'boolean', default: false },
  },
});
// The fuse Node's SEA support looks for (documented with postject in the page above).
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error(
    `build-binary: this builds the Linux x86-64 executable; this Node is ${process.platform}-${process.arch}`,
  );
}
const script = join(root, 'dist/lastlook.cjs');
if (!existsSync(script)) throw new Error('build-binary: dist/lastlook.cjs is missing: run npm run build first');
if (!readFileSync(process.execPath).includes(FUSE)) {
  throw new Error(`build-binary: ${process.execPath} has no single-executable support (no ${FUSE})`);
}

const work = mkdtempSync(join(tmpdir(), 'lastlook-sea-'));
try {
  const blob = join(work, 'sea.blob');
  const config = join(work, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      main: script,
      output: blob,
      disableExperimentalSEAWarning: true,
      // V8's compiled code goes into the executable: start-up skips most of the parse (see BENCHMARKS.md).
      useCodeCache: !values['no-code-cache'],
    }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const out = resolve(values.out);
  const tmp = `${out}.tmp`;
  copyFileSync(process.execPath, tmp);
  chmodSync(tmp, 0o755);
  // postject's ELF library warns once per note section of Node's binary that it has no name for: harmless noise.
  const warn = console.warn;
  console.warn = (...args) => {
    if (!/^warning: Can't find string offset for section name/.test(String(args[0]))) warn(...args);
  };
  try {
    await inject(tmp, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: FUSE });
  } finally {
    console.warn = warn;
  }
  renameSync(tmp, out);
  process.stdout.write(`${out}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
