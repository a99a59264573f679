// onnxruntime-web (wasm EP) in Node on a tiny model built by our compiler.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { runTinyModel, tinyExpected, tinyInput, type OrtLike } from '../../harness/tiny-ort-model.ts';

ort.env.wasm.numThreads = 1;

describe('onnxruntime-web in Node', () => {
  it('runs a tiny conv model on the wasm EP and matches the plain-TS result', async () => {
    const output = await runTinyModel(ort as unknown as OrtLike);
    const expected = tinyExpected(tinyInput());
    expect(output).toHaveLength(3);
    output.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    // The input is not trivial: relu clips some activations and the output is not zero.
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.05);
  });
});
