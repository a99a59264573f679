// Geometric fidelity of a sketch: symmetric Chamfer distance (px) between its ink and the
// photo's XDoG edges on the working canvas. Lower is better.

/** Exact Euclidean distance from every pixel to the nearest set pixel of `mask` (brute force over set pixels, bucketed by row). */
function distanceToMask(mask: Uint8Array, size: number): Float32Array {
  const rows: number[][] = Array.from({ length: size }, () => []);
  for (let i = 0; i < mask.length; i++) if (mask[i]) rows[Math.floor(i / size)].push(i % size);
  const out = new Float32Array(size * size).fill(Infinity);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let best = Infinity;
      // Scan rows outward from y; stop once the row distance alone exceeds the best.
      for (let d = 0; d < size && d * d < best; d++) {
        for (const yy of d === 0 ? [y] : [y - d, y + d]) {
          if (yy < 0 || yy >= size) continue;
          for (const xx of rows[yy]) {
            const dist = (xx - x) ** 2 + d * d;
            if (dist < best) best = dist;
          }
        }
      }
      out[y * size + x] = Math.sqrt(best);
    }
  }
  return out;
}

/** Mean of (distance from a's pixels to b) and (from b's pixels to a); Infinity if either is empty. */
export function symmetricChamfer(a: Uint8Array, b: Uint8Array, size: number): number {
  const countA = a.reduce((s, v) => s + v, 0), countB = b.reduce((s, v) => s + v, 0);
  if (countA === 0 || countB === 0) return Infinity;
  const toA = distanceToMask(a, size), toB = distanceToMask(b, size);
  let ab = 0, ba = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i]) ab += toB[i];
    if (b[i]) ba += toA[i];
  }
  return (ab / countA + ba / countB) / 2;
}

/** Ink mask of a rendered gray image (1 = paper): pixels darker than 0.5. */
export function inkMask(gray: Float32Array): Uint8Array {
  return Uint8Array.from(gray, (v) => (v < 0.5 ? 1 : 0));
}
