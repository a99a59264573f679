// Browser page entry: runs the tiny model through the UI's onnxruntime-web setup (the wasm
// inlined as bytes, exactly as in dist/ui.html) and publishes the result on window.
import { ort } from '../../src/ui/worker/ort.ts';
import { runTinyModel, tinyExpected, tinyInput, type OrtLike } from './tiny-ort-model.ts';

declare global {
  interface Window {
    __ortProbe?: { output?: number[]; expected: number[]; error?: string };
  }
}

const expected = tinyExpected(tinyInput());
runTinyModel(ort as unknown as OrtLike)
  .then((output) => (window.__ortProbe = { output, expected }))
  .catch((e: unknown) => (window.__ortProbe = { expected, error: String(e) }));
