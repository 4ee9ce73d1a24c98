/**
 * The engine's image deletion replayed (src/core/plan/image-removal.ts) on an image list recorded from a real
 * 20.10.24 engine with legacy-builder parents (test/fixtures/images/README.md), compared with what that engine held
 * after `docker system prune -af`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ContainerInfo, ImageInfo } from '../../../src/core/model.js';
import { pruneImages, removeImageRefs } from '../../../src/core/plan/image-removal.js';

interface RawImage {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Size: number;
  Created: number;
  Labels: Record<string, string> | null;
}
const recorded = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/images/legacy-builder-20.10.24.json'), 'utf8'),
) as {
  before: { images: RawImage[]; containers: { Id: string; Names: string[]; ImageID: string; State: string }[] };
  after: { images: RawImage[] };
};

/** As the adapter maps `GET /images/json?all=1` (src/docker/dockerode-adapter.ts listImages). */
const image = (i: RawImage): ImageInfo => ({
  id: i.Id,
  repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
  repoDigests: (i.RepoDigests ?? []).filter((t) => t !== '<none>@<none>'),
  parentId: i.ParentId,
  size: i.Size,
  created: i.Created,
  labels: i.Labels ?? {},
});
const images = recorded.before.images.map(image);
const containers = recorded.before.containers.map(
  (c) => ({ id: c.Id, name: (c.Names[0] ?? '').slice(1), imageId: c.ImageID, state: c.State }) as ContainerInfo,
);
const byTag = (tag: string) => images.find((i) => i.repoTags.includes(tag)) as ImageInfo;

describe('image deletion as the 20.10.24 engine did it', () => {
  test('prune -a: what the engine held afterwards, image by image and tag by tag', () => {
    const r = pruneImages(images, containers, { danglingOnly: false, matches: () => true });
    const gone = new Set(r.deleted.map((i) => i.id));
    const untagged = new Map(r.untagged.map((u) => [u.image.id, u.refs]));
    const left = images
      .filter((i) => !gone.has(i.id))
      .map((i) => ({ id: i.id, tags: i.repoTags.filter((t) => !(untagged.get(i.id) ?? []).includes(t)) }));
    const after = recorded.after.images.map(image).map((i) => ({ id: i.id, tags: i.repoTags }));
    expect(left.sort((a, b) => a.id.localeCompare(b.id))).toEqual(after.sort((a, b) => a.id.localeCompare(b.id)));
    // The used image keeps only its last reference; the base image, a parent of kept images, is only untagged.
    expect(untagged.get(byTag('legacy/app:extra').id)).toEqual(['legacy/app:1']);
    expect(untagged.get(byTag('lltest/busybox:1').id)).toEqual(['lltest/busybox:1']);
    expect(r.deleted).toHaveLength(1);
  });

  test('dangling only: the first build goes; its parents are shared with the second build, so they stay', () => {
    const r = pruneImages(images, containers, { danglingOnly: true, matches: () => true });
    const dangling = images.filter((i) => i.repoTags.length === 0 && !images.some((c) => c.parentId === i.id));
    expect(r.deleted.map((i) => i.id)).toEqual(dangling.map((i) => i.id));
    expect(r.untagged).toEqual([]);
  });

  test('without the running container, the whole second build goes with its parents, down to the tagged base', () => {
    const r = pruneImages(images, [], { danglingOnly: false, matches: () => true });
    const base = byTag('lltest/busybox:1');
    // Everything but the base, which is deleted too once its last child is gone: children before parents.
    expect(new Set(r.deleted.map((i) => i.id))).toEqual(new Set(images.map((i) => i.id)));
    for (const [n, img] of r.deleted.entries()) {
      expect(r.deleted.slice(n + 1).some((later) => later.parentId === img.id && later.id !== base.id)).toBe(false);
    }
  });

  test('Compose-style removal (noprune) of a used image’s second tag only untags; of its last tag is refused', () => {
    const used = byTag('legacy/app:extra');
    const one = removeImageRefs(images, containers, ['legacy/app:1'], { prune: false });
    expect(one.deleted).toEqual([]);
    expect(one.untagged).toEqual([{ image: used, refs: ['legacy/app:1'] }]);
    const both = removeImageRefs(images, containers, ['legacy/app:1', 'legacy/app:extra'], { prune: false });
    expect(both.untagged).toEqual([{ image: used, refs: ['legacy/app:1'] }]);
  });

  test('rmi with prune of an unused tagged image takes its untagged parents, up to the first tagged one', () => {
    const app = byTag('legacy/app:1');
    const r = removeImageRefs(images, [], ['legacy/app:1', 'legacy/app:extra'], { prune: true });
    const chain: string[] = [];
    for (let p = app.id; p && p !== byTag('lltest/busybox:1').id; p = images.find((i) => i.id === p)?.parentId ?? '') {
      chain.push(p);
    }
    // The first build's dangling image still hangs off the shared parents: they stay.
    const shared = images.filter((i) => images.filter((c) => c.parentId === i.id).length > 1).map((i) => i.id);
    expect(r.deleted.map((i) => i.id)).toEqual(
      chain.slice(
        0,
        chain.findIndex((id) => shared.includes(id)),
      ),
    );
  });
});
