/**
 * A small local oracle for `docker compose down` scenarios, used until the shared oracle (oracle.ts) lands:
 * snapshot the private engine through the real adapter, load the project like `lastlook plan` would, plan, run the
 * real `docker compose … down …`, read the engine back, and return both sides for an exact comparison.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadComposeProject } from '../../../src/compose/load.js';
import type { ComposeDownArgs } from '../../../src/core/compose-model.js';
import type { ContainerInfo, Snapshot } from '../../../src/core/model.js';
import { planComposeDown } from '../../../src/core/plan/compose.js';
import type { Plan } from '../../../src/core/plan/types.js';
import { resolveConnection } from '../../../src/docker/connection.js';
import { connect } from '../../../src/docker/dockerode-adapter.js';
import { docker, type TestEngine } from '../harness.js';

/** Parses `compose [global flags] down [flags] [SERVICE...]` (just enough for these scenarios). */
export function parseComposeDown(argv: readonly string[]): ComposeDownArgs {
  const args = [...argv];
  const tool: ComposeDownArgs['tool'] = args[0] === 'docker-compose' ? 'docker-compose' : 'docker compose';
  if (args[0] === 'docker') args.shift();
  if (args[0] === 'compose' || args[0] === 'docker-compose') args.shift();
  const out = {
    tool,
    projectName: null as string | null,
    files: [] as string[],
    projectDirectory: null as string | null,
    profiles: [] as string[],
    envFiles: [] as string[],
    volumes: false,
    removeOrphans: false,
    rmi: null as 'local' | 'all' | null,
    services: [] as string[],
    argv: ['docker', 'compose', ...argv.slice(argv[0] === 'compose' ? 1 : 0)],
  };
  let i = 0;
  const value = () => args[++i] as string;
  for (; i < args.length && args[i] !== 'down'; i++) {
    const a = args[i];
    if (a === '-p' || a === '--project-name') out.projectName = value();
    else if (a === '-f' || a === '--file') out.files.push(value());
    else if (a === '--profile') out.profiles.push(value());
    else if (a === '--env-file') out.envFiles.push(value());
    else if (a === '--project-directory') out.projectDirectory = value();
    else throw new Error(`unexpected ${a}`);
  }
  for (i++; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-v' || a === '--volumes') out.volumes = true;
    else if (a === '--remove-orphans') out.removeOrphans = true;
    else if (a === '--rmi') out.rmi = value() as 'local' | 'all';
    else if (a.startsWith('-')) throw new Error(`unexpected ${a}`);
    else out.services.push(a);
  }
  return out;
}

export async function snapshotOf(engine: TestEngine): Promise<Snapshot> {
  const port = connect(resolveConnection({ host: engine.host, env: {} }));
  const info = await port.engineInfo();
  const list = await port.listContainers();
  const containers = await Promise.all(list.map((c) => port.inspectContainer(c.id)));
  const [volumes, networks, images] = await Promise.all([port.listVolumes(), port.listNetworks(), port.listImages()]);
  return { engine: info, containers, volumes, networks, images, pruneFilters: [], takenAt: Date.now() };
}

export function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'llcomp-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export interface Observed {
  readonly containers: string[];
  readonly volumes: string[];
  readonly networks: string[];
  readonly images: string[];
  readonly orphanVolumes: string[];
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** What the plan says, as sorted name lists (images by ID). */
export function planned(plan: Plan): Observed {
  return {
    containers: sorted(plan.destroy.containers.map((c) => c.name)),
    volumes: sorted(plan.destroy.volumes.map((v) => v.name)),
    networks: sorted(plan.destroy.networks.map((n) => n.name)),
    images: sorted(plan.destroy.images.map((i) => i.id)),
    orphanVolumes: sorted(plan.orphan.volumes.map((v) => v.name)),
  };
}

function refCounts(containers: readonly ContainerInfo[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of containers) {
    for (const mt of c.mounts) if (mt.type === 'volume' && mt.name) m.set(mt.name, (m.get(mt.name) ?? 0) + 1);
  }
  return m;
}

/**
 * What the engine actually did between two snapshots, restricted to objects this scenario owns (names starting
 * with `own`, or volumes mounted by those containers), so that other test files on the same engine do not count.
 */
export function observed(before: Snapshot, after: Snapshot, own: string): Observed {
  const mine = (n: string) => n.startsWith(own);
  const mineContainers = before.containers.filter((c) => mine(c.name));
  const mountedByMine = new Set(mineContainers.flatMap((c) => c.mounts.map((m) => m.name ?? '')));
  const mineVolume = (n: string) => mine(n) || mountedByMine.has(n);
  const afterC = new Set(after.containers.map((c) => c.id));
  const afterV = new Set(after.volumes.map((v) => v.name));
  const afterN = new Set(after.networks.map((n) => n.id));
  const afterI = new Set(after.images.map((i) => i.id));
  const refsBefore = refCounts(before.containers);
  const refsAfter = refCounts(after.containers);
  return {
    containers: sorted(mineContainers.filter((c) => !afterC.has(c.id)).map((c) => c.name)),
    volumes: sorted(before.volumes.filter((v) => mineVolume(v.name) && !afterV.has(v.name)).map((v) => v.name)),
    networks: sorted(before.networks.filter((n) => mine(n.name) && !afterN.has(n.id)).map((n) => n.name)),
    images: sorted(before.images.filter((i) => i.repoTags.some((t) => mine(t)) && !afterI.has(i.id)).map((i) => i.id)),
    orphanVolumes: sorted(
      before.volumes
        .filter(
          (v) =>
            mineVolume(v.name) &&
            afterV.has(v.name) &&
            (refsBefore.get(v.name) ?? 0) > 0 &&
            (refsAfter.get(v.name) ?? 0) === 0,
        )
        .map((v) => v.name),
    ),
  };
}

export interface OracleRun {
  readonly plan: Plan;
  readonly expected: Observed;
  readonly actual: Observed;
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly output: string;
}

/** Plans `argv` (`compose … down …`), runs it for real in `cwd`, and returns plan and engine side by side. */
export async function runOracle(
  engine: TestEngine,
  opts: { cwd: string; argv: readonly string[]; own: string; env?: Record<string, string> },
): Promise<OracleRun> {
  const cmd = parseComposeDown(opts.argv);
  const before = await snapshotOf(engine);
  const project = loadComposeProject(cmd, { cwd: opts.cwd, env: opts.env ?? {} });
  const plan = planComposeDown(before, cmd, project);
  const output = await docker(engine, opts.argv, { cwd: opts.cwd, env: opts.env ?? {} });
  const after = await snapshotOf(engine);
  return { plan, expected: planned(plan), actual: observed(before, after, opts.own), before, after, output };
}
