// The tiny MobileNetV2-shaped conv net (tiny-conv-net.ts) with fixed LCG weights, free of
// Node-side imports (nn-check.ts pulls in onnxruntime) so the browser pipeline bundle can use it.
import type { Graph, Tensor } from '../../src/engine/compiler/graph.ts';
import type { Architecture } from '../../src/engine/networks/loss-graph.ts';
import { tinyConvNetOf } from './tiny-conv-net.ts';

function weights(g: Graph, seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return (shape: number[], scale = 0.4): Tensor =>
    g.weight(
      'w',
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * scale),
      shape,
    );
}

/** Stem, inverted residual, strided conv, pools (tiny-conv-net.ts) with this file's weights. */
export const pipelineTestNet: Architecture = tinyConvNetOf((g) => weights(g, 100));
