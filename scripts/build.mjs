// Bundles the CLI into one ESM file: a bundled Ink + dockerode app reaches its first frame about twice as fast
// as the unbundled module graph. Ink's optional devtools import is aliased to an empty module.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist/chunks'), { recursive: true, force: true });
const stub = join(root, 'dist/.stub-devtools.js');
mkdirSync(dirname(stub), { recursive: true });
writeFileSync(stub, 'export default undefined;\n');
// dockerode loads gRPC and protobufjs at import time, for BuildKit sessions only; lastlook never builds images.
// Aliasing them to a stub saves a large part of start-up (they would otherwise be compiled on every run).
const grpcStub = join(root, 'dist/.stub-grpc.cjs');
writeFileSync(
  grpcStub,
  "module.exports = new Proxy({}, { get(_, k) { if (k === '__esModule') return false; throw new Error('gRPC is not bundled with lastlook (BuildKit sessions are not used)'); } });\n",
);

// ssh:// runs the user's own ssh (src/docker/ssh-transport.ts); docker-modem's ssh2 path is never taken, yet the
// modem requires ssh2 at load: a stand-in keeps it out of the bundle.
const noSsh2 = join(root, 'dist/.stub-ssh2.cjs');
writeFileSync(
  noSsh2,
  "module.exports = { Client: function Client() { throw new Error('ssh2 is not bundled: lastlook runs the ssh command'); } };\n",
);

await build({
  entryPoints: { cli: join(root, 'src/cli/bin.ts') },
  outdir: join(root, 'dist'),
  // Subcommands are loaded on demand (src/cli/commands/index.ts): `plan` and `--help` never load Ink and React.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minifyWhitespace: true,
  minifySyntax: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'react-devtools-core': stub, '@grpc/grpc-js': grpcStub, '@grpc/proto-loader': grpcStub, ssh2: noSsh2 },
  external: ['cpu-features', '*.node'],
  define: { 'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"' },
  banner: {
    // CommonJS dependencies (dockerode) call require(); give the ESM bundle one.
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
