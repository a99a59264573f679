// A tiny MobileNetV2-shaped conv net (stem, inverted residual, strided conv, pools, linear
// embedding) with fixed pseudo-random weights, self-contained so browser bundles need not
// pull in Node-side test helpers. Same structure as tiny-archs.ts tinyConvNet.
import type { Graph, Tensor } from '../../src/engine/nn/graph.ts';
import * as nn from '../../src/engine/nn/index.ts';
import type { Architecture } from '../../src/engine/nn/loss.ts';

function weights(g: Graph, seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return (shape: number[], scale = 0.4): Tensor => g.weight('w', Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * scale), shape);
}

export const pipelineTestNet: Architecture = (g, images) => {
  const W = weights(g, 100);
  const B = images.shape[0];
  const x = nn.sub(nn.mul(images, 2), 1);
  const stem = nn.relu6(nn.conv(x, W([4, 3, 3, 3]), W([4]), { strides: [2, 2], pads: [0, 0, 1, 1] }));
  const e = nn.relu6(nn.conv(stem, W([8, 4, 1, 1]), W([8])));
  const d = nn.relu6(nn.conv(e, W([8, 1, 3, 3]), W([8]), { pads: [1, 1, 1, 1], group: 8 }));
  const block = nn.add(stem, nn.conv(d, W([4, 8, 1, 1]), W([4])));
  const down = nn.relu(nn.conv(block, W([6, 4, 3, 3]), null, { strides: [2, 2], pads: [1, 1, 1, 1] }));
  const pooled = nn.averagePool(down, { kernel: [2, 2], strides: [2, 2] });
  const embedding = nn.gemm(nn.reshape(nn.globalAveragePool(pooled), [B, 6]), W([5, 6]), { transB: true }, W([5]));
  return { taps: { block, down }, embedding };
};
