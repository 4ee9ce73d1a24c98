/**
 * `lastlook plan [--json] [--] <docker command line>`: the exact preview of what the command would destroy.
 * Nothing on the engine changes: only reads (list, inspect, sizes). The planning itself is src/cli/planning.ts,
 * shared with guard and the explorer.
 */
import { formatPlan } from '../../core/plan/format.js';
import { CliError, type Command, UsageError } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';

/** `plan`'s own flags, then the docker command line (from the first positional, or after `--`). */
export function splitPlanArgs(argv: readonly string[]): { json: boolean; command: string[] } {
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') return { json, command: argv.slice(i + 1) };
    if (a === '--json') json = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown flag for plan: ${a} (plan takes --json)`);
    else return { json, command: argv.slice(i) };
  }
  return { json, command: [] };
}

export const run: Command = async (ctx) => {
  const { json, command } = splitPlanArgs(ctx.argv);
  if (command.length === 0) {
    throw new UsageError('plan needs a docker command line, e.g. lastlook plan -- docker volume prune -a');
  }
  if (ctx.global.contexts.length > 1 || ctx.global.allContexts) {
    const { planFleet } = await import('../fleet-plan.js');
    const { fleetExitCode, formatFleetPlan } = await import('../../core/plan/fleet.js');
    const fleet = await planFleet(ctx, command);
    ctx.stdout.write(json ? `${JSON.stringify(fleet, null, 2)}\n` : formatFleetPlan(fleet));
    return fleetExitCode(fleet) as ExitCodeValue;
  }
  const { planCommandLines, planningContext } = await import('../planning.js');
  const [plan] = await planCommandLines(planningContext(ctx), [command], ctx.signal);
  if (!plan) throw new CliError('no plan was computed', ExitCode.engine);
  ctx.stdout.write(json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  return ExitCode.ok;
};
