// Bundles the CLI into one ESM file: a bundled Ink + dockerode app reaches its first frame about twice as fast
// as the unbundled module graph. Ink's optional devtools import is aliased to an empty module.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stub = join(root, 'dist/.stub-devtools.js');
mkdirSync(dirname(stub), { recursive: true });
writeFileSync(stub, 'export default undefined;\n');

await build({
  entryPoints: [join(root, 'src/cli/bin.ts')],
  outfile: join(root, 'dist/cli.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'react-devtools-core': stub },
  // ssh2's optional native helpers: loaded in a try/catch by ssh2 itself.
  external: ['cpu-features', '*.node'],
  define: { 'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"' },
  banner: {
    // CommonJS dependencies (dockerode, ssh2) call require(); give the ESM bundle one.
    js: [
      "import { createRequire as __llCreateRequire } from 'node:module';",
      "import { fileURLToPath as __llFileURLToPath } from 'node:url';",
      "import { dirname as __llDirname } from 'node:path';",
      'const require = __llCreateRequire(import.meta.url);',
      'const __filename = __llFileURLToPath(import.meta.url);',
      'const __dirname = __llDirname(__filename);',
    ].join(' '),
  },
});
