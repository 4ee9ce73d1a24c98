/**
 * Snapshots recorded by scripts/record-families.mjs from three real private engines (test/fixtures/families/
 * README.md): Docker 28.5.2 (API 1.51), 26.1.5 (API 1.45) and 20.10.24 (API 1.41), each read with the 28.5.2 CLI's
 * seeding and lastlook's own adapter (images with all=1, the build cache from /system/df). Tests find objects by
 * the names the recording gave them, never by ID.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageInfo, Snapshot } from '../../../src/core/model.js';

export const FAMILY_ENGINES = ['28.5.2', '26.1.5', '20.10.24'] as const;
export type FamilyEngine = (typeof FAMILY_ENGINES)[number];

const cache = new Map<FamilyEngine, Snapshot>();

export function familySnapshot(version: FamilyEngine): Snapshot {
  let s = cache.get(version);
  if (!s) {
    const file = join(import.meta.dirname, '../../fixtures/families', `families-${version}.json`);
    s = (JSON.parse(readFileSync(file, 'utf8')) as { snapshot: Snapshot }).snapshot;
    cache.set(version, s);
  }
  return s;
}

export function imageTagged(s: Snapshot, tag: string): ImageInfo {
  const i = s.images.find((x) => x.repoTags.includes(tag));
  if (!i) throw new Error(`no image ${tag} in the recording`);
  return i;
}

/** The untagged image without children: the one the second build of `fam/rebuilt:1` left dangling. */
export function danglingImage(s: Snapshot): ImageInfo {
  const parents = new Set(s.images.map((i) => i.parentId));
  const d = s.images.filter((i) => i.repoTags.length === 0 && !parents.has(i.id));
  if (d.length !== 1) throw new Error(`expected one dangling image, found ${d.length}`);
  return d[0] as ImageInfo;
}

/** The untagged intermediate parent the classic builder left under `fam/chain:1`. */
export function chainParent(s: Snapshot): ImageInfo {
  const p = s.images.find((i) => i.id === imageTagged(s, 'fam/chain:1').parentId);
  if (!p || p.repoTags.length > 0) throw new Error('no untagged parent under fam/chain:1');
  return p;
}

/** Build cache record IDs by description (`[1/2] COPY a.txt /a` on 26/28, `fileop target` on 20.10). */
export function cacheIds(s: Snapshot, test: (r: NonNullable<Snapshot['buildCache']>[number]) => boolean): string[] {
  return (s.buildCache ?? [])
    .filter(test)
    .map((r) => r.id)
    .sort();
}
