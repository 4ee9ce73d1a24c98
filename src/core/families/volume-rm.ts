/** `docker volume rm|remove [-f] VOLUME...` (shared/docker-semantics.md §5). */
import { removals } from '../client-requests.js';
import { planVolumeRm } from '../plan/volume.js';
import { defineFamily } from './family.js';
import {
  bool,
  type CommandBase,
  CommandLineError,
  engineRefs,
  forceFlag,
  parseFlags,
  type RejectedRef,
} from './pflag.js';

export interface VolumeRmCommand extends CommandBase {
  readonly kind: 'volume-rm';
  readonly force: boolean;
  /** What the engine receives for each argument (see `engineRef`), in order. */
  readonly volumes: string[];
  /** The arguments as typed, parallel to `volumes`. */
  readonly typed?: readonly string[];
  readonly rejected?: readonly RejectedRef[];
}

export const volumeRmFamily = defineFamily<VolumeRmCommand>({
  kind: 'volume-rm',
  routes: ['volume rm|remove'],
  usage: ['docker volume rm [-f] VOLUME...'],
  parse: (args, at) => {
    const { values, positionals } = parseFlags(args, [forceFlag], at.where);
    if (positionals.length === 0) throw new CommandLineError(`"${at.where}" requires at least 1 argument`);
    const r = engineRefs('volumes', positionals);
    return {
      kind: 'volume-rm',
      force: bool(values, 'force'),
      volumes: r.refs,
      typed: r.typed,
      rejected: r.rejected,
      ...(r.notes.length ? { notes: r.notes } : {}),
      argv: at.argv,
    };
  },
  needs: () => ({ networks: false, images: false, prefetch: 'volumes' }),
  plan: planVolumeRm,
  fromClient: (cmd, requests) => {
    const r = removals(requests, '/volumes/', ['force']);
    if (typeof r === 'string') return r;
    if (r.names.length === 0) return 'the client removed no volume';
    return { ...cmd, volumes: r.names, force: r.on('force') };
  },
  confirmation: (_cmd, plan) => plan.destroy.volumes[0]?.name ?? 'yes',
  previews: [
    {
      id: 'volume-rm',
      keys: ['x'],
      label: 'volume rm',
      footer: true,
      views: ['volumes'],
      disabled: (sel) =>
        sel.view !== 'volumes'
          ? 'switch to the volumes view (V) and select a volume'
          : sel.volume
            ? null
            : 'no volume selected',
      argv: (sel) => (sel.volume ? ['docker', 'volume', 'rm', sel.volume] : null),
    },
  ],
});
