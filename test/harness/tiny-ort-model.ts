// A tiny ONNX model built with our graph compiler (conv -> relu -> global average pool ->
// matmul), with its expected output computed here in plain TypeScript. Used to check that
// onnxruntime-web runs in Node and, with the UI's inlined wasm, in a browser page.
import * as nn from '../../src/engine/compiler/index.ts';

export interface OrtLike {
  InferenceSession: {
    create(
      model: Uint8Array,
      options?: unknown,
    ): Promise<{
      run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
      release(): Promise<void>;
    }>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}

const C_OUT = 2;
const H = 4;
const W = 4;
// 1x1 conv weights [C_OUT, 3, 1, 1], bias, and a [C_OUT, 3] projection.
const CONV_W = Float32Array.of(0.5, -1, 2, -0.25, 0.75, 1);
const CONV_B = Float32Array.of(0.1, -0.2);
const PROJ = Float32Array.of(1, 2, 3, -1, 0.5, 0);

export function tinyModelBytes(): Uint8Array {
  const g = new nn.Graph('tiny');
  const x = g.input('x', [1, 3, H, W]);
  const conv = nn.relu(nn.conv(x, g.weight('conv_w', CONV_W, [C_OUT, 3, 1, 1]), g.weight('conv_b', CONV_B, [C_OUT])));
  const pooled = nn.reshape(nn.globalAveragePool(conv), [1, C_OUT]);
  g.output(nn.matmul(pooled, g.weight('proj', PROJ, [C_OUT, 3])), 'y');
  return nn.serializeModel(g, 'tiny ort check');
}

/** A deterministic input image in [-1, 1]. */
export function tinyInput(): Float32Array {
  return Float32Array.from({ length: 3 * H * W }, (_, i) => Math.sin(i * 0.7));
}

export function tinyExpected(input: Float32Array): number[] {
  const pooled = new Array<number>(C_OUT).fill(0);
  for (let o = 0; o < C_OUT; o++) {
    for (let p = 0; p < H * W; p++) {
      let v = CONV_B[o];
      for (let c = 0; c < 3; c++) v += CONV_W[o * 3 + c] * input[c * H * W + p];
      pooled[o] += Math.max(0, v) / (H * W);
    }
  }
  return [0, 1, 2].map((j) => pooled.reduce((s, p, o) => s + p * PROJ[o * 3 + j], 0));
}

/** Runs the tiny model on the CPU (wasm) EP and returns its output. */
export async function runTinyModel(ort: OrtLike, executionProviders: unknown[] = ['wasm']): Promise<number[]> {
  const session = await ort.InferenceSession.create(tinyModelBytes(), { executionProviders });
  const out = await session.run({ x: new ort.Tensor('float32', tinyInput(), [1, 3, H, W]) });
  await session.release();
  return Array.from(out.y.data as Float32Array);
}
