/**
 * `docker compose [-p NAME] [-f FILE]... rm [-s] [-v] [-f] [SERVICE...]`, or the same with `docker-compose`
 * (Compose 2.26.1 and 2.40.3: pkg/compose/remove.go).
 */
import { COMPOSE_LABELS } from '../model.js';
import { composeContainersToInspect } from '../plan/compose.js';
import { planComposeRm } from '../plan/compose-rm.js';
import { type ComposeProjectArgs, parseComposeSub } from './compose-common.js';
import { defineFamily, type PreviewSelection } from './family.js';
import { bool } from './pflag.js';

export interface ComposeRmCommand extends ComposeProjectArgs {
  kind: 'compose-rm';
  stop: boolean;
  volumes: boolean;
  force: boolean;
  services: string[];
  argv: string[];
}

export const composeRmFamily = defineFamily<ComposeRmCommand>({
  kind: 'compose-rm',
  routes: ['compose rm'],
  usage: ['docker compose [-p NAME] [-f FILE]... rm [-s] [-v] [-f] [SERVICE...]'],
  parse: (args, at) => {
    const {
      values: v,
      positionals,
      project,
    } = parseComposeSub(
      args,
      [
        { long: 'force', short: 'f', type: 'bool' },
        { long: 'stop', short: 's', type: 'bool' },
        { long: 'volumes', short: 'v', type: 'bool' },
        // Hidden and deprecated: "no effect".
        { long: 'all', short: 'a', type: 'bool' },
      ],
      at,
    );
    return {
      kind: 'compose-rm',
      ...project,
      stop: bool(v, 'stop'),
      volumes: bool(v, 'volumes'),
      force: bool(v, 'force'),
      services: positionals,
      argv: at.argv,
    };
  },
  needs: () => ({ networks: false, images: false }),
  inspect: composeContainersToInspect,
  plan: planComposeRm,
  // Compose reads the project (as for down); with -s the client's recording cannot tell what rm removes: the stop
  // it sends is answered by the recording endpoint, so Compose then sees its containers still running.
  confirmation: (cmd, plan) =>
    plan.destroy.containers.find((c) => c.project)?.project ??
    plan.destroy.volumes.find((v) => v.labels?.[COMPOSE_LABELS.project])?.labels?.[COMPOSE_LABELS.project] ??
    cmd.projectName ??
    plan.destroy.containers[0]?.name ??
    'yes',
  composeProject: (cmd) => ({ ...cmd, removeOrphans: false, rmi: null }),
  stopsFirst: true,
  previews: [
    {
      id: 'compose-rm-sv',
      keys: ['m'],
      label: 'compose rm -s -v',
      footer: false,
      views: ['containers'],
      disabled: (sel: PreviewSelection) =>
        sel.view !== 'containers'
          ? 'select a compose project in the containers view (V)'
          : sel.project
            ? null
            : 'the selection is not part of a compose project',
      argv: (sel: PreviewSelection) =>
        sel.project ? ['docker', 'compose', '-p', sel.project, 'rm', '-s', '-v'] : null,
    },
  ],
});
