// The tiny MobileNetV2-shaped conv net shared by the Node gradient tests (tiny-archs.ts) and
// the browser pipeline test (pipeline-arch.ts). Free of Node-side imports so browser bundles
// can include it; each caller supplies its own weight source.
import type { Graph, Tensor } from '../../src/engine/compiler/graph.ts';
import * as nn from '../../src/engine/compiler/index.ts';
import type { Architecture } from '../../src/engine/networks/loss-graph.ts';

export type WeightSource = (g: Graph) => (shape: number[]) => Tensor;

/** Stem (stride 2, asymmetric pad), inverted residual (expand, depthwise, project, add), pools. */
export function tinyConvNetOf(weightsFor: WeightSource): Architecture {
  return (g, images) => {
    const W = weightsFor(g);
    const B = images.shape[0];
    const x = nn.sub(nn.mul(images, 2), 1); // MobileNet-style [-1, 1] normalization
    const stem = nn.relu6(nn.conv(x, W([4, 3, 3, 3]), W([4]), { strides: [2, 2], pads: [0, 0, 1, 1] }));
    const e = nn.relu6(nn.conv(stem, W([8, 4, 1, 1]), W([8])));
    const d = nn.relu6(nn.conv(e, W([8, 1, 3, 3]), W([8]), { pads: [1, 1, 1, 1], group: 8 }));
    const block = nn.add(stem, nn.conv(d, W([4, 8, 1, 1]), W([4])));
    const down = nn.relu(nn.conv(block, W([6, 4, 3, 3]), null, { strides: [2, 2], pads: [1, 1, 1, 1] }));
    const pooled = nn.averagePool(down, { kernel: [2, 2], strides: [2, 2] });
    const embedding = nn.gemm(nn.reshape(nn.globalAveragePool(pooled), [B, 6]), W([5, 6]), { transB: true }, W([5]));
    return { taps: { block, down }, embedding };
  };
}
