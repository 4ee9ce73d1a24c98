import { render } from 'ink';
import { App } from '../../ui/app.js';
import { CliError, type Command } from '../context.js';
import { ExitCode } from '../exit-codes.js';

/** `lastlook` with no subcommand: the explorer. Needs a terminal; without one, points to the headless forms. */
export const run: Command = async (ctx) => {
  const port = ctx.port();
  // Fail fast, before anything else, when the engine cannot be reached: that is the error the user must fix.
  const engine = await port.engineInfo({ signal: ctx.signal });
  if (!ctx.stdin.isTTY || !ctx.stdout.isTTY) {
    throw new CliError(
      'the explorer needs an interactive terminal (stdin and stdout must be a TTY)',
      ExitCode.usage,
      'for scripts use `lastlook plan --json -- <docker command>`, or `lastlook guard --yes -- <docker command>`',
    );
  }
  const result: { code: (typeof ExitCode)[keyof typeof ExitCode] } = { code: ExitCode.ok };
  const instance = render(
    <App port={port} engine={engine} readOnly={ctx.global.readOnly} onExit={(code) => (result.code = code)} />,
    {
      stdout: ctx.stdout as NodeJS.WriteStream,
      stdin: ctx.stdin as NodeJS.ReadStream,
      stderr: ctx.stderr as NodeJS.WriteStream,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await instance.waitUntilExit();
  return result.code;
};
