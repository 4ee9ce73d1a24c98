/** Compares dotted versions numerically: `20.10.24+dfsg1` < `23.0.0` < `26.1.5`; `1.41` < `1.45`. */
export function compareVersions(a: string, b: string): number {
  const pa =
    a
      .split(/[^0-9.]/)[0]
      ?.split('.')
      .map((x) => Number(x) || 0) ?? [];
  const pb =
    b
      .split(/[^0-9.]/)[0]
      ?.split('.')
      .map((x) => Number(x) || 0) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
