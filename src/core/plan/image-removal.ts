/**
 * What the engine's image deletion really does (moby daemon/images/image_delete.go and image_prune.go, the same from
 * 20.10 to 28 with the graph-driver image store), replayed on a snapshot of every image (`GET /images/json?all=1`,
 * intermediate parents included). Pure.
 *
 * `DELETE /images/{ref}` without force: when `ref` is the image's only reference and any container (running or not)
 * uses the image, it is refused ("must force"); otherwise the reference goes, and the image goes with its last one
 * unless it still has children (then it stays, untagged, quietly). With `prune` (what `docker rmi` and every prune
 * send; Compose sends `noprune=1`), each parent left without tag, child or container goes too, up the chain.
 * `POST /images/prune`: the top images (with a reference, or without children; only images without children when
 * dangling-only), matching the filters, each deleted through every one of its references in order, with `prune`.
 */
import type { ContainerInfo, ImageInfo, Snapshot } from '../model.js';
import type { PlannedImage, PlannedUntag } from './types.js';

/** The outcome: images the engine deletes (children before parents) and references it removes from images that stay. */
export interface ImageRemoval {
  readonly deleted: readonly ImageInfo[];
  readonly untagged: readonly { readonly image: ImageInfo; readonly refs: readonly string[] }[];
}

const repoOf = (ref: string) => ref.replace(/(@.*|:[^:/]*)$/, '');

/** The engine's image store as the deletions change it. */
class ImageStore {
  private readonly refs = new Map<string, string[]>();
  private readonly live = new Map<string, ImageInfo>();
  private readonly used: Set<string>;
  readonly deleted: ImageInfo[] = [];
  readonly removedRefs = new Map<string, string[]>();

  constructor(images: readonly ImageInfo[], containers: readonly ContainerInfo[]) {
    for (const i of images) {
      this.live.set(i.id, i);
      // The reference store lists references sorted (reference/store.go lexicalRefs).
      this.refs.set(i.id, [...i.repoTags, ...(i.repoDigests ?? [])].sort());
    }
    this.used = new Set(containers.map((c) => c.imageId));
  }

  has(id: string): boolean {
    return this.live.has(id);
  }
  referencesOf(id: string): readonly string[] {
    return this.refs.get(id) ?? [];
  }
  children(id: string): number {
    let n = 0;
    for (const i of this.live.values()) if (i.parentId === id) n++;
    return n;
  }
  imageOf(ref: string): string | undefined {
    for (const [id, refs] of this.refs) if (this.live.has(id) && refs.includes(ref)) return id;
    return undefined;
  }

  /** `isSingleReference`: one reference, or one tag and digests of its own repository only. */
  private single(id: string): boolean {
    const refs = this.referencesOf(id);
    if (refs.length <= 1) return refs.length === 1;
    const tags = refs.filter((r) => !r.includes('@'));
    if (tags.length > 1) return false;
    const repos = new Set(refs.filter((r) => r.includes('@')).map(repoOf));
    const one = tags[0] ?? refs[0] ?? '';
    return repos.size === 1 && repos.has(repoOf(one));
  }

  private dropRef(id: string, ref: string): void {
    let refs = this.referencesOf(id).filter((r) => r !== ref);
    // A tag removed with no other tag of its repository left takes that repository's digests with it.
    if (!ref.includes('@') && !refs.some((r) => !r.includes('@') && repoOf(r) === repoOf(ref))) {
      refs = refs.filter((r) => !(r.includes('@') && repoOf(r) === repoOf(ref)));
    }
    const gone = this.referencesOf(id).filter((r) => !refs.includes(r));
    this.refs.set(id, refs);
    this.removedRefs.set(id, [...(this.removedRefs.get(id) ?? []), ...gone]);
  }

  /** `ImageDelete(ref, force=false, prune)`. */
  deleteRef(ref: string, prune: boolean): void {
    const id = this.imageOf(ref);
    if (id === undefined) return;
    if (this.single(id) && this.used.has(id)) return;
    this.dropRef(id, ref);
    if (this.referencesOf(id).length > 0) return;
    this.deleteImage(id, prune);
  }

  /** `imageDeleteHelper(id, force=false, prune)`: any conflict (child, container, reference) stops it. */
  deleteImage(id: string, prune: boolean): void {
    const img = this.live.get(id);
    if (!img || this.children(id) > 0 || this.used.has(id) || this.referencesOf(id).length > 0) return;
    this.live.delete(id);
    this.refs.delete(id);
    this.deleted.push(img);
    if (prune && img.parentId) this.deleteImage(img.parentId, true);
  }

  result(): ImageRemoval {
    const gone = new Set(this.deleted.map((i) => i.id));
    const untagged = [...this.removedRefs]
      .filter(([id, refs]) => !gone.has(id) && refs.length > 0)
      .map(([id, refs]) => ({ image: this.live.get(id) as ImageInfo, refs }));
    return { deleted: this.deleted, untagged };
  }
}

/**
 * `DELETE /images/{ref}` for each of `refs` in turn (not force), with or without `prune`. `containers` are the
 * containers that exist when the deletions run.
 */
export function removeImageRefs(
  images: readonly ImageInfo[],
  containers: readonly ContainerInfo[],
  refs: readonly string[],
  opts: { readonly prune: boolean },
): ImageRemoval {
  const store = new ImageStore(images, containers);
  for (const ref of refs) store.deleteRef(ref, opts.prune);
  return store.result();
}

/**
 * `POST /images/prune` (`dangling` true unless -a). `matches` applies the label and `until` filters to the top
 * images; the parents they leave behind go regardless of the filters.
 */
export function pruneImages(
  images: readonly ImageInfo[],
  containers: readonly ContainerInfo[],
  opts: { readonly danglingOnly: boolean; readonly matches: (img: ImageInfo) => boolean },
): ImageRemoval {
  const store = new ImageStore(images, containers);
  const top = images.filter((img) => {
    const children = store.children(img.id);
    if (opts.danglingOnly && children > 0) return false;
    if (store.referencesOf(img.id).length === 0 && children > 0) return false;
    return opts.matches(img);
  });
  for (const img of top) {
    if (!store.has(img.id)) continue;
    const refs = store.referencesOf(img.id);
    if (refs.length === 0) {
      store.deleteImage(img.id, true);
      continue;
    }
    // Dangling-only keeps any image with a tag (digest-only references do not count).
    if (opts.danglingOnly && refs.some((r) => !r.includes('@'))) continue;
    for (const ref of [...refs]) store.deleteRef(ref, true);
  }
  return store.result();
}

/** An image the plan destroys: its bytes are what it adds on its parent (the parent's layers may stay). */
export function plannedImage(snapshot: Pick<Snapshot, 'images'>, img: ImageInfo): Omit<PlannedImage, 'reason'> {
  const parent = img.parentId ? snapshot.images.find((p) => p.id === img.parentId) : undefined;
  return {
    id: img.id,
    tags: img.repoTags,
    bytes: parent ? Math.max(0, img.size - parent.size) : img.size,
  };
}

/** References removed from an image that stays, and why it stays. */
export function untagEntry(
  snapshot: Pick<Snapshot, 'images' | 'containers'>,
  survivors: readonly ContainerInfo[],
  img: ImageInfo,
  refs: readonly string[],
  by: string,
): PlannedUntag {
  const keeps = [...img.repoTags, ...(img.repoDigests ?? [])].filter((r) => !refs.includes(r));
  const users = survivors.filter((c) => c.imageId === img.id).map((c) => c.name);
  const children = snapshot.images.some((i) => i.parentId === img.id);
  const why =
    keeps.length > 0 && users.length > 0
      ? `${users.sort().join(', ')} ${users.length === 1 ? 'uses' : 'use'} it: the engine refuses to remove its last reference, ${keeps.join(', ')}`
      : keeps.length > 0
        ? `it keeps ${keeps.join(', ')}`
        : children
          ? 'it has child images: it stays, untagged'
          : 'it stays';
  return { id: img.id, refs, keeps, reason: `${by} removes ${refs.join(', ')}; ${why}` };
}
