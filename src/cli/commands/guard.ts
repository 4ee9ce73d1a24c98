import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { backupBeforeRemoval, RemovalBackupFailed } from '../../backup/for-plan.js';
import { escapeName, escapeText } from '../../core/escape.js';
import { formatBytes, plural } from '../../core/format.js';
import { removalCount, requiredConfirmation } from '../../core/plan/contract.js';
import { formatPlan } from '../../core/plan/format.js';
import type { Plan } from '../../core/plan/types.js';
import { DriftError, executePlan, InterruptedError } from '../../docker/execute.js';
import { CliError, type Command, type CommandContext, UsageError } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { planCommandLines, planningContext } from '../planning.js';

/** Splits guard's own flags from the docker command line (from `--` or the first positional argument). */
export function parseGuardArgs(argv: readonly string[]): {
  backupTo: string | null;
  yes: boolean;
  command: string[];
} {
  const dash = argv.indexOf('--');
  let own: string[];
  let command: string[];
  if (dash >= 0) {
    own = argv.slice(0, dash);
    command = argv.slice(dash + 1);
  } else {
    own = [];
    let i = 0;
    for (; i < argv.length; i++) {
      const a = argv[i] as string;
      if (!a.startsWith('-')) break;
      own.push(a);
      if (a === '--backup-to') own.push(argv[++i] ?? '');
    }
    command = argv.slice(i);
  }
  let values: { 'backup-to'?: string; yes?: boolean };
  try {
    ({ values } = parseArgs({
      args: own,
      options: { 'backup-to': { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`guard: ${(e as Error).message}`);
  }
  if (values['backup-to'] === '') throw new UsageError('guard: --backup-to needs a folder');
  if (command.length === 0)
    throw new UsageError('guard: give the docker command line to guard, e.g. lastlook guard -- docker rm -v web');
  return { backupTo: values['backup-to'] ?? null, yes: values.yes ?? false, command };
}

async function confirm(ctx: CommandContext, plan: Plan): Promise<boolean> {
  const need = requiredConfirmation(plan);
  // readline edits the line itself (cursor moves): the raw stream; the one engine-derived word is escaped.
  const rl = createInterface({ input: ctx.stdin, output: ctx.terminal.stderr });
  try {
    const onAbort = () => rl.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const question =
      need === null
        ? 'Proceed? [y/N] '
        : `Volume data will be destroyed. Type ${escapeText(need)} to confirm (anything else cancels): `;
    const answer = (await rl.question(question, { signal: ctx.signal })).trim();
    ctx.signal.removeEventListener('abort', onAbort);
    return need === null ? /^y(es)?$/i.test(answer) : answer === need;
  } catch {
    return false;
  } finally {
    rl.close();
  }
}

/** What an interrupted execution removed and what remains, read back from the engine (exit 6). */
function reportInterrupted(ctx: CommandContext, e: InterruptedError): ExitCodeValue {
  ctx.stderr.write(`lastlook: interrupted (${escapeText(e.why)}): stopped before the end of the plan.\n`);
  if (e.report) {
    ctx.stdout.write(`Removed ${plural(e.report.removed.length, 'object')} (read back from the engine):\n`);
    for (const r of e.report.removed) ctx.stdout.write(`  gone: ${r.kind} ${escapeName(r.name)}\n`);
    for (const f of e.report.failed) ctx.stdout.write(`  still present: ${f.kind} ${escapeName(f.name)}\n`);
  } else {
    ctx.stdout.write(
      `Could not read the engine back (${escapeText(e.readBackError ?? 'unknown error')}): ` +
        `which of these ${plural(e.steps.length, 'object')} are gone is unknown:\n`,
    );
    for (const s of e.steps) ctx.stdout.write(`  unknown: ${s.kind} ${escapeName(s.name)}\n`);
  }
  ctx.stderr.write('  Run lastlook plan with the same command to see what is left to do.\n');
  return ExitCode.interruptedRemoving;
}

/**
 * The backup of a confirmed plan, taken with nothing writing to it (src/backup/for-plan.ts `backupBeforeRemoval`,
 * the same code as the explorer's `b`): the running containers the plan removes are stopped first; a `--rm` one keeps
 * running, and guard says so. If the backup fails, nothing is removed and guard names what it stopped.
 */
async function backUpStill(ctx: CommandContext, plan: Plan, dir: string): Promise<void> {
  try {
    const result = await backupBeforeRemoval(ctx.port(), plan, {
      dir,
      signal: ctx.signal,
      onNotice: (n) => {
        if (n.kind === 'kept-running')
          ctx.stderr.write(
            `  warning: ${escapeName(n.name)} was started with --rm: stopping it would remove it (and its anonymous ` +
              'volumes) before the backup, so it keeps running; what it writes after the backup is lost\n',
          );
        else if (n.kind === 'stopping')
          ctx.stderr.write(
            `Stopping ${escapeName(n.name)} before the backup (the plan removes it anyway): nothing may write to the data after the backup.\n`,
          );
        else ctx.stderr.write(`Backing up ${plural(n.objects, 'object')} to ${n.dir}…\n`);
      },
    });
    for (const item of result.items) ctx.stderr.write(`  verified ${item.archive}\n`);
    ctx.stderr.write(`Backup verified: ${formatBytes(result.archiveBytes)} in ${result.items.length} archive(s).\n`);
  } catch (e) {
    if (!(e instanceof RemovalBackupFailed)) throw e;
    if (e.stopped.length > 0) {
      const names = e.stopped.map((n) => escapeName(n)).join(' ');
      ctx.stderr.write(`lastlook: nothing was removed; stopped for the backup: ${names} (docker start ${names})\n`);
    }
    throw e.cause;
  }
}

/**
 * `lastlook guard [--backup-to DIR] [--yes] [--] <docker command line>`: plan → confirm → (stop what writes to the
 * data, backup, verified) → execute exactly the plan by ID → report read back from the engine.
 */
export const run: Command = async (ctx) => {
  const args = parseGuardArgs(ctx.argv);
  const planning = planningContext(ctx);
  const [plan] = await planCommandLines(planning, [args.command], ctx.signal);
  if (!plan) throw new CliError('no plan was computed', ExitCode.engine);
  // The same listing as `lastlook plan`.
  ctx.stdout.write(formatPlan(plan, { closing: false }));
  if (plan.blocked) {
    ctx.stderr.write(`lastlook: nothing done: the engine would refuse this command (${plan.blocked.reason})\n`);
    return ExitCode.engine;
  }
  if (removalCount(plan) === 0) {
    ctx.stdout.write('Nothing to remove.\n');
    return ExitCode.ok;
  }
  if (ctx.global.readOnly) {
    throw new CliError('read-only mode: guard shows the plan but removes nothing', ExitCode.declined);
  }
  if (!args.yes && !ctx.stdin.isTTY) {
    ctx.stderr.write(
      'lastlook: not confirmed: no terminal to ask. Nothing was removed. Pass --yes to proceed without asking.\n',
    );
    return ExitCode.declined;
  }
  // Confirm first: whatever is written while the prompt waits must still reach the backup.
  if (!args.yes && !(await confirm(ctx, plan))) {
    ctx.stderr.write('Not confirmed: nothing was removed.\n');
    return ExitCode.declined;
  }
  if (args.backupTo) await backUpStill(ctx, plan, args.backupTo);
  let code: ExitCodeValue = ExitCode.ok;
  try {
    const report = await executePlan(ctx.port(), plan, {
      signal: ctx.signal,
      recompute: async (signal) => {
        const [fresh] = await planCommandLines(planning, [args.command], signal ?? ctx.signal);
        if (!fresh) throw new CliError('the plan could not be recomputed', ExitCode.engine);
        return fresh;
      },
      onProgress: (p) => {
        if (p.status !== 'removing')
          ctx.stderr.write(
            `  ${p.status === 'removed' ? 'removed' : 'FAILED '} ${p.step.kind} ${p.step.name}${p.error ? `: ${p.error}` : ''}\n`,
          );
      },
    });
    ctx.stdout.write(`Removed ${plural(report.removed.length, 'object')} (read back from the engine).\n`);
    if (report.failed.length > 0) {
      for (const f of report.failed) ctx.stdout.write(`  still present: ${f.kind} ${f.name}: ${f.error}\n`);
      code = ExitCode.engine;
    }
  } catch (e) {
    if (e instanceof DriftError) {
      ctx.stderr.write('lastlook: the engine changed since the preview; NOTHING was removed:\n');
      for (const item of e.items) ctx.stderr.write(`  ${item.kind} ${item.name}: was ${item.was}, now ${item.now}\n`);
      ctx.stderr.write('  Run the command again to see the current plan.\n');
      return ExitCode.drift;
    }
    if (e instanceof InterruptedError) return reportInterrupted(ctx, e);
    throw e;
  }
  return code;
};
