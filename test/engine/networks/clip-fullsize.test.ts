// Full-size shape check without real weights: RN50, RN101 and ViT-B/32 graphs built from
// zero tensors with the real shapes at 224 x 224. Parameter counts equal the published image
// towers; matrix FLOPs (2 per multiply-add) equal the architectures' analytic counts.
import { describe, expect, it } from 'vitest';
import { CLIP_RN101, CLIP_RN50, clipResNet, clipResNetSpec, type ClipResNetConfig } from '../../../src/engine/networks/clip-resnet.ts';
import { CLIP_VIT_B32, clipVit, clipVitSpec } from '../../../src/engine/networks/clip-vit.ts';
import { countFlops } from '../../../src/engine/compiler/flops.ts';
import { buildForwardGraph, buildLossGraph } from '../../../src/engine/networks/loss-graph.ts';
import type { WeightSpec } from '../../../src/engine/weights/weight-set.ts';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const zeros = (spec: WeightSpec) => ({ float32: (n: string): Float32Array => new Float32Array(size(spec.tensors.get(n)!)) });
/** Trainable parameters (BatchNorm running statistics are buffers, not parameters). */
const parameters = (spec: WeightSpec): number =>
  [...spec.tensors].reduce((s, [n, sh]) => s + (/running_(mean|var)$/.test(n) ? 0 : size(sh)), 0);

/** Multiply-adds of a CLIP ModifiedResNet at 224, counted conv by conv from the paper's design. */
function resnetMacs(c: ClipResNetConfig): number {
  let macs = 0;
  const conv = (hw: number, cin: number, cout: number, k: number): void => void (macs += hw * hw * cin * cout * k * k);
  conv(112, 3, 32, 3);
  conv(112, 32, 32, 3);
  conv(112, 32, 64, 3);
  let hw = 56;
  let inplanes = 64;
  c.layers.forEach((blocks, s) => {
    const planes = 64 * 2 ** s;
    for (let i = 0; i < blocks; i++) {
      const stride = i === 0 && s > 0 ? 2 : 1;
      conv(hw, inplanes, planes, 1);
      conv(hw, planes, planes, 3); // at the input resolution: CLIP pools after this conv
      conv(hw / stride, planes, planes * 4, 1);
      if (i === 0) conv(hw / stride, inplanes, planes * 4, 1);
      hw /= stride;
      inplanes = planes * 4;
    }
  });
  const E = 2048;
  const T = 50;
  macs += 2 * T * E * E + E * E; // k, v for all tokens; q for the class token only
  macs += 2 * T * E; // scores and context of the class query
  macs += E * c.outputDim;
  return macs;
}

function vitMacs(): number {
  const D = 768;
  const T = 50;
  return 49 * D * 3 * 32 * 32 + 12 * (12 * T * D * D + 2 * T * T * D) + D * 512;
}

describe('full-size CLIP towers (zero weights, real shapes)', () => {
  it.each([
    ['RN50', clipResNetSpec(CLIP_RN50), 38_316_896, 38.3e6],
    ['RN101', clipResNetSpec(CLIP_RN101), 56_259_936, 56.3e6],
    ['ViT-B/32', clipVitSpec(CLIP_VIT_B32), 87_849_216, 87.8e6],
  ])('%s has the published parameter count', (_name, spec, exact, published) => {
    expect(parameters(spec)).toBe(exact);
    expect(Math.abs(parameters(spec) - published) / published).toBeLessThan(0.002);
  });

  it.each([
    ['RN50', CLIP_RN50],
    ['RN101', CLIP_RN101],
  ])('%s graph builds; forward FLOPs equal the analytic count; loss-and-gradient is ~2x forward', (_name, config) => {
    const spec = clipResNetSpec(config);
    const arch = clipResNet(config, zeros(spec));
    const fwd = buildForwardGraph(arch, { batch: 1, size: 224 });
    expect(fwd.outputs.find((o) => o.name === 'tap_layer2')!.shape).toEqual([1, 512, 28, 28]);
    expect(fwd.outputs.find((o) => o.name === 'tap_layer3')!.shape).toEqual([1, 1024, 14, 14]);
    expect(fwd.outputs.find((o) => o.name === 'embedding')!.shape).toEqual([1, config.outputDim]);
    expect(countFlops(fwd)).toBe(2 * resnetMacs(config));
    const loss = countFlops(buildLossGraph(arch, { batch: 5, size: 224 }));
    expect(loss / (5 * countFlops(fwd))).toBeGreaterThan(1.9);
    expect(loss / (5 * countFlops(fwd))).toBeLessThan(2.1);
  });

  it('ViT-B/32 graph builds; forward FLOPs equal the analytic count; saliency is 7x7', () => {
    const spec = clipVitSpec(CLIP_VIT_B32);
    const fwd = buildForwardGraph(clipVit(CLIP_VIT_B32, zeros(spec)), { batch: 1, size: 224 });
    expect(fwd.outputs.find((o) => o.name === 'saliency')!.shape).toEqual([1, 7, 7]);
    expect(fwd.outputs.find((o) => o.name === 'tap_block4')!.shape).toEqual([1, 50, 768]);
    expect(countFlops(fwd)).toBe(2 * vitMacs());
  });
});
