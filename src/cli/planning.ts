/**
 * Planning as the CLI and the explorer need it: parse docker command lines, read one snapshot, plan each.
 * The composition root's glue between src/docker (snapshot) and src/core (parser, planner).
 */
import type { Plan } from '../core/plan/types.js';
import type { DockerPort } from '../docker/port.js';
import { parseForPlan, planParsed } from './commands/plan.js';
import type { CommandContext } from './context.js';

export interface PlanningContext {
  readonly port: DockerPort;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly configDir: string;
  readonly pinnedApiVersion: string | null;
}

/**
 * Plans each docker command line (parse → snapshot → plan → sizes of the planned objects → plan again), through
 * the same pipeline as `lastlook plan`. `measure: false` skips the sizes (the explorer's mount fates need none).
 */
export async function planCommandLines(
  ctx: PlanningContext,
  argvs: readonly (readonly string[])[],
  signal: AbortSignal,
  opts: { readonly measure?: boolean } = {},
): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const argv of argvs) {
    const parsed = parseForPlan(argv);
    const { plan } = await planParsed(
      { port: ctx.port, configDir: ctx.configDir, signal, measure: opts.measure ?? true, env: ctx.env, cwd: ctx.cwd },
      parsed,
    );
    plans.push(plan);
  }
  return plans;
}

/** The planning context of a CLI invocation: its engine, environment, working folder and docker CLI config. */
export function planningContext(ctx: CommandContext): PlanningContext {
  const connection = ctx.connection();
  return {
    port: ctx.port(),
    env: ctx.env,
    cwd: process.cwd(),
    configDir: connection.configDir,
    pinnedApiVersion: connection.pinnedApiVersion,
  };
}
