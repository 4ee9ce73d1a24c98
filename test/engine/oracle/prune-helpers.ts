/**
 * Shared setup for the prune oracles (prune.test.ts, prune-filters.test.ts): each file owns its engines, empties
 * them before every scenario and builds the same volumes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { given } from '../given.js';
import { docker, engineApi, repoRoot, type TestEngine, testImageChanges } from '../harness.js';

/** Every container and volume removed (`docker rm -f $(docker ps -aq)`, `docker volume rm -f …`), through the API. */
export async function removeContainersAndVolumes(e: TestEngine): Promise<void> {
  const api = engineApi(e);
  const cs = await api.listContainers({ all: true });
  await Promise.all(cs.map((c) => api.getContainer(c.Id).remove({ force: true })));
  const { Volumes: vs } = await api.listVolumes();
  await Promise.all((vs ?? []).map((v) => api.getVolume(v.Name).remove({ force: true })));
}

/**
 * The whole build cache removed (`docker builder prune -af`), through the API: `POST /build/prune?all=1`, the request
 * that command sends (dockerode's pruneBuilder sends no query).
 */
export function clearBuildCache(e: TestEngine): Promise<void> {
  const api = engineApi(e);
  return new Promise((resolve, reject) => {
    api.modem.dial(
      {
        path: '/build/prune?',
        method: 'POST',
        options: { _query: { all: true }, _body: {} },
        statusCodes: { 200: true },
      },
      (err: unknown) => (err ? reject(err) : resolve()),
    );
  });
}

/** Empties the engine, keeping (or re-importing) the two test images. Through the API: it runs before every scenario. */
export async function reset(e: TestEngine): Promise<void> {
  await removeContainersAndVolumes(e);
  const api = engineApi(e);
  const ns = await api.listNetworks({ filters: JSON.stringify({ type: ['custom'] }) });
  await Promise.all(ns.map((n) => api.getNetwork(n.Id).remove()));
  const images = await api.listImages();
  const tagged = (ref: string) => images.some((i) => (i.RepoTags ?? []).includes(ref));
  const tar = readFileSync(join(repoRoot, '.cache/busybox-rootfs.tar'));
  for (const [ref, extra] of [
    [e.image, []],
    [e.volumeImage, ['-c', 'VOLUME /data']],
  ] as const) {
    if (!tagged(ref)) {
      await docker(e, ['import', ...testImageChanges(e.kind), ...extra, '-', ref], { input: tar });
    }
  }
  // By reference, never by ID: an ID would also take a test image's own tag when another tag shares its image.
  const refs = images.flatMap((i) => {
    const tags = (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    return tags.length === 0 ? [i.Id] : tags.filter((t) => t !== e.image && t !== e.volumeImage);
  });
  for (const ref of refs) await api.getImage(ref).remove({ force: true }).catch(ignoreGone);
}

/** An image already removed with an earlier reference (or a parent removed with its child) is not an error. */
function ignoreGone(err: { statusCode?: number }): void {
  if (err.statusCode !== 404) throw err;
}

/** Unused volumes of every kind: -v anonymous, image VOLUME, --mount anonymous, named, labelled, with options. */
export async function volumeZoo(e: TestEngine): Promise<void> {
  await given(e, ['create', '--name', 'zoo', '-v', '/anon-v', '--mount', 'type=volume,dst=/anon-m', e.volumeImage]);
  await given(e, ['rm', 'zoo']);
  await given(e, ['volume', 'create', 'named']);
  await given(e, ['volume', 'create', '--label', 'com.docker.volume.anonymous=', 'fakeanon']);
  await given(e, ['volume', 'create', '--label', 'foo=bar', 'labelled']);
  await given(e, ['volume', 'create', '--label', 'keep=1', 'kept']);
  await given(e, ['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', 'withopts']);
  await given(e, ['volume', 'create', 'inuse']);
  await given(e, ['create', '--name', 'holder', '-v', 'inuse:/x', e.image, 'true']);
}
