/**
 * Planning as the CLI and the explorer need it: parse docker command lines, read one snapshot, plan each.
 * The composition root's glue between src/docker (snapshot) and src/core (parser, planner).
 */
import type { Plan } from '../core/plan/types.js';
import type { DockerPort } from '../docker/port.js';
import type { CommandContext } from './context.js';

export interface PlanningContext {
  readonly port: DockerPort;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly configDir: string;
  readonly pinnedApiVersion: string | null;
}

export async function planCommandLines(
  _ctx: PlanningContext,
  _argvs: readonly (readonly string[])[],
  _signal: AbortSignal,
): Promise<Plan[]> {
  throw new Error('the planner is not wired in yet');
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
