// Shared inputs of the MobileNetV2 tests: the embedded model file (built from the installed
// nsfwjs when missing) and a real photo fixture.
import { existsSync, readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { buildEmbeddedModel, EMBEDDED_MODEL_PATH } from '../../models/build-embedded.ts';

/** The bytes of build/models/embedded-mobilenetv2.bin, building it first if needed. */
export function embeddedModelBytes(): Uint8Array {
  if (!existsSync(EMBEDDED_MODEL_PATH)) buildEmbeddedModel();
  return new Uint8Array(readFileSync(EMBEDDED_MODEL_PATH));
}

export interface Photo {
  size: number;
  /** HWC RGB in [0, 1] (x / 255, nsfwjs's preprocessing). */
  hwc: Float32Array;
  /** The same as CHW (our models' layout). */
  chw: Float32Array;
}

/** A 224x224 fixture from test/fixtures (`chelsea`, `horse`). */
export function photo(name: string): Photo {
  const png = PNG.sync.read(readFileSync(new URL(`../fixtures/${name}-224.png`, import.meta.url)));
  const size = png.width;
  const n = size * size;
  const hwc = new Float32Array(n * 3);
  const chw = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = png.data[i * 4 + c] / 255;
      hwc[i * 3 + c] = v;
      chw[c * n + i] = v;
    }
  }
  return { size, hwc, chw };
}

/** NHWC [h, w, c] (batch 1) to CHW. */
export function hwcToChw(data: ArrayLike<number>, h: number, w: number, c: number): Float64Array {
  const out = new Float64Array(h * w * c);
  for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) out[k * h * w + i] = data[i * c + k];
  return out;
}

/** max |a - b| / max |b|: the error relative to the reference's range. */
export function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}
