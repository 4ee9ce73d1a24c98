#!/usr/bin/env node
// The CLI and all its dependencies are one bundled file, dist/lastlook.cjs, made by `npm run build` (which
// `npm install` in a clone and `npm pack` run by themselves).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const bundle = new URL('../dist/lastlook.cjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    'lastlook: dist/lastlook.cjs is missing: this is a source checkout that was not built.\n' +
      '  Run npm run build (npm install runs it, unless scripts are ignored), then run lastlook again.\n',
  );
  process.exit(2);
}
// The first engine reads of a prune plan or the explorer (a unix socket), or the ssh session (ssh://), start here,
// while Node compiles the bundle (src/cli/early.ts).
// It then runs the bundle with the code cache the build made (dist/lastlook.cjs.cache), if that cache fits.
const early = new URL('../dist/early.cjs', import.meta.url);
if (existsSync(early)) {
  const { start } = require(fileURLToPath(early));
  start(process.argv.slice(2), process.env, fileURLToPath(bundle));
} else require(fileURLToPath(bundle));
