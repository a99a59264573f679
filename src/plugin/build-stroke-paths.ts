// Strokes (subject units) -> Figma path data in the frame given by `toLocal`. Every mapped
// coordinate is checked before anything is created: a non-finite or far-off point means the
// input or the layout is broken, and nothing must be inserted.

import { apply, type Affine } from '../common/affine.ts';

/** |coordinate| in node pixels beyond which a point is refused (Figma's canvas is far smaller). */
export const MAX_LOCAL_COORD = 1e7;

function format(v: number): string {
  if (Math.abs(v) < 5e-4) return '0';
  return String(Number(v.toFixed(3))); // toFixed never uses exponents below 1e21
}

export function buildStrokePaths(strokes: readonly (readonly number[])[], toLocal: Affine): string[] {
  return strokes.map((stroke, s) => {
    if (stroke.length !== 8) throw new Error(`stroke ${s + 1} has ${stroke.length} numbers; a cubic needs 8`);
    const p: string[] = [];
    for (let i = 0; i < 8; i += 2) {
      const q = apply(toLocal, stroke[i], stroke[i + 1]);
      if (!Number.isFinite(q.x) || !Number.isFinite(q.y) || Math.abs(q.x) > MAX_LOCAL_COORD || Math.abs(q.y) > MAX_LOCAL_COORD) {
        throw new Error(`stroke ${s + 1} lands outside the canvas (${q.x}, ${q.y}); nothing was inserted`);
      }
      p.push(`${format(q.x)} ${format(q.y)}`);
    }
    return `M ${p[0]} C ${p[1]} ${p[2]} ${p[3]}`;
  });
}
