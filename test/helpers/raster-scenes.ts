// Deterministic random scenes shared by the rasterizer tests (CPU and WebGPU).
import { squareToQuad } from '../../src/engine/geometry/projective.ts';
import { mulberry32 } from '../../src/engine/random.ts';

/** Small seeded PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  return mulberry32(seed);
}

/** N CLIPasso-like strokes: a start point, then each control point a small random step on. */
export function randomStrokes(n: number, size: number, seed: number, step = 0.25): Float32Array<ArrayBuffer> {
  const r = rng(seed);
  const out = new Float32Array(n * 8);
  for (let s = 0; s < n; s++) {
    let x = size * (0.15 + 0.7 * r()),
      y = size * (0.15 + 0.7 * r());
    for (let j = 0; j < 4; j++) {
      out[s * 8 + 2 * j] = x;
      out[s * 8 + 2 * j + 1] = y;
      x += size * step * (r() - 0.5);
      y += size * step * (r() - 0.5);
    }
  }
  return out;
}

/** A perspective view like CLIPasso's RandomPerspective: corners moved by up to `distortion` * size/2. */
export function perspectiveView(size: number, seed: number, distortion = 0.3): number[] {
  const r = rng(seed);
  const d = (distortion * size) / 2;
  const quad = [0, 0, size, 0, size, size, 0, size].map((c) => c + (c === 0 ? 1 : -1) * d * r());
  return squareToQuad(size, quad);
}
