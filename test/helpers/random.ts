/**
 * A small deterministic generator (mulberry32) for the tests that compare with a reference over random input: the
 * same seed gives the same input, so a failure names a reproducible case.
 */
export function random(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}
