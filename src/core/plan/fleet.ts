/**
 * One docker command line previewed on several engines (docker contexts): `lastlook plan --context a --context b`
 * and `--all-contexts`. Schema `lastlook.plans/v1` (docs/plan-json.md): one slot per context, in the order asked,
 * each with its own `lastlook.plan/v1` plan or the error that kept it from being planned. Pure.
 */

import { safe } from '../format.js';
import type { EngineInfo } from '../model.js';
import { commandText, formatPlan } from './format.js';
import type { Plan } from './types.js';

export const FLEET_SCHEMA = 'lastlook.plans/v1';

/** Who answered in a context: enough to tell the engines apart (the header of a section, the explorer's header). */
export interface EngineIdentity {
  readonly version: string;
  readonly apiVersion: string;
  readonly os: string;
  readonly arch: string;
}

/** Why a context has no plan: the message and remedy lastlook prints for a single engine, and its exit code. */
export interface ContextFailure {
  readonly message: string;
  readonly remedy: string | null;
  /** The exit code `lastlook plan --context <this one>` would give (3 unreachable or refused, 4 not found, …). */
  readonly exitCode: number;
}

export interface ContextPlan {
  readonly context: string;
  /** The context's docker endpoint, or null when it could not be read. */
  readonly host: string | null;
  readonly engine: EngineIdentity | null;
  /** Exactly one of `plan` and `error` is set. */
  readonly plan: Plan | null;
  readonly error: ContextFailure | null;
}

export interface FleetPlan {
  readonly schema: typeof FLEET_SCHEMA;
  /** The command line as typed (each plan has it normalised too). */
  readonly command: readonly string[];
  readonly contexts: readonly ContextPlan[];
  /** How many contexts have no plan (`error` set). */
  readonly failed: number;
  /** Bytes destroyed over every planned context (sizes that are unknown are not counted: see each plan). */
  readonly totals: { readonly bytes: number; readonly unknown: number };
}

export function identityOf(e: EngineInfo): EngineIdentity {
  return { version: e.version, apiVersion: e.apiVersion, os: e.os, arch: e.arch };
}

/** A line naming the engine: `Engine 26.1.5 (API 1.45) · linux/amd64`. */
export function identityText(e: EngineIdentity): string {
  return `Engine ${safe(e.version)} (API ${safe(e.apiVersion)}) · ${safe(e.os)}/${safe(e.arch)}`;
}

export function makeFleetPlan(command: readonly string[], contexts: readonly ContextPlan[]): FleetPlan {
  let bytes = 0;
  let unknown = 0;
  for (const c of contexts) {
    bytes += c.plan?.totals.bytes ?? 0;
    unknown += c.plan?.totals.unknown ?? 0;
  }
  return {
    schema: FLEET_SCHEMA,
    command,
    contexts,
    failed: contexts.filter((c) => c.error !== null).length,
    totals: { bytes, unknown },
  };
}

/** 0 when every context was planned, else the exit code of the first context (in the order asked) that was not. */
export function fleetExitCode(f: FleetPlan): number {
  return f.contexts.find((c) => c.error !== null)?.error?.exitCode ?? 0;
}

/** The text form: one section per context, headed by its name, endpoint and engine, then its plan or its error. */
export function formatFleetPlan(f: FleetPlan): string {
  const out: string[] = [`Plan for: ${commandText(f.command)} on ${f.contexts.length} contexts`, ''];
  for (const c of f.contexts) {
    const where = c.host === null ? '' : ` · ${safe(c.host)}`;
    const engine = c.engine === null ? '' : ` · ${identityText(c.engine)}`;
    out.push(`=== context ${safe(c.context)}${where}${engine}`);
    if (c.error) {
      out.push(`NOT PLANNED: ${safe(c.error.message)}`);
      if (c.error.remedy) out.push(`  ${safe(c.error.remedy)}`);
      out.push('');
      continue;
    }
    if (c.plan) out.push(formatPlan(c.plan, { closing: false }).replace(/\n*$/, ''), '');
  }
  const planned = f.contexts.length - f.failed;
  out.push(
    f.failed === 0
      ? `All ${planned} contexts planned. Nothing was changed on any engine.`
      : `${planned} of ${f.contexts.length} contexts planned; ${f.failed} could not be (see NOT PLANNED above). Nothing was changed on any engine.`,
  );
  return `${out.join('\n')}\n`;
}
