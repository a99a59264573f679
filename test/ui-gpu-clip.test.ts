// A CLIP model on the main-thread engine: on a host whose engine worker has no WebGPU (harness
// worker=blob), a forced GPU run of a CLIP model loaded in the worker goes to the main thread
// with a copy of the worker's verified weights (src/ui/engine-client.ts mainHasModel). The file
// is a full-size RN50 checkpoint with random weights (real names, shapes, dtypes). Slow: RN50
// compiles in one-thread wasm in the worker and again on the main thread, on SwiftShader WebGPU.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIP_RN50, clipResNetSpec } from '../src/engine/nn/arch/clip-resnet.ts';
import { OPEN_CLIP_EXTRAS, syntheticCheckpoint } from './helpers/clip-weights.ts';
import { openUi, type UiSession } from './harness/ui-session.ts';

describe('CLIP RN50 on the main-thread engine (worker without WebGPU)', () => {
  let s: UiSession;
  let dir: string;
  const chooseModel = (id: string) => s.ui.locator(`input[value="${id}"]`).evaluate((el: HTMLElement) => el.click());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sketchify-rn50-'));
    writeFileSync(join(dir, 'open_clip_model.safetensors'), syntheticCheckpoint(clipResNetSpec(CLIP_RN50), { extras: OPEN_CLIP_EXTRAS() }));
    s = await openUi('?worker=blob');
    await s.page.evaluate(() => window.__host.select({ fixture: 'horse' }));
    await s.ui.getByTestId('thumbnail').waitFor();
  }, 120_000);
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a forced GPU run of a CLIP model loaded in the worker runs beside the UI and produces strokes', async () => {
    await chooseModel('clip-rn50');
    await s.ui.getByTestId('model-file-button').waitFor();
    await s.ui.getByTestId('model-file').setInputFiles(join(dir, 'open_clip_model.safetensors'));
    await s.ui.getByTestId('model-ready').waitFor({ timeout: 540_000 });
    await s.quickRunSettings(4, 1);
    await s.chooseCompute('GPU (WebGPU)');
    const t0 = performance.now();
    await s.click('run');
    await s.ui.waitForFunction(() => /Done after \d+ iterations|Stopped/.test(document.querySelector('[data-testid=summary]')?.textContent ?? '') || !!document.querySelector('[data-testid=problem]'), undefined, { timeout: 900_000 });
    console.log(`[ui-gpu-clip] RN50 on the main-thread engine, 1 iteration: ${Math.round(performance.now() - t0)} ms`);
    expect(await s.ui.locator('[data-testid=problem]').allTextContents()).toEqual([]);
    await expect(s.ui.getByTestId('summary').textContent()).resolves.toMatch(/Ran on WebGPU \([^)]*\): you chose the GPU; it runs beside the UI/);
    expect(await s.ui.getByTestId('preview').getAttribute('data-strokes')).toBe('4');
  }, 1_800_000);
});
