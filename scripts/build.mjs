// Bundles the CLI and every dependency into one CommonJS file, dist/lastlook.cjs. The npm package ships only that
// file (it has no runtime dependencies), and the same file is the script of the single executable (Node's single
// executable applications run one CommonJS script, with no files beside it) and of the image.
//
// What the dependencies would otherwise load from disk at run time is made part of the bundle here:
// - Ink and yoga-layout use top-level await (Ink only in development, yoga to compile its WebAssembly); a CommonJS
//   file cannot. Yoga's WebAssembly (inlined in its package as base64) is compiled synchronously instead, on
//   first use, and Ink's development-only awaits are removed.
// - dockerode's gRPC (BuildKit sessions, never used here), docker-modem's ssh2 (lastlook runs the user's ssh),
//   debug's optional supports-color and Ink's react-devtools-core are replaced by stand-ins.
// Subcommands are reached through import(): in this bundle they are evaluated only when called, so `plan` and
// `--help` still never evaluate Ink and React.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

// `npm pack` and `npm publish` run prepack and then prepare: build once.
if (process.env.npm_lifecycle_event === 'prepare' && ['pack', 'publish'].includes(process.env.npm_command ?? '')) {
  process.exit(0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const yogaDir = join(root, 'node_modules/yoga-layout/dist');
const requireHere = createRequire(join(root, 'package.json'));

/** Replaces `from` by `to` in `text`, failing the build when `from` is no longer there (a dependency changed). */
/** An ES module's text with src/core/graphemes.ts's segmenter imported as `lastlookGraphemeSegmenter`. */
function withGraphemes(text) {
  const from = JSON.stringify(join(root, 'src/core/graphemes.ts'));
  return `import { graphemeSegmenter as lastlookGraphemeSegmenter } from ${from};\n${text}`;
}

/** The file at `path` with each `[from, to]` replaced once, in order (each must be there), as an esbuild load result. */
function patched(path, replacements) {
  let contents = readFileSync(path, 'utf8');
  for (const [from, to] of replacements) contents = replaceOnce(contents, from, to, path);
  return { contents, loader: 'js' };
}

function replaceOnce(text, from, to, file) {
  if (!text.includes(from)) throw new Error(`build: ${file} no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

const virtual = {
  // Ink imports it only when DEV=true, which the bundle never sets.
  'react-devtools-core': 'export default undefined;',
  '@grpc/grpc-js': 'module.exports = require("lastlook:grpc-stub");',
  '@grpc/proto-loader': 'module.exports = require("lastlook:grpc-stub");',
  'lastlook:grpc-stub':
    "module.exports = new Proxy({}, { get(_, k) { if (k === '__esModule') return false; throw new Error('gRPC is not bundled with lastlook (BuildKit sessions are not used)'); } });",
  // debug's optional colour detection (debug falls back to its basic colours).
  'supports-color': 'module.exports = {};',
  // ssh:// runs the user's own ssh (src/docker/ssh-transport.ts); docker-modem's ssh2 path is never taken, yet the
  // modem requires ssh2 at load: a stand-in keeps it (and its optional native addons) out of the bundle.
  ssh2: "module.exports = { Client: function Client() { throw new Error('ssh2 is not bundled: lastlook runs the ssh command'); } };",
  // yoga-layout's entry awaits its WebAssembly; this one instantiates it synchronously when Ink first loads.
  'yoga-layout': [
    `import loadYogaImpl, { lastlookWasmUri } from ${JSON.stringify(join(yogaDir, 'binaries/yoga-wasm-base64-esm.js'))};`,
    `import wrapAssembly from ${JSON.stringify(join(yogaDir, 'src/wrapAssembly.js'))};`,
    "const wasm = new WebAssembly.Module(Buffer.from(lastlookWasmUri.slice(lastlookWasmUri.indexOf(',') + 1), 'base64'));",
    'const emscripten = {',
    '  instantiateWasm(imports, done) { const instance = new WebAssembly.Instance(wasm, imports); done(instance); return instance.exports; },',
    '};',
    'loadYogaImpl(emscripten);',
    "if (!emscripten.calledRun) throw new Error('yoga-layout did not initialise synchronously');",
    'export default wrapAssembly(emscripten);',
    `export * from ${JSON.stringify(join(yogaDir, 'src/generated/YGEnums.js'))};`,
  ].join('\n'),
};

/** @type {import('esbuild').Plugin} */
const bundleEverything = {
  name: 'lastlook-bundle',
  setup(b) {
    const replaced = /^(react-devtools-core|@grpc\/grpc-js|@grpc\/proto-loader|supports-color|ssh2|yoga-layout)$/;
    b.onResolve({ filter: replaced }, (args) => ({ path: args.path, namespace: 'lastlook' }));
    // React and its JSX runtime are CommonJS: esbuild gives every ES module that imports them a copy of their
    // exports of its own (__toESM, one getter per export: 65 importers, ~2,600 getters, ~4 ms of the explorer's
    // first frame). ES imports of them go to one ES facade each instead, made from the package's own export names
    // here; require() calls (react-reconciler's) still get the package itself.
    b.onResolve({ filter: /^react(\/jsx-runtime)?$/ }, (args) =>
      args.kind === 'import-statement' || args.kind === 'dynamic-import'
        ? { path: args.path, namespace: 'lastlook-esm' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lastlook-esm' }, (args) => {
      const names = Object.keys(requireHere(args.path)).filter((n) => n !== 'default');
      // A require() call is not redirected (above): it resolves as every other `require('react')` does, one React
      // in the bundle, named by its path in node_modules (never by this machine's).
      const contents = [
        `const m = require(${JSON.stringify(args.path)});`,
        ...names.map((n) => `export const ${n} = m.${n};`),
        'export default m;',
      ].join('\n');
      return { contents, loader: 'js', resolveDir: root };
    });
    b.onResolve({ filter: /^lastlook:/ }, (args) => ({
      path: args.path.slice('lastlook:'.length),
      namespace: 'lastlook',
    }));
    b.onLoad({ filter: /.*/, namespace: 'lastlook' }, (args) => {
      const contents = virtual[args.path] ?? virtual[`lastlook:${args.path}`];
      if (contents === undefined) throw new Error(`build: no stand-in for ${args.path}`);
      return { contents, loader: 'js', resolveDir: root };
    });
    b.onLoad({ filter: /yoga-wasm-base64-esm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const m = /H="(data:application\/octet-stream;base64,[A-Za-z0-9+/=]+)"/.exec(text);
      if (!m) throw new Error(`build: ${args.path} no longer inlines its WebAssembly as H="data:…"`);
      const contents = `export const lastlookWasmUri = ${JSON.stringify(m[1])};\n${text.replace(m[0], 'H=lastlookWasmUri')}`;
      return { contents, loader: 'js' };
    });
    // Ink builds every frame from scratch: each line is tokenised into styled characters and measured, with caches
    // that live for one frame only, and every cell of the screen gets a new blank object. A key moves a cursor, so
    // most of a frame's lines are the previous frame's: the caches now keep the previous frame's entries and rows (two
    // generations, so they stay bounded), and blank cells share one object (cells are replaced, never mutated).
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      text = replaceOnce(
        text,
        'class OutputCaches {\n',
        [
          'let lastlookPreviousCaches;',
          'const lastlookBlank = Object.freeze({ type: "char", value: " ", fullWidth: false, styles: Object.freeze([]) });',
          'class OutputCaches {',
          '    constructor() {',
          '        this.previous = lastlookPreviousCaches;',
          '        if (this.previous) this.previous.previous = undefined;',
          '        lastlookPreviousCaches = this;',
          '    }',
          '    lookup(name, key) {',
          '        let value = this[name].get(key);',
          '        if (value === undefined && this.previous) {',
          '            value = this.previous[name].get(key);',
          '            if (value !== undefined) this[name].set(key, value);',
          '        }',
          '        return value;',
          '    }',
          '',
        ].join('\n'),
        args.path,
      );
      text = replaceOnce(text, 'this.styledChars.get(line)', "this.lookup('styledChars', line)", args.path);
      text = replaceOnce(text, 'this.widths.get(text)', "this.lookup('widths', text)", args.path);
      text = replaceOnce(text, 'this.blockWidths.get(text)', "this.lookup('blockWidths', text)", args.path);
      text = replaceOnce(
        text,
        `row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });`,
        'row.push(lastlookBlank);',
        args.path,
      );
      // A row made of the very same characters as the previous frame's row at that height is the same string.
      text = replaceOnce(
        text,
        `            return styledCharsToString(lineWithoutEmptyItems).trimEnd();
        })`,
        [
          '            const previous = this.caches.previous?.rows?.[y];',
          '            const same = previous !== undefined && previous.chars.length === lineWithoutEmptyItems.length &&',
          '                previous.chars.every((c, i) => c === lineWithoutEmptyItems[i]);',
          '            const string = same ? previous.string : lastlookCharsToString(lineWithoutEmptyItems).trimEnd();',
          '            (this.caches.rows ??= [])[y] = { chars: lineWithoutEmptyItems, string };',
          '            return string;',
          '        })',
        ].join('\n'),
        args.path,
      );
      // styledCharsToString diffs the styles of every pair of neighbouring characters (two Sets and two arrays per
      // character): runs of characters with the same styles (nearly every character) need no diff, and the string
      // is the same (diffAnsiCodes of equal styles is empty).
      text = replaceOnce(
        text,
        "import { styledCharsFromTokens, styledCharsToString, tokenize, } from '@alcalzone/ansi-tokenize';",
        [
          "import { ansiCodesToString, diffAnsiCodes, styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';",
          'const lastlookSameStyles = (a, b) => a === b || (a.length === b.length &&',
          '    a.every((c, i) => c.code === b[i].code && c.endCode === b[i].endCode));',
          'function lastlookCharsToString(chars) {',
          '    let ret = "";',
          '    let previous;',
          '    for (const char of chars) {',
          '        if (previous === undefined) ret += ansiCodesToString(char.styles);',
          '        else if (!lastlookSameStyles(previous, char.styles)) ret += ansiCodesToString(diffAnsiCodes(previous, char.styles));',
          '        ret += char.value;',
          '        previous = char.styles;',
          '    }',
          '    if (previous !== undefined && previous.length > 0) ret += ansiCodesToString(diffAnsiCodes(previous, []));',
          '    return ret;',
          '}',
        ].join('\n'),
        args.path,
      );
      text = replaceOnce(
        text,
        '.map(line => {\n            // See https://github.com',
        '.map((line, y) => {\n            // See https://github.com',
        args.path,
      );
      return { contents: text, loader: 'js' };
    });
    // string-width measures printable ASCII by its length and everything else grapheme by grapheme (Intl.Segmenter,
    // emoji regular expressions): every line of the explorer has box-drawing characters, so every line took the slow
    // path (~30 ms of the first frame). The fast path also takes the single-width characters below, as string-width
    // itself measures them here, at build time: each one alone, and doubled between letters (no cluster forms).
    // Ink's tokenizer and slice-ansi made an Intl.Segmenter at module evaluation (ICU's break rules: ~15-20 ms of
    // every start) and segment every line of every frame with it: src/core/graphemes.ts segments the explorer's
    // characters itself and makes ICU's segmenter for any other string, at its first use.
    b.onLoad(
      {
        filter:
          /[\\/]node_modules[\\/](slice-ansi[\\/]tokenize-ansi|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize)\.js$/,
      },
      (args) => {
        const text = readFileSync(args.path, 'utf8');
        const made = /new Intl\.Segmenter\(undefined, \{\s*granularity: ['"]grapheme['"]\s*\}\)/;
        if (!made.test(text)) throw new Error(`build: no grapheme Intl.Segmenter in ${args.path}`);
        return { contents: withGraphemes(text.replace(made, 'lastlookGraphemeSegmenter()')), loader: 'js' };
      },
    );
    b.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const text = readFileSync(args.path, 'utf8');
      // Every copy makes its Intl.Segmenter at its first use (below); the older copies have no fast path to widen.
      const lazySegmenter = (t) =>
        withGraphemes(replaceOnce(t, 'new Intl.Segmenter()', 'lastlookGraphemeSegmenter()', args.path));
      if (args.path !== join(root, 'node_modules/string-width/index.js')) {
        return { contents: text.includes('new Intl.Segmenter()') ? lazySegmenter(text) : text, loader: 'js' };
      }
      const { default: stringWidth } = await import(pathToFileURL(args.path).href);
      const hex = (c) => `\\u${c.toString(16).padStart(4, '0')}`;
      let narrow = '';
      for (const [from, to] of [
        [0xa1, 0xff],
        [0x2010, 0x2027],
        [0x2190, 0x21ff],
        [0x2500, 0x25ff],
      ]) {
        for (let c = from; c <= to; c++) {
          const ch = String.fromCodePoint(c);
          if (c !== 0xad && stringWidth(ch) === 1 && stringWidth(`x${ch}${ch}x`) === 4) narrow += hex(c);
        }
      }
      let contents = replaceOnce(
        text,
        'if (/^[\\u0020-\\u007E]*$/.test(string)) {',
        `if (/^[\\u0020-\\u007E${narrow}]*$/.test(string)) {`,
        args.path,
      );
      // Making an Intl.Segmenter loads ICU's break rules (~15-22 ms) and the RGI_Emoji set of strings is built when
      // its regular expression is made (~21 ms): both at module evaluation, in every start that loads the formatting
      // helpers (plans, the explorer), although the fast path above serves nearly every string. The segmenter is
      // src/core/graphemes.ts's (ICU's made at its first use, for strings it does not segment itself), the expression
      // is made at its first use (the same widths).
      contents = lazySegmenter(contents);
      contents = replaceOnce(
        contents,
        'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
        'let madeRgiEmoji;\nconst rgiEmojiRegex = {test: (s) => (madeRgiEmoji ??= /^\\p{RGI_Emoji}$/v).test(s)};',
        args.path,
      );
      return { contents, loader: 'js' };
    });
    // docker-modem formats every request's options (the agent and its sockets included, `depth: null`) for a debug
    // line that is printed only under DEBUG=modem: ~1-2 ms of each request. Formatted only when it is printed.
    // Node's agent works out a TLS server name for every request without one, and the first compiles its IPv6
    // expression (5-9 ms, in every plan and first frame): a unix socket has none to work out.
    b.onLoad({ filter: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/ }, (args) =>
      patched(args.path, [
        [
          "  debug('Sending: %s', util.inspect(options, {",
          "  if (debug.enabled) debug('Sending: %s', util.inspect(options, {",
        ],
        [
          '  if (this.agent) {\n    optionsf.agent = this.agent;\n  }\n',
          "  if (this.agent) {\n    optionsf.agent = this.agent;\n  }\n  if (this.socketPath) optionsf.servername = '';\n",
        ],
      ]),
    );
    // docker-modem wraps Node's http and https at load: https (and tls under it) is ~6 ms of every start, and only a
    // TLS engine uses it. Wrapped at first use instead; both wrappers are made by the same function as before.
    b.onLoad({ filter: /[\\/]docker-modem[\\/]lib[\\/]http\.js$/ }, (args) =>
      patched(args.path, [
        ["var nativeHttps = require('https'),\n  nativeHttp", 'var nativeHttp'],
        ['  https: nativeHttps,\n', ''],
        ['for (var protocol in protocols) {', 'function wrap(protocol) {'],
        [
          '  module.exports[protocol] = h;\n}',
          `  return h;
}
module.exports.http = wrap('http');
var wrappedHttps;
Object.defineProperty(module.exports, 'https', {
  enumerable: true,
  get: function() {
    if (!wrappedHttps) {
      protocols.https = require('https');
      wrappedHttps = wrap('https');
    }
    return wrappedHttps;
  }
});`,
        ],
      ]),
    );
    // dockerode's helpers load zlib, tar-fs (with its own tar-stream and readable-stream) and a .dockerignore parser
    // for the one that packs a build context, which lastlook never calls: ~5-8 ms of every start. Loaded there.
    b.onLoad({ filter: /[\\/]dockerode[\\/]lib[\\/]util\.js$/ }, (args) =>
      patched(args.path, [
        ["var zlib = require('zlib');\n", ''],
        ["var tar = require('tar-fs');\n", ''],
        ["var DockerIgnore = require('@balena/dockerignore');\n", ''],
        ['pack.pipe(zlib.createGzip())', "pack.pipe(require('zlib').createGzip())"],
        ['const pack = tar.pack(', "const pack = require('tar-fs').pack("],
        ['DockerIgnore({', "require('@balena/dockerignore')({"],
      ]),
    );
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (args) =>
      patched(args.path, [
        ["await import('./devtools.js');", ''],
        ['? await loadPackageJson()', '? {}'],
      ]),
    );
  },
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src/cli/bin.ts')],
  outfile: join(root, 'dist/lastlook.cjs'),
  bundle: true,
  // The bundle names its modules by their path from here: from the repository, through node_modules even when it
  // is a link, so no path of the build machine gets in.
  absWorkingDir: root,
  preserveSymlinks: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [bundleEverything],
  define: {
    'process.env.NODE_ENV': '"production"',
    'process.env.DEV': '"false"',
    // meow wants import.meta (it is not used to find package.json: the version is bundled).
    'import.meta': '__lastlookImportMeta',
  },
  banner: { js: 'var __lastlookImportMeta = { url: require("node:url").pathToFileURL(__filename).href };' },
});
// One character above U+007F anywhere makes Node hold the whole 1.7 MB source as UTF-16 (decoded and scanned at
// twice the size on every start); esbuild escapes strings, not regular expressions, so keep those ASCII too.
const bundled = readFileSync(join(root, 'dist/lastlook.cjs'), 'latin1');
{
  let at = -1;
  for (let i = 0; i < bundled.length && at < 0; i++) if (bundled.charCodeAt(i) > 0x7f) at = i;
  if (at >= 0) throw new Error(`build: the bundle is not ASCII at ${at}: …${bundled.slice(at - 60, at + 10)}…`);
}
// The launcher's head start (src/cli/early.ts: early reads, early ssh): a small file of its own, loaded and started
// before the bundle is compiled. Node builtins only.
await build({
  entryPoints: [join(root, 'src/cli/early.ts')],
  outfile: join(root, 'dist/early.cjs'),
  bundle: true,
  absWorkingDir: root,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
// V8's code cache of the bundle, for this Node (bin/lastlook.js passes it over under another V8): made by running a
// system prune plan once against recorded engine answers (scripts/code-cache-training/README.md), so that a plan's
// functions are compiled in it; where that run fails, by running `lastlook --version`. The bundle is run from a
// vm.Script there, which cannot load a module with import(): refuse one here rather than fail at run time.
{
  const at = bundled.search(/(?<![\w$.])import\(/);
  if (at >= 0) throw new Error(`build: the bundle calls import() at ${at}: …${bundled.slice(at - 60, at + 30)}…`);
  const cacheRun = (args, env) =>
    new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '-e',
          'require(process.argv[1]).writeCodeCache(process.argv[2], process.argv.slice(3))',
          join(root, 'dist/early.cjs'),
          join(root, 'dist/lastlook.cjs'),
          ...args,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'], env },
      );
      child.on('error', () => resolve(false));
      child.on('close', (code) => resolve(code === 0));
    });
  const trained = await withRecordedEngine((env) =>
    cacheRun(['plan', '--json', '--', 'docker', 'system', 'prune', '--volumes'], env),
  );
  if (!trained) {
    console.warn('build: the plan that makes the code cache failed: made from `lastlook --version` instead');
    if (!(await cacheRun(['--version'], process.env))) throw new Error('build: could not make the code cache');
  }
}

/**
 * Runs `run(env)` with an engine that answers from scripts/code-cache-training (a unix socket in a temporary
 * folder; GET only, by path without the API version; anything else 404), no docker CLI on PATH and an empty home.
 */
async function withRecordedEngine(run) {
  const dir = mkdtempSync(join(tmpdir(), 'lastlook-build-'));
  const answers = {
    '/version': 'version.json',
    '/info': 'info.json',
    '/volumes': 'volumes.json',
    '/networks': 'networks.json',
    '/images/json': 'images.json',
    '/containers/json': 'containers.json',
    '/system/df': 'system-df.json',
  };
  const headers = { 'Api-Version': '1.45', Server: 'Docker/26.1.5+dfsg1 (linux)', Ostype: 'linux' };
  const server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/\?.*$/, '').replace(/^\/v1\.\d+/, '');
    const file = req.method === 'GET' || req.method === 'HEAD' ? answers[path] : undefined;
    if (path === '/_ping') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/plain' });
      res.end('OK');
    } else if (file && existsSync(join(root, 'scripts/code-cache-training', file))) {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
      res.end(readFileSync(join(root, 'scripts/code-cache-training', file)));
    } else {
      res.writeHead(404, { ...headers, 'Content-Type': 'application/json' });
      res.end('{"message":"not recorded"}');
    }
  });
  const socket = join(dir, 'docker.sock');
  try {
    await new Promise((resolve, reject) => server.once('error', reject).listen(socket, resolve));
    mkdirSync(join(dir, 'bin'));
    return await run({ PATH: join(dir, 'bin'), HOME: dir, DOCKER_CONFIG: dir, DOCKER_HOST: `unix://${socket}` });
  } catch {
    return false;
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
