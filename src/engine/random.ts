// Seeded PRNG (mulberry32): deterministic per seed on every platform; Math.random is never
// used by the engine so a run is reproducible from its seed.

export type Random = () => number;

/** Uniform [0, 1) generator for a 32-bit seed. */
export function createRandom(seed: number): Random {
  return mulberry32((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
}

/** The mulberry32 generator from a raw 32-bit state (tests use it for seeded fixtures). */
export function mulberry32(state: number): Random {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [lo, hi). */
export function uniform(random: Random, lo: number, hi: number): number {
  return lo + (hi - lo) * random();
}

/** Integer in [lo, hi] inclusive. */
export function randomInt(random: Random, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}
