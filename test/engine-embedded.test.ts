// End to end with the real embedded MobileNetV2 (onnxruntime-web wasm) and the CPU rasterizer,
// a few iterations: the whole pipeline runs and the optimizer lowers the real loss.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/cli/decode.ts';
import { embeddedLossModel } from '../src/cli/models.ts';
import { sketchify } from '../src/engine/sketch.ts';
import { embeddedWeights } from './helpers/embedded-weights.ts';
import { toSvg } from '../src/engine/svg.ts';


describe('sketchify with the embedded model', () => {
  it('sketches the horse fixture and lowers the loss in a few iterations', async () => {
    const model = await embeddedLossModel(await embeddedWeights());
    const image = decodeImage(new Uint8Array(readFileSync(new URL('./fixtures/horse.png', import.meta.url))));
    const result = await sketchify(image, { strokes: 8, iterations: 12, views: 1, seeds: 1, evalEvery: 4, backend: 'cpu' }, { model });
    expect(result.model).toBe('embedded');
    expect(result.lossInitial).toBeCloseTo(2, 4); // normalized: two taps at 1, no semantic term
    expect(result.lossFinal).toBeLessThan(result.lossInitial);
    expect(result.points.every(Number.isFinite)).toBe(true);
    expect(toSvg(result).match(/<path /g)).toHaveLength(8);
    await model.dispose();
  }, 120_000);
});
