// A random-weight network with MobileNetV2's exact topology (224 input, width 1.0, taps
// block_5_add and block_12_add, 1280-d pooled out_relu), for timing the compiler's graphs
// until/besides the embedded model with its real weights.
import type { Graph, Tensor } from '../src/engine/nn/graph.ts';
import * as nn from '../src/engine/nn/index.ts';
import type { Architecture } from '../src/engine/nn/loss.ts';

// [expansion t, output channels c, repeats n, first stride s] (Sandler et al. 2018, Table 2)
const STAGES = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

export interface ShapedOptions {
  taps?: readonly string[];
  /** Stop after this block; the embedding is then the pooled output of that block. */
  lastBlock?: number;
}

export function mobileNetShaped({ taps = ['block_5_add', 'block_12_add'], lastBlock }: ShapedOptions = {}): Architecture {
  return (g: Graph, images: Tensor) => {
    let seed = 1;
    const W = (shape: number[]): Tensor => {
      const n = shape.reduce((a, b) => a * b, 1);
      const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
      const scale = Math.sqrt(3 / fanIn);
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = Math.sin(seed++ * 12.9898) * scale;
      return g.weight('w', data, shape);
    };
    const convBn = (x: Tensor, cout: number, k: number, stride: number, group = 1, act = true): Tensor => {
      const cin = x.shape[1];
      // Keras 'same' for stride 1, ZeroPadding2D((0,1),(0,1)) + 'valid' for stride 2.
      const p = k === 1 ? [0, 0, 0, 0] : stride === 2 ? [0, 0, 1, 1] : [1, 1, 1, 1];
      const y = nn.conv(x, W([cout, cin / group, k, k]), W([cout]), { strides: [stride, stride], pads: p, group });
      return act ? nn.relu6(y) : y;
    };
    const out: Record<string, Tensor> = {};
    let x = convBn(nn.sub(nn.mul(images, 2), 1), 32, 3, 2);
    let block = 0;
    stages: for (const [t, c, n, s] of STAGES) {
      for (let i = 0; i < n; i++) {
        if (lastBlock !== undefined && block > lastBlock) break stages;
        const stride = i === 0 ? s : 1;
        const cin = x.shape[1];
        let h = t === 1 ? x : convBn(x, cin * t, 1, 1);
        h = convBn(h, h.shape[1], 3, stride, h.shape[1]);
        h = convBn(h, c, 1, 1, 1, false);
        if (stride === 1 && cin === c) {
          h = nn.add(x, h);
          if (taps.includes(`block_${block}_add`)) out[`block_${block}_add`] = h;
        }
        x = h;
        block++;
      }
    }
    if (lastBlock === undefined) x = convBn(x, 1280, 1, 1);
    const embedding = nn.reshape(nn.globalAveragePool(x), [images.shape[0], x.shape[1]]);
    return { taps: out, embedding };
  };
}
