import type { ContainerInfo, EngineInfo } from '../../core/model.js';
import { listContexts, resolveConnection } from '../../docker/connection.js';
import type { executePlan as ExecutePlan } from '../../docker/execute.js';
import { createExportGate, EXPORT_DEBOUNCE_MS } from '../../docker/export-gate.js';
import type { DockerPort } from '../../docker/port.js';
import type { ExplorerServices } from '../../ui/services.js';
import { CliError, type Command } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { backupRoot, insideServices } from '../explore-inside.js';
import { type PlanningContext, planningContext, planningContextOf } from '../planning-context.js';

/** What the explorer asks of one engine: its port, the planner against it, changed-file sizes, the executor. */
function explorerServices(
  port: DockerPort,
  planning: PlanningContext,
  executePlan: typeof ExecutePlan,
  stop: AbortSignal,
  backupDir: string,
): ExplorerServices {
  // One whole-filesystem export at a time, and only once the selection rested (src/docker/filesystem.ts).
  const exportGate = createExportGate(EXPORT_DEBOUNCE_MS);
  return {
    port,
    ...insideServices(port, backupDir, stop),
    // The planner (and the Compose loader with its YAML parser) loads after the first frame, on first use.
    planAll: async (argvs, signal, opts) =>
      (await import('../planning.js')).planCommandLines(planning, argvs, signal, opts),
    changeSizes: async (container, changes, signal, onSizes) => {
      const [{ readChangeSizes }, { mountsOf }] = await Promise.all([
        import('../../docker/filesystem.js'),
        import('../../core/mounts.js'),
      ]);
      const target = {
        id: container.id,
        started: container.spec?.started ?? false,
        mounts: mountsOf(container),
        imageBytes: container.spec?.imageBytes,
        layerDir: container.spec?.layerDir,
      };
      return (await readChangeSizes(port, target, changes, { signal, onSizes, exportGate })).sizes;
    },
    contentDiff: async (container, path, paneSignal) => {
      // SIGTERM (`stop`) also stops a read in flight, so that its image helper is removed.
      const signal = AbortSignal.any([paneSignal, stop]);
      const [{ readContentDiff, PathNotDiffable }, { DEFAULT_MAX_BYTES }, { mountsOf }] = await Promise.all([
        import('../../docker/file-read.js'),
        import('../../core/content-diff.js'),
        import('./diff.js'),
      ]);
      // Inspected afresh: whether it ever started decides how its side is read (core archiveIsSafe).
      const info = await port.inspectContainer(container.id, { signal });
      const changes = await port.containerChanges(info.id, { signal });
      try {
        const req = { container: info, changes, mounts: mountsOf(info), path, maxBytes: DEFAULT_MAX_BYTES, signal };
        return (await readContentDiff(port, req)).diff;
      } catch (e) {
        throw e instanceof PathNotDiffable ? new Error(e.message) : e;
      }
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
}

/** `lastlook` with no subcommand: the explorer. Needs a terminal; without one, points to the headless forms. */
export const run: Command = async (ctx) => {
  const port = ctx.port();
  const backupDir = backupRoot(ctx.global.backupDir, ctx.env);
  const isTerminal = ctx.stdin.isTTY === true && ctx.stdout.isTTY === true;
  // Quitting the waiting screen aborts the first reads.
  const quit = new AbortController();
  const signal = AbortSignal.any([ctx.signal, quit.signal]);
  // The first reads go out before anything else loads: the engine answers (/version, then the sweep's list, then
  // the list) while the UI's modules load.
  const first = Promise.all([port.engineInfo({ signal }), port.listContainers({ signal })]);
  let firstSettled = false;
  first.then(
    () => {
      firstSettled = true;
    },
    () => {
      firstSettled = true;
    },
  );
  if (!isTerminal) {
    // Fail fast when the engine cannot be reached: that is the error the user must fix first.
    await first;
    throw new CliError(
      'the explorer needs an interactive terminal (stdin and stdout must be a TTY)',
      ExitCode.usage,
      'for scripts use `lastlook plan --json -- <docker command>`, or `lastlook guard --yes -- <docker command>`',
    );
  }
  const ui = await loadUi();
  const leave = alternateScreen(ctx.terminal.stdout as NodeJS.WriteStream);
  try {
    return await explore(ctx, ui, { port, quit, first, ready: () => firstSettled, backupDir });
  } finally {
    leave();
  }
};

/**
 * The UI's modules (React, Ink with Yoga, the explorer), one at a time with a turn of the event loop before each: each
 * takes milliseconds to evaluate, and in between the engine's answers are read and the next request sent, so the
 * three round trips of the first reads overlap the loading instead of waiting behind it.
 */
async function loadUi(): Promise<UiModules> {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  await turn();
  await import('react');
  await turn();
  const { render } = await import('ink');
  await turn();
  const { ContextRoot } = await import('../../ui/context-root.js');
  await turn();
  const [{ executePlan }, { Waiting }] = await Promise.all([
    import('../../docker/execute.js'),
    import('../../ui/waiting.js'),
  ]);
  return { render, ContextRoot, executePlan, Waiting };
}

/**
 * The terminal's alternate screen, as lazydocker and k9s use it: entered before the first frame, left on every way
 * out (q, Ctrl+C, an error, the process exiting), so the shell's screen comes back as it was.
 */
function alternateScreen(out: NodeJS.WriteStream): () => void {
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    process.off('exit', leave);
    out.write('\u001b[?1049l');
  };
  out.write('\u001b[?1049h');
  process.once('exit', leave);
  return leave;
}

type UiModules = {
  readonly render: typeof import('ink').render;
  readonly ContextRoot: typeof import('../../ui/context-root.js').ContextRoot;
  readonly executePlan: typeof ExecutePlan;
  readonly Waiting: typeof import('../../ui/waiting.js').Waiting;
};

/**
 * How long the first reads may take before the waiting screen is drawn: over ssh:// the first reads include the
 * handshake and the remote `docker` start (~0.3 s here), and a waiting screen drawn and replaced a moment later
 * delays the explorer's first frame by Ink's slowest render.
 */
const WAITING_SCREEN_AFTER_MS = 150;
const WAITING_SCREEN_AFTER_SSH_MS = 1000;

/** Whether `p` settles (either way) within `ms`. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    p.then(done, done);
  });
}

/** The waiting screen until the engine answers, then the explorer, until the user quits. */
async function explore(
  ctx: Parameters<Command>[0],
  { render, ContextRoot, executePlan, Waiting }: UiModules,
  start: {
    readonly port: DockerPort;
    readonly quit: AbortController;
    readonly first: Promise<[EngineInfo, ContainerInfo[]]>;
    /** Whether `first` has settled (then the explorer, or the error, comes without the waiting screen). */
    readonly ready: () => boolean;
    readonly backupDir: string;
  },
): Promise<ExitCodeValue> {
  const { port, quit, first, backupDir } = start;
  const options = {
    // Ink drives the terminal itself: the raw streams. Its text is escaped by src/ui/components/text.tsx.
    stdout: ctx.terminal.stdout as NodeJS.WriteStream,
    stdin: ctx.stdin as NodeJS.ReadStream,
    stderr: ctx.terminal.stderr as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
  };
  // Until the engine answers: "waiting for the engine…", and q / Ctrl+C leave (a frozen engine never answers).
  // When it answers while the UI loads or within WAITING_SCREEN_AFTER_MS, the first frame is the explorer's (a
  // waiting screen drawn and replaced at once would only delay it: Ink's first render is the slowest).
  const after = ctx.connection().host.startsWith('ssh://') ? WAITING_SCREEN_AFTER_SSH_MS : WAITING_SCREEN_AFTER_MS;
  const answered = start.ready() || (await settlesWithin(first, after));
  const waiting = answered
    ? null
    : render(<Waiting host={ctx.connection().host} onQuit={() => quit.abort()} />, options);
  let engine: Awaited<typeof first>[0];
  let initialContainers: Awaited<typeof first>[1];
  try {
    [engine, initialContainers] = await first;
  } catch (e) {
    if (waiting) {
      waiting.unmount();
      await waiting.waitUntilExit();
    }
    if (quit.signal.aborted) return ExitCode.ok;
    throw e;
  }
  const session = (port: DockerPort, planning: PlanningContext, engine: EngineInfo, initial?: ContainerInfo[]) => ({
    services: explorerServices(port, planning, executePlan, ctx.signal, backupDir),
    engine,
    ...(initial ? { initialContainers: initial } : {}),
    close: () => port.close?.(),
  });
  // Another docker context, picked with C: connected and read before the explorer leaves the current one.
  const open = async (name: string, signal: AbortSignal) => {
    const connection = resolveConnection({ context: name, env: ctx.env });
    const other = ctx.connectTo(connection);
    try {
      const [info, containers] = await Promise.all([other.engineInfo({ signal }), other.listContainers({ signal })]);
      return session(other, planningContextOf(connection, other, ctx.env), info, containers);
    } catch (e) {
      other.close?.();
      throw e;
    }
  };
  const explorer = (
    <ContextRoot
      initial={session(port, planningContext(ctx), engine, initialContainers)}
      listContexts={() => listContexts(ctx.env)}
      open={open}
      readOnly={ctx.global.readOnly}
      noColor={ctx.global.noColor}
      onExit={() => {}}
    />
  );
  const instance = waiting ?? render(explorer, options);
  if (waiting) waiting.rerender(explorer);
  await instance.waitUntilExit();
  return ExitCode.ok;
}
