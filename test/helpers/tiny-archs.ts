// Tiny random-weight architectures in the shapes of the real ones (MobileNetV2-like conv
// net, ViT-like transformer), built with the compiler for end-to-end gradient tests.
import type { Graph, Tensor } from '../../src/engine/compiler/graph.ts';
import * as nn from '../../src/engine/compiler/index.ts';
import type { Architecture } from '../../src/engine/networks/loss-graph.ts';
import { randomArray } from './nn-check.ts';
import { tinyConvNetOf } from './tiny-conv-net.ts';

function weights(g: Graph, seed: number) {
  let s = seed;
  return (shape: number[], scale = 0.4): Tensor =>
    g.weight(
      'w',
      randomArray(
        shape.reduce((a, b) => a * b, 1),
        s++,
        scale,
      ),
      shape,
    );
}

/** Stem, inverted residual, strided conv, pools (tiny-conv-net.ts) with this file's weights. */
export const tinyConvNet: Architecture = tinyConvNetOf((g) => weights(g, 100));

/** Patch embedding, class token, one pre-LN attention block with QuickGELU MLP, CLS projection. */
export const tinyTransformer: Architecture = (g, images) => {
  const W = weights(g, 200);
  const [B, , S] = images.shape;
  const P = S / 4; // patches per side (patch size 4)
  const D = 8;
  const H = 2;
  const T = P * P + 1;
  const mean = g.weight('mean', Float32Array.of(0.48, 0.46, 0.41), [1, 3, 1, 1]);
  const std = g.weight('std', Float32Array.of(0.27, 0.26, 0.28), [1, 3, 1, 1]);
  const x = nn.div(nn.sub(images, mean), std);
  const patches = nn.transpose(nn.reshape(nn.conv(x, W([D, 3, 4, 4], 0.1), null, { strides: [4, 4] }), [B, D, P * P]), [0, 2, 1]);
  const cls = nn.expand(W([1, 1, D]), [B, 1, D]);
  let h = nn.add(nn.concat([cls, patches], 1), W([T, D], 0.1));
  const ln1 = nn.layerNorm(h, W([D]), W([D], 0.1));
  const heads = (t: Tensor): Tensor => nn.transpose(nn.reshape(t, [B, T, H, D / H]), [0, 2, 1, 3]);
  const q = heads(nn.add(nn.matmul(ln1, W([D, D])), W([D], 0.1)));
  const k = heads(nn.matmul(ln1, W([D, D])));
  const v = heads(nn.matmul(ln1, W([D, D])));
  const attn = nn.softmax(nn.mul(nn.matmul(q, nn.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(D / H)));
  const ctx = nn.reshape(nn.transpose(nn.matmul(attn, v), [0, 2, 1, 3]), [B, T, D]);
  h = nn.add(h, nn.matmul(ctx, W([D, D])));
  const mlp = nn.matmul(nn.quickGelu(nn.matmul(nn.layerNorm(h, W([D]), null), W([D, 2 * D]))), W([2 * D, D]));
  h = nn.add(h, nn.gelu(mlp));
  const clsOut = nn.reshape(nn.slice(h, [0], [1], [1]), [B, D]);
  const embedding = nn.matmul(nn.layerNorm(clsOut, W([D]), W([D], 0.1)), W([D, 4]));
  // CLS -> patch attention averaged over heads, as the ViT saliency.
  const saliency = nn.reshape(nn.reduceMean(nn.slice(attn, [0, 1], [1, T], [2, 3]), [1]), [B, P, P]);
  const tokens = nn.reshape(nn.transpose(nn.slice(h, [1], [T], [1]), [0, 2, 1]), [B, D, P, P]);
  return { taps: { tokens, ln1 }, embedding, saliency };
};
