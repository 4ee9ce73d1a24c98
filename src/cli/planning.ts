/**
 * Planning as the CLI and the explorer need it: parse docker command lines, read one snapshot, plan each.
 * The composition root's glue between src/docker (snapshot) and src/core (parser, planner).
 */
import type { ParsedCommand } from '../core/command-line.js';
import { familyOf } from '../core/families/index.js';
import { containersToInspect } from '../core/plan/index.js';
import type { Plan } from '../core/plan/types.js';
import type { PlanningIntent } from '../docker/intent.js';
import { parseForPlan, planParsed, snapshotFor } from './commands/plan.js';
import type { PlanningContext } from './planning-context.js';

export type { PlanningContext } from './planning-context.js';
export { planningContext, planningContextOf } from './planning-context.js';

/**
 * What the user's own docker CLI would send for `parsed` (once per command line and planning context: guard's
 * recompute reuses it), or undefined when the context has no client to ask (the in-memory port of UI tests).
 */
async function intentFor(
  ctx: PlanningContext,
  parsed: ParsedCommand,
  signal: AbortSignal,
): Promise<PlanningIntent | undefined> {
  const client = ctx.client;
  if (!client) return undefined;
  const key = JSON.stringify(parsed.argv);
  let asked = client.asked.get(key);
  if (!asked) {
    const { planningIntent } = await import('../docker/intent.js');
    asked = planningIntent(parsed, { host: client.host, tls: client.tls, env: ctx.env, cwd: ctx.cwd, signal });
    client.asked.set(key, asked);
    // A failed or aborted ask is not kept: the next plan asks again.
    asked.catch(() => client.asked.delete(key));
  }
  return asked;
}

/**
 * Plans each docker command line (parse → snapshot → plan → sizes of the planned objects), through the same
 * pipeline as `lastlook plan`; several command lines share one snapshot. `measure: false` skips the sizes (the explorer's mount fates need none).
 * One command line (plan, guard, the explorer's preview) is read the way the user's own docker CLI sends it
 * (src/docker/intent.ts); several (mount fates: rm, rm -v, compose down of one container) use the parser alone.
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
  if (parsed.length === 1 && parsed[0]) {
    const first = parsed[0];
    // The client is asked while the engine is read: the snapshot serves the client's reading too unless that
    // names containers whose inspect the parser's reading did not ask for (rm with names the CLI trims).
    const asking = intentFor(ctx, first, signal);
    const reading = familyOf(first).composeProject ? undefined : snapshotFor(base, [first]);
    reading?.catch(() => undefined);
    const intent = await asking;
    const command = intent?.parsed ?? first;
    let snapshot = await reading;
    if (snapshot && command !== first) {
      const inspected = new Set(snapshot.containers.filter((c) => c.spec).map((c) => c.id));
      if (!containersToInspect(snapshot, command).every((id) => inspected.has(id))) {
        snapshot = await snapshotFor(base, [command]);
      }
    }
    return [
      (await planParsed({ ...base, ...(intent ? { intent } : {}), ...(snapshot ? { snapshot } : {}) }, command)).plan,
    ];
  }
  // Several command lines (the explorer's mount fates) are planned against one read of the engine.
  const snapshot = parsed.length > 1 ? await snapshotFor(base, parsed) : undefined;
  const plans: Plan[] = [];
  const each = { ...base, blockComposeRefusal: true, ...(snapshot ? { snapshot } : {}) };
  for (const p of parsed) plans.push((await planParsed(each, p)).plan);
  return plans;
}
