/**
 * Planning as the CLI and the explorer need it: parse docker command lines, read one snapshot, plan each.
 * The composition root's glue between src/docker (snapshot) and src/core (parser, planner).
 */
import type { Plan } from '../core/plan/types.js';
import { parseForPlan, planParsed, snapshotFor } from './commands/plan.js';
import type { PlanningContext } from './planning-context.js';

export type { PlanningContext } from './planning-context.js';
export { planningContext } from './planning-context.js';
/**
 * Plans each docker command line (parse → snapshot → plan → sizes of the planned objects), through the same
 * pipeline as `lastlook plan`; several command lines share one snapshot. `measure: false` skips the sizes (the explorer's mount fates need none).
 */
export async function planCommandLines(
  ctx: PlanningContext,
  argvs: readonly (readonly string[])[],
  signal: AbortSignal,
  opts: { readonly measure?: boolean } = {},
): Promise<Plan[]> {
  const parsed = argvs.map(parseForPlan);
  const base = {
    port: ctx.port,
    configDir: ctx.configDir,
    signal,
    measure: opts.measure ?? true,
    env: ctx.env,
    cwd: ctx.cwd,
  };
  // Several command lines (the explorer's mount fates) are planned against one read of the engine.
  const snapshot = parsed.length > 1 ? await snapshotFor(base, parsed) : undefined;
  const plans: Plan[] = [];
  for (const p of parsed) plans.push((await planParsed(snapshot ? { ...base, snapshot } : base, p)).plan);
  return plans;
}
