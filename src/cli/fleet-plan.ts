/**
 * `lastlook plan --context a --context b -- <cmd>` and `--all-contexts`: the same command line planned on each
 * engine, side by side, through the same pipeline as a single plan. A context that cannot be planned (unreachable,
 * a missing container there, …) gets its error in its slot; the others' plans are still given.
 */
import { type ContextPlan, type FleetPlan, identityOf, makeFleetPlan } from '../core/plan/fleet.js';
import { listContexts, resolveConnection } from '../docker/connection.js';
import type { DockerPort } from '../docker/port.js';
import type { CommandContext } from './context.js';
import { describeFailure } from './failure.js';
import { parseForPlan, planCommandLines, planningContextOf } from './planning.js';

/** The contexts asked for, in order, each once: `--context` as given, or every context for `--all-contexts`. */
export function fleetContexts(ctx: CommandContext): string[] {
  const names = ctx.global.allContexts ? listContexts(ctx.env).map((c) => c.name) : ctx.global.contexts;
  return [...new Set(names)];
}

async function planOn(ctx: CommandContext, name: string, command: readonly string[]): Promise<ContextPlan> {
  let host: string | null = null;
  let port: DockerPort | null = null;
  try {
    const connection = resolveConnection({ context: name, env: ctx.env });
    host = connection.host;
    port = ctx.connectTo(connection);
    const [plan] = await planCommandLines(planningContextOf(connection, port, ctx.env), [command], ctx.signal);
    if (!plan) throw new Error('no plan was computed');
    const engine = identityOf(await port.engineInfo({ signal: ctx.signal }));
    return { context: name, host, engine, plan, error: null };
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    const f = describeFailure(e);
    return {
      context: name,
      host,
      engine: null,
      plan: null,
      error: { message: f.message, remedy: f.remedy, exitCode: f.exitCode },
    };
  } finally {
    port?.close?.();
  }
}

export async function planFleet(ctx: CommandContext, command: readonly string[]): Promise<FleetPlan> {
  // A command line lastlook cannot preview is bad usage everywhere: exit 2 before any engine is asked.
  parseForPlan(command);
  const names = fleetContexts(ctx);
  const slots = await Promise.all(names.map((n) => planOn(ctx, n, command)));
  return makeFleetPlan(command, slots);
}
