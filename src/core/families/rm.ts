/** `docker rm [-f] [-v] [-l] CONTAINER...` and `docker container rm|remove …` (shared/docker-semantics.md §1). */
import { removals } from '../client-requests.js';
import { resolveContainer } from '../plan/resolve.js';
import { planRm } from '../plan/rm.js';
import { defineFamily, NO_NEEDS, type PreviewSelection } from './family.js';
import {
  bool,
  type CommandBase,
  CommandLineError,
  engineRefs,
  forceFlag,
  parseFlags,
  type RejectedRef,
} from './pflag.js';

export interface RmCommand extends CommandBase {
  readonly kind: 'rm';
  readonly force: boolean;
  readonly volumes: boolean;
  /** `-l/--link`: only a link name is removed, the container stays. */
  readonly link: boolean;
  /**
   * What the engine receives for each argument (names, full IDs or ID prefixes), in order, duplicates kept: the
   * docker CLI trims every `/` around a name, and its client cleans the request path (see `engineRef`).
   */
  readonly containers: string[];
  /** The arguments as typed, parallel to `containers`. */
  readonly typed?: readonly string[];
  /** Arguments the docker CLI refuses before asking the engine. */
  readonly rejected?: readonly RejectedRef[];
}

function parseRm(args: readonly string[], argv: string[], where: string): RmCommand {
  const { values, positionals } = parseFlags(
    args,
    [forceFlag, { long: 'volumes', short: 'v', type: 'bool' }, { long: 'link', short: 'l', type: 'bool' }],
    where,
  );
  if (positionals.length === 0) throw new CommandLineError(`"${where}" requires at least 1 argument (a container)`);
  const link = bool(values, 'link');
  // -l removes a link name (`parent/alias`); the CLI trims and sends it the same way.
  const r = engineRefs('containers', positionals);
  return {
    kind: 'rm',
    force: bool(values, 'force'),
    volumes: bool(values, 'volumes'),
    link,
    containers: r.refs,
    typed: r.typed,
    rejected: r.rejected,
    ...(r.notes.length ? { notes: r.notes } : {}),
    argv,
  };
}

function disabled(sel: PreviewSelection): string | null {
  if (sel.view !== 'containers') return 'select a container in the containers view (V)';
  if (sel.marked === 0 && !sel.containerSelected) return 'select a container (or mark some with space)';
  return null;
}

const rmKey = (id: string, keys: string[], label: string, flags: string[], footer: boolean) => ({
  id,
  keys,
  label,
  footer,
  views: ['containers'] as const,
  disabled,
  argv: (sel: PreviewSelection) => (sel.containers.length ? ['docker', 'rm', ...flags, ...sel.containers] : null),
});

export const rmFamily = defineFamily<RmCommand>({
  kind: 'rm',
  routes: ['rm', 'container rm|remove'],
  usage: ['docker rm [-f] [-v] [-l] CONTAINER...', 'docker container rm …'],
  help: ['docker rm [-f] [-v] [-l] CONTAINER...        docker container rm …'],
  parse: (args, at) => parseRm(args, at.argv, at.where),
  needs: () => NO_NEEDS,
  // The targets of `rm -v` (their mount specs); their `--volumes-from` donors follow (plan/index.ts `donorsOf`).
  inspect: (snapshot, cmd) => {
    if (cmd.link || !cmd.volumes) return [];
    const ids: string[] = [];
    for (const ref of cmd.containers) {
      const r = resolveContainer(snapshot.containers, ref);
      if (r.kind === 'found' && !ids.includes(r.value.id)) ids.push(r.value.id);
    }
    return ids;
  },
  plan: planRm,
  fromClient: (cmd, requests) => {
    const r = removals(requests, '/containers/', ['force', 'v', 'link']);
    if (typeof r === 'string') return r;
    if (r.names.length === 0) return 'the client removed no container';
    return { ...cmd, containers: r.names, force: r.on('force'), volumes: r.on('v'), link: r.on('link') };
  },
  confirmation: (_cmd, plan) => plan.destroy.containers[0]?.name ?? plan.destroy.volumes[0]?.name ?? 'yes',
  previews: [
    rmKey('rm', ['r'], 'rm', [], true),
    rmKey('rm-v', ['R'], 'rm -v', ['-v'], true),
    rmKey('rm-f', ['f'], 'rm -f', ['-f'], false),
  ],
});
