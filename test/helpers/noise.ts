/** Deterministic values in [0, 1) from a seed (xorshift32): test inputs that never change. */
export function noise(n: number, seed: number): Float32Array {
  let x = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) / 2 ** 32;
  }
  return out;
}
