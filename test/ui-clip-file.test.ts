// A CLIP model from "Load from file" reaches ready in the UI and sketches (headless Chromium,
// built dist/ui.html in the host harness): the file is a full-size RN50 checkpoint with random
// weights and the real names, shapes and dtypes (F32, open_clip key layout plus tensors the
// real file also holds), written by the test into a temp dir. Slow: the worker verifies and
// compiles 153 MB of weights in one-thread wasm (times: `npm run bench -- clip`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIP_RN50, clipResNetSpec } from '../src/engine/nn/arch/clip-resnet.ts';
import { OPEN_CLIP_EXTRAS, syntheticCheckpoint } from './helpers/clip-weights.ts';
import { openUi, type UiSession } from './harness/ui-session.ts';

describe('CLIP RN50 loaded from a file', () => {
  let s: UiSession;
  let dir: string;
  const chooseModel = (id: string) => s.ui.locator(`input[value="${id}"]`).evaluate((el: HTMLElement) => el.click());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sketchify-rn50-'));
    writeFileSync(join(dir, 'open_clip_model.safetensors'), syntheticCheckpoint(clipResNetSpec(CLIP_RN50), { extras: OPEN_CLIP_EXTRAS() }));
    s = await openUi();
    await s.page.evaluate(() => window.__host.select({ fixture: 'horse' }));
    await s.ui.getByTestId('thumbnail').waitFor();
  }, 120_000);
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches ready, then a short draft sketch with it produces strokes', async () => {
    await chooseModel('clip-rn50');
    await s.ui.getByTestId('model-file-button').waitFor();
    const t0 = performance.now();
    await s.ui.getByTestId('model-file').setInputFiles(join(dir, 'open_clip_model.safetensors'));
    await s.ui.getByTestId('model-ready').waitFor({ timeout: 540_000 });
    console.log(`[ui-clip-file] RN50 file to ready: ${Math.round(performance.now() - t0)} ms`);
    expect(await s.ui.locator('[data-testid=problem]').allTextContents()).toEqual([]);
    expect(await s.ui.getByTestId('run').isDisabled()).toBe(false);
    await s.quickRunSettings(4, 2);
    const t1 = performance.now();
    await s.click('run');
    await s.ui.waitForFunction(() => /Done after \d+ iterations/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''), undefined, { timeout: 540_000 });
    console.log(`[ui-clip-file] RN50 sketch, 2 iterations: ${Math.round(performance.now() - t1)} ms`);
    expect(await s.ui.getByTestId('preview').getAttribute('data-strokes')).toBe('4');
    await s.screenshot('clip-file-sketch');
  }, 1_200_000);
});
