/**
 * The planning use-case that `plan`, `guard`, `mounts` and the explorer share: parse docker command lines, read one
 * snapshot, plan each (through the command families' registry, src/core/families), measure. The plan carries its
 * confirmation word (core/plan/contract.ts), which guard and the explorer both follow. The composition root's glue
 * between src/compose and src/docker (what is read) and src/core (parser, planner).
 */

import { CommandLineError, type ParsedCommand, parseDockerCommand } from '../core/command-line.js';
import { ComposeModelError } from '../core/compose-model.js';
import { familyOf } from '../core/families/index.js';
import type { Snapshot } from '../core/model.js';
import { withContract } from '../core/plan/contract.js';
import { containersToInspect, donorsOf, LookupError, planCommand } from '../core/plan/index.js';
import { applySizes, makePlan, type PlanExtra } from '../core/plan/totals.js';
import type { Plan } from '../core/plan/types.js';
import type { PlanningIntent } from '../docker/intent.js';
import type { DockerPort } from '../docker/port.js';
import { measurePlan, mergeNeeds, readSnapshot, snapshotNeeds } from '../docker/snapshot.js';
import { CliError, UsageError } from './context.js';
import { ExitCode } from './exit-codes.js';
import type { PlanningContext } from './planning-context.js';

export type { PlanningContext } from './planning-context.js';
export { planningContext, planningContextOf } from './planning-context.js';

export interface PlanOptions {
  readonly port: DockerPort;
  readonly configDir: string;
  readonly signal?: AbortSignal;
  /** @default true: measure sizes of the plan's objects and fill them in. */
  readonly measure?: boolean;
  /** A snapshot already read for this command (with `snapshotFor`), e.g. one shared by several commands. */
  readonly snapshot?: Snapshot;
  /** Environment and folder of the docker command (compose down finds its files and COMPOSE_* there). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** What the user's own docker CLI sends for this command (src/docker/intent.ts); `parsed` is its reading. */
  readonly intent?: PlanningIntent;
  /**
   * Where Compose would refuse to load the project: a blocked plan (the command destroys nothing) instead of exit 2.
   * For plans the user did not type (the fates of one container's mounts), so that one refused command does not
   * hide the others.
   * @default false
   */
  readonly blockComposeRefusal?: boolean;
}

/** Parses a docker command line, mapping parser errors to UsageError (exit 2). */
export function parseForPlan(argv: readonly string[]): ParsedCommand {
  try {
    return parseDockerCommand(argv);
  } catch (e) {
    if (e instanceof CommandLineError) throw new UsageError(e.message);
    throw e;
  }
}

/** Maps the planner's lookup errors to exit codes: missing → 4, ambiguous ID prefix → 2. */
function lookupToCli(e: unknown): never {
  if (e instanceof LookupError) {
    if (e.kind === 'missing') {
      throw new CliError(
        e.message,
        ExitCode.notFound,
        `list them with docker ${e.objectType} ls${e.objectType === 'container' ? ' -a' : ''}`,
      );
    }
    throw new CliError(e.message, ExitCode.usage, 'give more characters of the ID, or the name');
  }
  throw e;
}

/**
 * Snapshot → plan → measure → plan again, for one parsed command line. The whole pipeline `plan`, `guard` and the
 * explorer share. Compose down: the compose loader supplies what its planner needs through `extra`.
 */
export async function planParsed(
  opts: PlanOptions,
  parsed: ParsedCommand,
  extraIn: PlanExtra = {},
): Promise<{ plan: Plan; snapshot: Snapshot }> {
  let extra: PlanExtra = extraIn;
  let refusal: string | null = null;
  const composeArgs = familyOf(parsed).composeProject?.(parsed);
  if (composeArgs && !('compose' in extra)) {
    // Loaded for Compose alone: its YAML parser is ~3 ms of every other plan's start.
    const { ComposeLoadError, readComposeProject } = await import('../compose/load.js');
    try {
      const compose = await readComposeProject(composeArgs, {
        cwd: opts.cwd ?? process.cwd(),
        env: opts.env ?? {},
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      extra = { ...extra, compose } as PlanExtra;
    } catch (e) {
      if (!(e instanceof ComposeLoadError || e instanceof ComposeModelError)) throw e;
      if (!opts.blockComposeRefusal) throw new UsageError(`cannot preview: docker compose would fail: ${e.message}`);
      refusal = `docker compose would fail: ${e.message}`;
    }
  }
  const snapshot = opts.snapshot ?? (await snapshotFor(opts, [parsed]));
  // The client's API version and its own merge of pruneFilters, when the user's docker CLI was asked.
  const seen = opts.intent ? opts.intent.adjust(snapshot) : snapshot;
  const said = opts.intent ? opts.intent.warnings(snapshot) : [];
  const refused = opts.intent?.refused ?? refusal;
  if (refused) {
    const body = makePlan(seen, parsed.argv, { blocked: { reason: refused }, warnings: said });
    return { plan: withContract(seen, parsed, body), snapshot };
  }
  let plan: Plan;
  try {
    plan = planCommand(seen, parsed, extra);
  } catch (e) {
    lookupToCli(e);
  }
  if (said.length > 0) plan = { ...plan, warnings: [...said, ...plan.warnings] };
  if (opts.measure === false || plan.blocked) return { plan, snapshot };
  // Measured against the snapshot as read (its prefetched disk usage is keyed on that object).
  const sizes = await measurePlan(opts.port, snapshot, plan, opts.signal ? { signal: opts.signal } : {});
  return { plan: applySizes(plan, sizes), snapshot };
}

/** One read of the engine that serves every command of `parsed`: the union of what their planners read. */
export function snapshotFor(opts: PlanOptions, parsed: readonly ParsedCommand[]): Promise<Snapshot> {
  return readSnapshot(opts.port, {
    configDir: opts.configDir,
    inspect: (listed) => [...new Set(parsed.flatMap((p) => containersToInspect(listed, p)))],
    donors: donorsOf,
    needs: mergeNeeds(parsed.map(snapshotNeeds)),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

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
