// Op gradient tests as data: each case builds y = op(inputs) from inputs that require grad;
// the runner (nn-ops.test.ts) checks y against the float64 reference and d(sum(R*y))/dx
// against central differences. Values: 'signed' U[-2,2) with exact zeros every 5th element,
// 'positive' U[0.5,1.5), or explicit values (kinks).
import type { Graph, Tensor } from '../../../src/engine/compiler/graph.ts';
import * as nn from '../../../src/engine/compiler/index.ts';
import { randomArray } from '../../helpers/nn-check.ts';

export interface InputSpec {
  shape: number[];
  values?: 'signed' | 'positive' | number[];
}

export interface OpCase {
  name: string;
  inputs: InputSpec[];
  build(g: Graph, xs: Tensor[]): Tensor;
  /** Points where the op is not differentiable: FD is skipped nearby. */
  kinks?: number[];
  /** The documented derivative exactly at a kink (elementwise ops; default 0). */
  kinkGrad?: number;
}

const w = (g: Graph, shape: number[], seed: number): Tensor =>
  g.weight(
    'w',
    randomArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
      0.5,
    ),
    shape,
  );
const S = (...shape: number[]): InputSpec => ({ shape });
const P = (...shape: number[]): InputSpec => ({ shape, values: 'positive' });
const clipValues = [-1, 0, 0.5, 3, 6, 7, -0.25, 5.5, 0, 6, 2, 6.5];

export const OP_CASES: OpCase[] = [
  { name: 'Add same shape', inputs: [S(2, 3), S(2, 3)], build: (_g, [a, b]) => nn.add(a, b) },
  { name: 'Add broadcast [2,3,4]+[4]', inputs: [S(2, 3, 4), S(4)], build: (_g, [a, b]) => nn.add(a, b) },
  { name: 'Add broadcast [2,1,4]+[3,1]', inputs: [S(2, 1, 4), S(3, 1)], build: (_g, [a, b]) => nn.add(a, b) },
  { name: 'Sub broadcast [3,1]-[1,4]', inputs: [S(3, 1), S(1, 4)], build: (_g, [a, b]) => nn.sub(a, b) },
  { name: 'Sub scalar constant', inputs: [S(2, 3)], build: (_g, [a]) => nn.sub(1.5, a) },
  { name: 'Mul broadcast [2,3]*[2,1]', inputs: [S(2, 3), S(2, 1)], build: (_g, [a, b]) => nn.mul(a, b) },
  { name: 'Mul by itself (x*x, gradient accumulation)', inputs: [S(2, 3)], build: (_g, [a]) => nn.mul(a, a) },
  { name: 'Div broadcast [2,3]/[3]', inputs: [S(2, 3), P(3)], build: (_g, [a, b]) => nn.div(a, b) },
  { name: 'Neg', inputs: [S(5)], build: (_g, [a]) => nn.neg(a) },
  { name: 'Relu (0 -> gradient 0)', inputs: [S(3, 5)], build: (_g, [a]) => nn.relu(a), kinks: [0] },
  { name: 'Relu6 at 0 and 6', inputs: [{ shape: [12], values: clipValues }], build: (_g, [a]) => nn.relu6(a), kinks: [0, 6], kinkGrad: 1 },
  {
    name: 'Clip max only at the bound',
    inputs: [{ shape: [6], values: [-3, 0.25, 0.25, 1, 0.3, 0] }],
    build: (_g, [a]) => nn.clip(a, undefined, 0.25),
    kinks: [0.25],
    kinkGrad: 1,
  },
  { name: 'Clip min only', inputs: [S(10)], build: (_g, [a]) => nn.clip(a, -0.5), kinks: [-0.5], kinkGrad: 1 },
  { name: 'Sigmoid', inputs: [S(2, 5)], build: (_g, [a]) => nn.sigmoid(a) },
  { name: 'Tanh', inputs: [S(2, 5)], build: (_g, [a]) => nn.tanh(a) },
  { name: 'Exp', inputs: [S(2, 5)], build: (_g, [a]) => nn.exp(a) },
  { name: 'Sqrt', inputs: [P(2, 5)], build: (_g, [a]) => nn.sqrt(a) },
  { name: 'Erf', inputs: [S(2, 5)], build: (_g, [a]) => nn.erf(a) },
  { name: 'MatMul 2-D', inputs: [S(3, 4), S(4, 2)], build: (_g, [a, b]) => nn.matmul(a, b) },
  { name: 'MatMul batched, B broadcast', inputs: [S(2, 3, 4), S(4, 5)], build: (_g, [a, b]) => nn.matmul(a, b) },
  { name: 'MatMul both batch-broadcast', inputs: [S(2, 1, 3, 4), S(3, 4, 2)], build: (_g, [a, b]) => nn.matmul(a, b) },
  { name: 'MatMul with frozen weight', inputs: [S(2, 3, 4)], build: (g, [a]) => nn.matmul(a, w(g, [4, 3], 7)) },
  { name: 'Gemm', inputs: [S(3, 4), S(4, 2)], build: (_g, [a, b]) => nn.gemm(a, b) },
  {
    name: 'Gemm transA transB alpha beta C[2]',
    inputs: [S(4, 3), S(2, 4), S(2)],
    build: (_g, [a, b, c]) => nn.gemm(a, b, { transA: true, transB: true, alpha: 0.7, beta: 1.3 }, c),
  },
  {
    name: 'Gemm transB C[3,1]',
    inputs: [S(3, 4), S(2, 4), S(3, 1)],
    build: (_g, [a, b, c]) => nn.gemm(a, b, { transB: true, beta: 0.5 }, c),
  },
  { name: 'Gemm transA', inputs: [S(4, 3), S(4, 2)], build: (_g, [a, b]) => nn.gemm(a, b, { transA: true }) },
  {
    name: 'Conv 3x3 pad 1 + bias',
    inputs: [S(1, 2, 5, 5)],
    build: (g, [x]) => nn.conv(x, w(g, [3, 2, 3, 3], 1), w(g, [3], 2), { pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv stride 2 pad 1, odd input',
    inputs: [S(2, 2, 7, 7)],
    build: (g, [x]) => nn.conv(x, w(g, [2, 2, 3, 3], 3), null, { strides: [2, 2], pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv stride 2 pad 1, even input (output_padding)',
    inputs: [S(1, 2, 8, 6)],
    build: (g, [x]) => nn.conv(x, w(g, [2, 2, 3, 3], 4), null, { strides: [2, 2], pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv stride 2 asymmetric pads [0,0,1,1]',
    inputs: [S(1, 2, 8, 8)],
    build: (g, [x]) => nn.conv(x, w(g, [3, 2, 3, 3], 5), null, { strides: [2, 2], pads: [0, 0, 1, 1] }),
  },
  {
    name: 'Conv dilation 2',
    inputs: [S(1, 2, 7, 7)],
    build: (g, [x]) => nn.conv(x, w(g, [2, 2, 3, 3], 6), null, { dilations: [2, 2], pads: [2, 2, 2, 2] }),
  },
  { name: 'Conv group 2, 1x1', inputs: [S(1, 4, 3, 3)], build: (g, [x]) => nn.conv(x, w(g, [6, 2, 1, 1], 7), null, { group: 2 }) },
  {
    name: 'Conv depthwise stride 2',
    inputs: [S(1, 3, 7, 7)],
    build: (g, [x]) => nn.conv(x, w(g, [3, 1, 3, 3], 8), w(g, [3], 9), { strides: [2, 2], pads: [1, 1, 1, 1], group: 3 }),
  },
  {
    name: 'Conv stride 3 kernel 2 (rows never read)',
    inputs: [S(1, 1, 8, 8)],
    build: (g, [x]) => nn.conv(x, w(g, [2, 1, 2, 2], 10), null, { strides: [3, 3] }),
  },
  {
    name: 'Conv computed weight (ConvTranspose path) stride 2',
    inputs: [S(1, 2, 7, 6)],
    build: (g, [x]) => nn.conv(x, nn.mul(w(g, [4, 1, 3, 3], 16), 1.5), null, { strides: [2, 2], pads: [1, 0, 1, 1], group: 2 }),
  },
  {
    name: 'Conv 1x1 padded (pads beyond kernel reach)',
    inputs: [S(1, 2, 3, 3)],
    build: (g, [x]) => nn.conv(x, w(g, [2, 2, 1, 1], 17), null, { pads: [1, 1, 0, 1] }),
  },
  {
    name: 'Conv 1x1 stride 2, pads beyond reach (unread gradient rows sliced off)',
    inputs: [S(1, 2, 4, 5)],
    build: (g, [x]) => nn.conv(x, w(g, [3, 2, 1, 1], 18), null, { strides: [2, 2], pads: [1, 0, 2, 2] }),
  },
  {
    name: 'Conv 5x5 stride 2 group 2, asymmetric pads',
    inputs: [S(2, 4, 9, 8)],
    build: (g, [x]) => nn.conv(x, w(g, [2, 2, 5, 5], 19), null, { strides: [2, 3], pads: [2, 1, 1, 2], group: 2 }),
  },
  {
    name: 'Conv fp16-stored weight, stride 2 (fp16 adjoint)',
    inputs: [S(1, 2, 6, 6)],
    build: (g, [x]) =>
      nn.conv(x, g.weight('w16', randomArray(2 * 2 * 9, 20, 0.5), [2, 2, 3, 3], { storage: 'float16' }), null, {
        strides: [2, 2],
        pads: [0, 0, 1, 1],
      }),
  },
  {
    name: 'Conv fp16-stored weight',
    inputs: [S(1, 2, 4, 4)],
    build: (g, [x]) =>
      nn.conv(x, g.weight('w16', randomArray(2 * 2 * 9, 11, 0.5), [2, 2, 3, 3], { storage: 'float16' }), null, { pads: [1, 1, 1, 1] }),
  },
  {
    name: 'ConvTranspose stride 2 group 2',
    inputs: [S(1, 2, 3, 3)],
    build: (g, [x]) =>
      nn.convTranspose(x, w(g, [2, 2, 3, 3], 12), { strides: [2, 2], pads: [1, 1, 1, 1], group: 2, outputPadding: [1, 1] }),
  },
  { name: 'AveragePool 2x2 stride 2', inputs: [S(1, 2, 4, 5)], build: (_g, [x]) => nn.averagePool(x, { kernel: [2, 2], strides: [2, 2] }) },
  {
    name: 'AveragePool 3x3 pad 1 count_include_pad',
    inputs: [S(1, 1, 5, 5)],
    build: (_g, [x]) => nn.averagePool(x, { kernel: [3, 3], pads: [1, 1, 1, 1], countIncludePad: true }),
  },
  { name: 'GlobalAveragePool', inputs: [S(2, 3, 3, 2)], build: (_g, [x]) => nn.globalAveragePool(x) },
  { name: 'Reshape', inputs: [S(2, 3, 4)], build: (_g, [x]) => nn.reshape(x, [4, -1]) },
  { name: 'Transpose', inputs: [S(2, 3, 4)], build: (_g, [x]) => nn.transpose(x, [2, 0, 1]) },
  { name: 'Concat axis 1 (input used twice)', inputs: [S(2, 1, 3), S(2, 2, 3)], build: (_g, [a, b]) => nn.concat([a, b, a], 1) },
  { name: 'Slice negative starts, two axes', inputs: [S(3, 5, 4)], build: (_g, [x]) => nn.slice(x, [1, -3], [3, 100], [0, 2]) },
  { name: 'Pad constant 0.5', inputs: [S(2, 3)], build: (_g, [x]) => nn.pad(x, [0, 1, 1, 2], 0.5) },
  { name: 'Expand [3,1] -> [2,3,4]', inputs: [S(3, 1)], build: (_g, [x]) => nn.expand(x, [2, 3, 4]) },
  { name: 'ReduceSum axis 1 keepdims', inputs: [S(2, 3, 4)], build: (_g, [x]) => nn.reduceSum(x, [1], true) },
  { name: 'ReduceSum negative axis', inputs: [S(2, 3, 4)], build: (_g, [x]) => nn.reduceSum(x, [-1]) },
  { name: 'ReduceMean all', inputs: [S(2, 3, 4)], build: (_g, [x]) => nn.reduceMean(x) },
  { name: 'ReduceMean axes [0,2] keepdims', inputs: [S(2, 3, 4)], build: (_g, [x]) => nn.reduceMean(x, [0, 2], true) },
  { name: 'Softmax last axis', inputs: [S(2, 5)], build: (_g, [x]) => nn.softmax(x) },
  { name: 'Softmax axis 1 of 3-D', inputs: [S(2, 4, 3)], build: (_g, [x]) => nn.softmax(x, 1) },
  { name: 'LayerNormalization last axis', inputs: [S(3, 6)], build: (g, [x]) => nn.layerNorm(x, w(g, [6], 13), w(g, [6], 14)) },
  {
    name: 'LayerNormalization axis 1 over [3,4]',
    inputs: [S(2, 3, 4)],
    build: (g, [x]) => nn.layerNorm(x, w(g, [3, 4], 15), null, 1, 1e-3),
  },
  { name: 'GELU (erf composite)', inputs: [S(2, 6)], build: (_g, [x]) => nn.gelu(x) },
  { name: 'QuickGELU (sigmoid composite)', inputs: [S(2, 6)], build: (_g, [x]) => nn.quickGelu(x) },
  { name: 'MSE (both sides)', inputs: [S(2, 3), S(2, 3)], build: (_g, [a, b]) => nn.mse(a, b) },
  // The embedded model's tap normalization (LPIPS-style, per position over channels).
  { name: 'Unit normalize over axis 1 of [2,3,2,2]', inputs: [S(2, 3, 2, 2)], build: (_g, [x]) => nn.unitNormalize(x, 1) },
  { name: 'Mean cosine distance', inputs: [S(3, 4), S(3, 4)], build: (_g, [a, b]) => nn.meanCosineDistance(a, b, 1) },
];
