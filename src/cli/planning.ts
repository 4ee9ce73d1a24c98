/**
 * Planning as the CLI and the explorer need it: parse docker command lines, read one snapshot, plan each.
 * The composition root's glue between src/docker (snapshot) and src/core (parser, planner).
 */
import type { Plan } from '../core/plan/types.js';
import { parseForPlan, planParsed } from './commands/plan.js';
import type { PlanningContext } from './planning-context.js';

export type { PlanningContext } from './planning-context.js';
export { planningContext } from './planning-context.js';
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
