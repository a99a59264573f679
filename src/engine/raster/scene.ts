// Scene validation and the constants every backend shares (the WebGPU kernels receive
// them from here, never as hand-copied literals).
import type { RasterScene } from './types.ts';

/** Default half-width (px) of the coverage ramp. Coverage goes from 1 to 0 as the distance
 * to the centre line goes from r - falloff to r + falloff (r = half stroke width), along a
 * smoothstep, so the ink per unit length stays exactly 2r = width whatever the falloff (as
 * long as falloff <= r). 1 px is a little softer than a box-filtered edge (0.5 px): pixels
 * up to 1 px outside the stroke still see a gradient, which widens the basin of attraction
 * (docs/design.md "CLIPasso parameters") while keeping the 3 px stroke crisp at 224. Optimizers may anneal it. */
export const DEFAULT_FALLOFF = 1;

/** A view maps a stroke only if every flattened vertex has homogeneous w above this; a stroke
 * that crosses the map's horizon (w <= MIN_W) is not drawn in that view (zero gradient). */
export const MIN_W = 1e-4;

export interface SceneShape {
  strokes: number;
  views: number;
  size: number;
  width: number;
  falloff: number;
}

function checkFinite(name: string, values: ArrayLike<number>, stride: number, unit: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`RasterScene.${name}: non-finite value ${values[i]} at ${unit} ${Math.floor(i / stride)}, index ${i}`);
    }
  }
}

/** Checks a scene and returns its shape; throws a specific error for bad input. */
export function validateScene(scene: RasterScene): SceneShape {
  const { points, views, size, width } = scene;
  const falloff = scene.falloff ?? DEFAULT_FALLOFF;
  if (!(points instanceof Float32Array)) throw new Error('RasterScene.points must be a Float32Array');
  if (!(views instanceof Float32Array)) throw new Error('RasterScene.views must be a Float32Array');
  if (points.length % 8 !== 0) throw new Error(`RasterScene.points length ${points.length} is not a multiple of 8 (4 points x 2)`);
  if (views.length % 9 !== 0) throw new Error(`RasterScene.views length ${views.length} is not a multiple of 9 (3x3 maps)`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`RasterScene.size must be a positive integer, got ${size}`);
  if (!Number.isFinite(width) || width <= 0) throw new Error(`RasterScene.width must be finite and > 0, got ${width}`);
  if (!Number.isFinite(falloff) || falloff <= 0) throw new Error(`RasterScene.falloff must be finite and > 0, got ${falloff}`);
  checkFinite('points', points, 8, 'stroke');
  checkFinite('views', views, 9, 'view');
  return { strokes: points.length / 8, views: views.length / 9, size, width, falloff };
}

/** Coverage of a stroke at signed distance u = d - r from its edge: 1 - smoothstep(-f, f, u). */
export function coverage(u: number, falloff: number): number {
  if (u >= falloff) return 0;
  if (u <= -falloff) return 1;
  const s = (u + falloff) / (2 * falloff);
  return 1 - s * s * (3 - 2 * s);
}
