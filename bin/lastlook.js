#!/usr/bin/env node
// CommonJS (bin/package.json): Node starts a CommonJS entry ~8 ms sooner than an ES module one (no ES module loader
// to set up before the first line runs), and every command, the explorer's first frame included, starts here.
// The CLI and all its dependencies are one bundled file, dist/lastlook.cjs, made by `npm run build` (which
// `npm install` in a clone and `npm pack` run by themselves).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'lastlook.cjs');
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
const early = join(__dirname, '..', 'dist', 'early.cjs');
if (existsSync(early)) require(early).start(process.argv.slice(2), process.env, bundle);
else require(bundle);
