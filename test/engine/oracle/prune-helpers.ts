/**
 * Shared setup for the prune oracles (prune.test.ts, prune-filters.test.ts): each file owns its engines, empties
 * them before every scenario and builds the same volumes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, repoRoot, type TestEngine } from '../harness.js';

const lines = (s: string) => s.split('\n').filter(Boolean);

/** Empties the engine, keeping (or re-importing) the two test images. */
export async function reset(e: TestEngine): Promise<void> {
  const cs = lines(await docker(e, ['ps', '-aq']));
  if (cs.length) await docker(e, ['rm', '-f', ...cs]);
  const vs = lines(await docker(e, ['volume', 'ls', '-q']));
  if (vs.length) await docker(e, ['volume', 'rm', '-f', ...vs]);
  const ns = lines(await docker(e, ['network', 'ls', '--filter', 'type=custom', '-q']));
  if (ns.length) await docker(e, ['network', 'rm', ...ns]);
  const images = lines(await docker(e, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']));
  const tar = readFileSync(join(repoRoot, '.cache/busybox-rootfs.tar'));
  for (const [ref, extra] of [
    [e.image, []],
    [e.volumeImage, ['-c', 'VOLUME /data']],
  ] as const) {
    if (!images.some((l) => l.startsWith(`${ref} `))) {
      await docker(e, ['import', '-c', 'CMD ["/bin/sh"]', ...extra, '-', ref], { input: tar });
    }
  }
  const others = images.filter((l) => !l.startsWith(`${e.image} `) && !l.startsWith(`${e.volumeImage} `));
  // By reference, never by ID: an ID would also take a test image's own tag when another tag shares its image.
  const refs = others.map((l) =>
    l.startsWith('<none>:<none> ') ? (l.split(' ')[1] as string) : (l.split(' ')[0] as string),
  );
  if (refs.length) await docker(e, ['rmi', '-f', ...new Set(refs)]);
}

/** Unused volumes of every kind: -v anonymous, image VOLUME, --mount anonymous, named, labelled, with options. */
export async function volumeZoo(e: TestEngine): Promise<void> {
  await docker(e, ['create', '--name', 'zoo', '-v', '/anon-v', '--mount', 'type=volume,dst=/anon-m', e.volumeImage]);
  await docker(e, ['rm', 'zoo']);
  await docker(e, ['volume', 'create', 'named']);
  await docker(e, ['volume', 'create', '--label', 'com.docker.volume.anonymous=', 'fakeanon']);
  await docker(e, ['volume', 'create', '--label', 'foo=bar', 'labelled']);
  await docker(e, ['volume', 'create', '--label', 'keep=1', 'kept']);
  await docker(e, ['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', 'withopts']);
  await docker(e, ['volume', 'create', 'inuse']);
  await docker(e, ['create', '--name', 'holder', '-v', 'inuse:/x', e.image, 'true']);
}
