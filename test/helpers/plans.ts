/**
 * Plans as TEST INPUTS for the explorer's UI tests. The real planner (src/core/plan/index.ts `planCommand` over a
 * snapshot) is not wired in yet (src/cli/planning.ts throws), so each test states the plan the planner is expected
 * to hand the UI, built here from the recorded fixture by object name. These are not results under test: the
 * tests check that the UI shows, confirms and executes exactly what such a plan says.
 */
import { parseDockerCommand } from '../../src/core/command-line.js';
import { confirmationWord } from '../../src/core/plan/contract.js';
import type { Plan, PlanBody, PlannedContainer, PlannedNetwork, PlannedVolume } from '../../src/core/plan/types.js';
import { PLAN_SCHEMA } from '../../src/core/plan/types.js';
import { executePlan } from '../../src/docker/execute.js';
import type { ExplorerServices } from '../../src/ui/services.js';
import type { EngineFixture, MemoryPort } from './memory-port.js';

export interface PlanSpec {
  readonly destroy?: {
    readonly containers?: readonly string[];
    readonly volumes?: readonly { readonly name: string; readonly reason: string }[];
    readonly networks?: readonly string[];
  };
  readonly orphan?: readonly { readonly name: string; readonly reason: string }[];
  readonly keep?: {
    readonly containers?: readonly { readonly name: string; readonly reason: string }[];
    readonly volumes?: readonly { readonly name: string; readonly reason: string }[];
  };
  readonly blocked?: string;
  readonly warnings?: readonly string[];
}

const ANON = /^[0-9a-f]{64}$/;

/** A Plan for `argv` naming fixture objects; IDs, states and sizes are looked up in the recording. */
export function planFrom(f: EngineFixture, argv: readonly string[], spec: PlanSpec = {}): Plan {
  const container = (name: string, reason: string): PlannedContainer => {
    const c = f.containers.find((x) => x.name === name);
    if (!c) throw new Error(`planFrom: no container ${name} in the fixture`);
    const project = c.labels['com.docker.compose.project'] ?? null;
    return {
      id: c.id,
      name: c.name,
      state: c.state,
      writableLayer: { bytes: null, changes: f.changes[c.id]?.length ?? null },
      logs: { bytes: null },
      reason,
      project,
      service: c.labels['com.docker.compose.service'] ?? null,
    };
  };
  const volume = (name: string, reason: string): PlannedVolume => {
    const v = f.volumes.find((x) => x.name === name);
    if (!v) throw new Error(`planFrom: no volume ${name} in the fixture`);
    return { name, anonymous: ANON.test(name), bytes: f.volumeSizes[name] ?? null, reason, driver: v.driver };
  };
  const network = (name: string): PlannedNetwork => {
    const n = f.networks.find((x) => x.name === name);
    if (!n) throw new Error(`planFrom: no network ${name} in the fixture`);
    return { id: n.id, name, reason: 'created by the project' };
  };
  const blocked = spec.blocked ? { reason: spec.blocked } : null;
  const containers = blocked ? [] : (spec.destroy?.containers ?? []).map((n) => container(n, 'removed'));
  const volumes = blocked ? [] : (spec.destroy?.volumes ?? []).map((v) => volume(v.name, v.reason));
  const networks = blocked ? [] : (spec.destroy?.networks ?? []).map(network);
  const sizes = [...containers.map((c) => c.writableLayer.bytes), ...volumes.map((v) => v.bytes)];
  const body: PlanBody = {
    schema: PLAN_SCHEMA,
    command: argv,
    engine: { host: f.engine.host, version: f.engine.version, apiVersion: f.engine.apiVersion },
    blocked,
    destroy: { containers, volumes, networks, images: [] },
    orphan: { volumes: (spec.orphan ?? []).map((v) => volume(v.name, v.reason)) },
    keep: {
      containers: (spec.keep?.containers ?? []).map((c) => container(c.name, c.reason)),
      volumes: (spec.keep?.volumes ?? []).map((v) => volume(v.name, v.reason)),
      networks: [],
    },
    warnings: spec.warnings ?? [],
    totals: {
      bytes: sizes.reduce<number>((a, b) => a + (b ?? 0), 0),
      unknown: sizes.filter((b) => b === null).length,
    },
  };
  const parsed = parseDockerCommand([...argv]);
  return { ...body, kind: parsed.kind, confirm: confirmationWord(parsed, body) };
}

export const key = (argv: readonly string[]) => argv.join(' ');

/** The demo scenario's plans, as the tests expect the planner to give them (see the file comment). */
export function demoPlans(f: EngineFixture): Map<string, Plan> {
  const anon = f.volumes.filter((v) => ANON.test(v.name)).map((v) => v.name);
  const db = f.containers.find((c) => c.name === 'shop-db-1');
  const dbAnon = (db?.mounts ?? []).filter((m) => m.name && ANON.test(m.name)).map((m) => m.name as string);
  const dangling = anon.filter((n) => !f.containers.some((c) => c.mounts.some((m) => m.name === n)));
  const plans: Plan[] = [
    planFrom(f, ['docker', 'compose', '-p', 'shop', 'down', '-v'], {
      destroy: {
        containers: ['shop-db-1', 'shop-web-1'],
        networks: ['shop_default'],
        volumes: [
          { name: 'shop_dbdata', reason: 'declared by project shop; removed by -v' },
          { name: 'shop_uploads', reason: 'declared by project shop; removed by -v' },
        ],
      },
      orphan: dbAnon.map((name) => ({ name, reason: 'inherited by name at a recreate, so -v leaves it' })),
    }),
    planFrom(f, ['docker', 'volume', 'prune'], {
      destroy: { volumes: dangling.map((name) => ({ name, reason: 'anonymous and unused' })) },
      keep: { volumes: [{ name: 'old-reports', reason: 'named: only prune -a removes it' }] },
    }),
    planFrom(f, ['docker', 'volume', 'prune', '-a'], {
      destroy: {
        volumes: [...dangling, 'old-reports'].map((name) => ({ name, reason: 'unused' })),
      },
    }),
  ];
  for (const c of f.containers) {
    const own = c.mounts.filter((m) => m.type === 'volume' && m.name).map((m) => m.name as string);
    const running = c.state === 'running';
    for (const argv of [
      ['docker', 'rm', c.name],
      ['docker', 'rm', c.id],
      ['docker', 'rm', '-v', c.id],
    ]) {
      plans.push(
        planFrom(
          f,
          argv,
          running
            ? { blocked: `container ${c.name} is running: stop it first or use -f` }
            : {
                destroy: { containers: [c.name] },
                orphan: own.map((name) => ({ name, reason: 'no other container uses it' })),
              },
        ),
      );
    }
  }
  return new Map(plans.map((p) => [key(p.command), p]));
}

export interface ServicesOptions {
  /** The plan `execute` recomputes just before removing (drift check). @default the same plan */
  readonly recompute?: (shown: Plan) => Plan;
}

/**
 * ExplorerServices over the MemoryPort: `planAll` hands out the prepared plans (a command without one fails
 * with a message naming it), and `execute` is the real `executePlan` over the port.
 */
export function memoryServices(
  port: MemoryPort,
  plans: ReadonlyMap<string, Plan>,
  opts: ServicesOptions = {},
): ExplorerServices & { readonly planned: string[] } {
  const planned: string[] = [];
  return {
    port,
    planned,
    planAll: async (argvs, signal) => {
      signal.throwIfAborted();
      return argvs.map((argv) => {
        planned.push(key(argv));
        const p = plans.get(key(argv));
        if (!p) throw new Error(`no plan prepared for: ${key(argv)}`);
        return p;
      });
    },
    execute: (plan, o) =>
      executePlan(port, plan, {
        ...o,
        recompute: async () => (opts.recompute ? opts.recompute(plan) : plan),
      }),
  };
}
