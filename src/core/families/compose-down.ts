/**
 * `docker compose [-p NAME] [-f FILE]... [--project-directory DIR] [--profile P]... [--env-file F] down [-v]
 * [--remove-orphans] [--rmi local|all] [-t N] [SERVICE...]`, or the same with `docker-compose`
 * (shared/docker-semantics.md §3.1).
 */
import { COMPOSE_LABELS } from '../model.js';
import { composeContainersToInspect, planComposeDown } from '../plan/compose.js';
import { type ComposeProjectArgs, parseComposeSub } from './compose-common.js';
import { defineFamily, type PreviewSelection } from './family.js';
import { bool, CommandLineError, str } from './pflag.js';

export interface ComposeDownCommand extends ComposeProjectArgs {
  kind: 'compose-down';
  volumes: boolean;
  removeOrphans: boolean;
  rmi: 'local' | 'all' | null;
  services: string[];
  argv: string[];
}

const downKey = (id: string, keys: string[], label: string, flags: string[], footer: boolean, hint?: string) => ({
  id,
  keys,
  label,
  ...(hint ? { hint } : {}),
  footer,
  views: ['containers'] as const,
  disabled: (sel: PreviewSelection) =>
    sel.view !== 'containers'
      ? 'select a compose project in the containers view (V)'
      : sel.project
        ? null
        : 'the selection is not part of a compose project',
  argv: (sel: PreviewSelection) => (sel.project ? ['docker', 'compose', '-p', sel.project, 'down', ...flags] : null),
});

export const composeDownFamily = defineFamily<ComposeDownCommand>({
  kind: 'compose-down',
  routes: ['compose down'],
  usage: ['docker compose [-p NAME] [-f FILE]... down [-v] [--remove-orphans] [--rmi local|all] [SERVICE...]'],
  help: [
    'docker compose [-p NAME] [-f FILE]... [--project-directory DIR] [--profile P]...',
    '               down [-v] [--remove-orphans] [--rmi local|all] [SERVICE...]      (docker-compose too)',
  ],
  parse: (args, at) => {
    const {
      values: v,
      positionals,
      project,
    } = parseComposeSub(
      args,
      [
        { long: 'volumes', short: 'v', type: 'bool' },
        { long: 'remove-orphans', type: 'bool' },
        { long: 'rmi', type: 'string' },
        { long: 'timeout', short: 't', type: 'string' },
      ],
      at,
    );
    const rmi = str(v, 'rmi');
    if (rmi !== null && rmi !== 'local' && rmi !== 'all') {
      throw new CommandLineError(`invalid value for --rmi: "${rmi}" (expected local or all)`);
    }
    const timeout = str(v, 'timeout');
    if (timeout !== null && !/^-?\d+$/.test(timeout)) {
      throw new CommandLineError(`invalid argument "${timeout}" for "-t, --timeout": expected a number of seconds`);
    }
    return {
      kind: 'compose-down',
      ...project,
      volumes: bool(v, 'volumes'),
      removeOrphans: bool(v, 'remove-orphans'),
      rmi,
      services: positionals,
      argv: at.argv,
    };
  },
  // --rmi reads the images: their tags and which surviving containers use them.
  needs: (cmd) => ({ networks: true, images: cmd.rmi !== null }),
  inspect: composeContainersToInspect,
  plan: planComposeDown,
  fromClient: () => 'compose down is read through Compose itself',
  confirmation: (cmd, plan) => {
    const fromLabels =
      plan.destroy.containers.find((c) => c.project)?.project ??
      plan.destroy.volumes.find((v) => v.labels?.[COMPOSE_LABELS.project])?.labels?.[COMPOSE_LABELS.project];
    return fromLabels ?? cmd.projectName ?? plan.destroy.containers[0]?.name ?? plan.destroy.volumes[0]?.name ?? 'yes';
  },
  composeProject: (cmd) => cmd,
  stopsFirst: true,
  previews: [
    downKey('down', ['d'], 'compose down', [], false),
    downKey('down-v', ['D'], 'compose down -v', ['-v'], true, 'down -v'),
  ],
});
