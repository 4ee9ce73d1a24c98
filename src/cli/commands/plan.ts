/**
 * `lastlook plan [--json] [--] <docker command line>`: the exact preview of what the command would destroy.
 * Nothing on the engine changes: only reads (list, inspect, sizes).
 */
import { ComposeLoadError, readComposeProject } from '../../compose/load.js';
import { CommandLineError, type ParsedCommand, parseDockerCommand } from '../../core/command-line.js';
import { ComposeModelError } from '../../core/compose-model.js';
import { familyOf } from '../../core/families/index.js';
import type { Snapshot } from '../../core/model.js';
import { withContract } from '../../core/plan/contract.js';
import { formatPlan } from '../../core/plan/format.js';
import { containersToInspect, donorsOf, LookupError, planCommand } from '../../core/plan/index.js';
import { applySizes, makePlan, type PlanExtra } from '../../core/plan/totals.js';
import type { Plan } from '../../core/plan/types.js';
import type { PlanningIntent } from '../../docker/intent.js';
import type { DockerPort } from '../../docker/port.js';
import { measurePlan, mergeNeeds, readSnapshot, snapshotNeeds } from '../../docker/snapshot.js';
import { CliError, type Command, UsageError } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';

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
