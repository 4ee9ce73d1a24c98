import type { ExplorerServices } from '../../ui/services.js';
import { CliError, type Command } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { planningContext } from '../planning-context.js';

/** `lastlook` with no subcommand: the explorer. Needs a terminal; without one, points to the headless forms. */
export const run: Command = async (ctx) => {
  const port = ctx.port();
  // The UI's modules (Ink, React, Yoga) load while the engine answers: the first frame needs both.
  const ui = Promise.all([import('ink'), import('../../ui/root.js'), import('../../docker/execute.js')]);
  ui.catch(() => {});
  // Fail fast when the engine cannot be reached: that is the error the user must fix.
  const engine = await port.engineInfo({ signal: ctx.signal });
  const firstList = port.listContainers({ signal: ctx.signal });
  firstList.catch(() => {});
  if (!ctx.stdin.isTTY || !ctx.stdout.isTTY) {
    throw new CliError(
      'the explorer needs an interactive terminal (stdin and stdout must be a TTY)',
      ExitCode.usage,
      'for scripts use `lastlook plan --json -- <docker command>`, or `lastlook guard --yes -- <docker command>`',
    );
  }
  const [{ render }, { Root }, { executePlan }] = await ui;
  const initialContainers = await firstList;
  const planning = planningContext(ctx);
  const services: ExplorerServices = {
    port,
    // The planner (and the Compose loader with its YAML parser) loads after the first frame, on first use.
    planAll: async (argvs, signal, opts) =>
      (await import('../planning.js')).planCommandLines(planning, argvs, signal, opts),
    changeSizes: async (container, changes, signal) => {
      const { changedSizes } = await import('../../docker/filesystem.js');
      return (await changedSizes(port, container.id, changes, { signal })).sizes;
    },
    execute: (plan, opts) =>
      executePlan(port, plan, {
        ...opts,
        recompute: async (signal) => {
          const { planCommandLines } = await import('../planning.js');
          const [fresh] = await planCommandLines(planning, [plan.command], signal ?? opts.signal);
          if (!fresh) throw new Error('the plan could not be recomputed');
          return fresh;
        },
      }),
  };
  const instance = render(
    <Root
      services={services}
      engine={engine}
      initialContainers={initialContainers}
      readOnly={ctx.global.readOnly}
      noColor={ctx.global.noColor}
      onExit={() => {}}
    />,
    {
      // Ink drives the terminal itself: the raw streams. Its text is escaped by src/ui/components/text.tsx.
      stdout: ctx.terminal.stdout as NodeJS.WriteStream,
      stdin: ctx.stdin as NodeJS.ReadStream,
      stderr: ctx.terminal.stderr as NodeJS.WriteStream,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await instance.waitUntilExit();
  return ExitCode.ok;
};
