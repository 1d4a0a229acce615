// A seeded sample of mutation points: the same SEED draws the same mutants.

/** A seeded generator (mulberry32): the sample is a pure function of SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` of `points`, drawn with `seed`, in their own order. */
export function sample<T>(points: readonly T[], n: number, seed: number): T[] {
  if (n >= points.length) return [...points];
  const idx = points.map((_, i) => i);
  const next = random(seed);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, n).sort((a, b) => a - b).map((i) => points[i]!);
}
