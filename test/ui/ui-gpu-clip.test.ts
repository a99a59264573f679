// A CLIP model on the main-thread engine: on a host whose engine worker has no WebGPU (harness
// worker=blob), a forced GPU run of a CLIP model loaded in the worker goes to the main thread
// with a copy of the worker's verified weights (src/ui/engine/engine-client.ts mainHasModel). The file
// is a full-size RN50 checkpoint with random weights (real names, shapes, dtypes). Slow: RN50
// compiles in one-thread wasm in the worker and again on the main thread, on SwiftShader WebGPU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUiWithRn50File, type Rn50FileSession } from '../harness/rn50-file.ts';
import type { UiSession } from '../harness/ui-session.ts';

describe('CLIP RN50 on the main-thread engine (worker without WebGPU)', () => {
  let session: Rn50FileSession;
  let s: UiSession;

  beforeAll(async () => {
    session = await openUiWithRn50File('?worker=blob');
    s = session.s;
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  });

  it('a forced GPU run of a CLIP model loaded in the worker runs beside the UI and produces strokes', async () => {
    await session.loadRn50();
    await s.quickRunSettings(4, 1);
    await s.chooseCompute('GPU (WebGPU)');
    const t0 = performance.now();
    await s.click('run');
    await s.ui.waitForFunction(
      () =>
        /Done after \d+ iterations|Stopped/.test(document.querySelector('[data-testid=summary]')?.textContent ?? '') ||
        !!document.querySelector('[data-testid=problem]'),
      undefined,
      { timeout: 900_000 },
    );
    console.log(`[ui-gpu-clip] RN50 on the main-thread engine, 1 iteration: ${Math.round(performance.now() - t0)} ms`);
    expect(await s.ui.locator('[data-testid=problem]').allTextContents()).toEqual([]);
    await expect(s.ui.getByTestId('summary').textContent()).resolves.toMatch(
      /Ran on WebGPU \([^)]*\): you chose the GPU; it runs beside the UI/,
    );
    expect(await s.ui.getByTestId('preview').getAttribute('data-strokes')).toBe('4');
  }, 1_800_000);
});
