// The autodiff driver and builder contracts: missing rules are named, frozen weights get
// no gradient ops, unused inputs and bad shapes are reported, serialization is valid ONNX.
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { appendInputGradients, gradients } from '../../../src/engine/compiler/autodiff.ts';
import { Graph, type Primitive } from '../../../src/engine/compiler/graph.ts';
import * as nn from '../../../src/engine/compiler/index.ts';
import { serializeModel } from '../../../src/engine/compiler/onnx.ts';
import { randomArray, runOrt } from '../../helpers/nn-check.ts';

const opTypes = (g: Graph): string[] => {
  const model = onnxProto.onnx.ModelProto.decode(serializeModel(g));
  return model.graph!.node!.map((n) => n.opType!);
};

describe('autodiff driver', () => {
  it('names the op whose gradient rule is missing', () => {
    const noRule: Primitive = {
      type: 'HardSwish',
      attrs: {},
      infer: ([x]) => [{ shape: x!.shape, dtype: 'float32' }],
      backward: undefined,
    };
    const g = new Graph();
    const x = g.input('x', [3], { requiresGrad: true });
    const y = nn.reduceSum(g.apply(noRule, [x])[0]);
    expect(() => gradients(y, [x])).toThrow(/No gradient rule for op HardSwish/);
  });

  it('emits no weight-gradient ops: one Transpose and MatMul per frozen MatMul, one adjoint Conv per Conv', () => {
    const g = new Graph();
    const x = g.input('x', [1, 2, 4, 4], { requiresGrad: true });
    const c = nn.conv(x, g.weight('k', randomArray(36, 1), [2, 2, 3, 3]), null, { pads: [1, 1, 1, 1] });
    const m = nn.matmul(nn.reshape(c, [2, 16]), g.weight('w', randomArray(48, 2), [16, 3]));
    const loss = nn.reduceSum(m);
    g.output(loss, 'loss');
    const forwardOps = opTypes(g);
    appendInputGradients(g, loss);
    const all = opTypes(g);
    const added = all.slice(forwardOps.length);
    expect(added.filter((t) => t === 'MatMul')).toHaveLength(1);
    expect(added.filter((t) => t === 'Transpose')).toHaveLength(1);
    expect(added.filter((t) => t === 'Conv')).toHaveLength(1);
    expect(added).not.toContain('ConvTranspose');
  });

  it('refuses frozen-weight gradients, non-scalar outputs and unrelated inputs', () => {
    const g = new Graph();
    const x = g.input('x', [1, 1, 3, 3], { requiresGrad: true });
    const k = g.input('k', [1, 1, 3, 3], { requiresGrad: true });
    expect(() => gradients(nn.reduceSum(nn.conv(x, k)), [x])).toThrow(/weight\/bias gradients are not supported/);
    expect(() => gradients(nn.relu(x), [x])).toThrow(/must be a float32 scalar/);
    const z = g.input('z', [2], { requiresGrad: true });
    expect(() => gradients(nn.reduceSum(x), [z])).toThrow(/does not depend on/);
    const frozen = g.input('f', [2]);
    expect(() => gradients(nn.reduceSum(frozen), [frozen])).toThrow(/requiresGrad/);
  });

  it('reports shape errors with the op and shapes', () => {
    const g = new Graph();
    const a = g.input('a', [2, 3]);
    expect(() => nn.add(a, g.input('b', [4]))).toThrow(/Add: shapes \[2,3\] and \[4\] do not broadcast/);
    expect(() => nn.matmul(a, g.input('c', [2, 3]))).toThrow(/MatMul: inner dimensions differ/);
    expect(() => nn.conv(g.input('x', [1, 3, 4, 4]), g.weight('w', new Float32Array(8), [2, 1, 2, 2]), null, { group: 2 })).toThrow(
      /Conv: input/,
    );
    expect(() => nn.reshape(a, [5, -1])).toThrow(/cannot reshape/);
    expect(() => g.weight('v', new Float32Array(3), [2, 2])).toThrow(/has 3 values/);
    expect(() => new Graph().input('x', [0, 2])).toThrow(/positive integers/);
  });

  it('accumulates gradients of a tensor used by several ops and outputs grad_<input>', async () => {
    const g = new Graph();
    const x = g.input('x', [4], { requiresGrad: true });
    const loss = nn.reduceSum(nn.add(nn.mul(x, x), nn.mul(nn.sigmoid(x), 3)));
    g.output(loss, 'loss');
    appendInputGradients(g, loss);
    const xv = Float32Array.of(-1, 0, 0.5, 2);
    const out = await runOrt(g, { x: xv });
    const s = (v: number): number => 1 / (1 + Math.exp(-v));
    xv.forEach((v, i) => expect(out.grad_x[i]).toBeCloseTo(2 * v + 3 * s(v) * (1 - s(v)), 5));
  });

  it('serializes opset 17 with initializers and static shapes, dropping dead nodes', () => {
    const g = new Graph('m');
    const x = g.input('x', [2, 3]);
    nn.relu(x); // dead: not an output
    g.output(nn.add(x, g.weight('b', Float32Array.of(1, 2, 3), [3])), 'y');
    const model = onnxProto.onnx.ModelProto.decode(serializeModel(g));
    expect(Number(model.opsetImport![0].version)).toEqual(17);
    expect(model.graph!.node!.map((n) => n.opType)).toEqual(['Add', 'Identity']);
    expect(model.graph!.initializer!.map((t) => t.name)).toEqual(['b']);
    expect(model.graph!.output![0].type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual([2, 3]);
  });
});
