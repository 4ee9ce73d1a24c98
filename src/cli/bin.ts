import { main } from './index.js';

// Ctrl+C outside the TUI (the TUI handles it itself, in raw mode) and SIGTERM abort long work so that it can
// remove temporary files and helper containers before we exit.
const controller = new AbortController();
let interrupted = 0;
const onSignal = (sig: NodeJS.Signals) => {
  interrupted++;
  if (interrupted > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
  controller.abort(new Error(`interrupted by ${sig}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A reader that goes away (`lastlook diff … | head`): the rest of the output is dropped quietly and the command
// finishes its work with its own exit code (a removal under way is never cut short by a closed pipe). The
// commands' writers stop at a destroyed stdout instead of waiting for it to drain.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

// No top-level await: the bundle is one CommonJS file (the single executable runs nothing else).
void main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  // Made at first use (a plan never reads it).
  get stdin() {
    return process.stdin;
  },
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
  // Open handles (a keep-alive socket, a finished Ink instance) must not hold the process, but a pipe must get
  // every byte first: exiting at once cut `plan --json | jq` at 64 KiB. A write's callback runs after the writes
  // before it.
  let pending = 2;
  const done = () => {
    pending--;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
});
