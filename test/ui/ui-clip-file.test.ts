// A CLIP model from "Load from file" reaches ready in the UI and sketches (headless Chromium,
// built dist/ui.html in the host harness): the file is a full-size RN50 checkpoint with random
// weights and the real names, shapes and dtypes (F32, open_clip key layout plus tensors the
// real file also holds), written by the test into a temp dir. Slow: the worker verifies and
// compiles 153 MB of weights in one-thread wasm (times: `npm run bench -- clip`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUiWithRn50File, type Rn50FileSession } from '../harness/rn50-file.ts';
import type { UiSession } from '../harness/ui-session.ts';

describe('CLIP RN50 loaded from a file', () => {
  let session: Rn50FileSession;
  let s: UiSession;

  beforeAll(async () => {
    session = await openUiWithRn50File();
    s = session.s;
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  });

  it('reaches ready, then a short draft sketch with it produces strokes', async () => {
    const readyMs = await session.loadRn50();
    console.log(`[ui-clip-file] RN50 file to ready: ${Math.round(readyMs)} ms`);
    expect(await s.ui.locator('[data-testid=problem]').allTextContents()).toEqual([]);
    expect(await s.ui.getByTestId('run').isDisabled()).toBe(false);
    await s.quickRunSettings(4, 2);
    const t1 = performance.now();
    await s.click('run');
    await s.ui.waitForFunction(
      () => /Done after \d+ iterations/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''),
      undefined,
      { timeout: 540_000 },
    );
    console.log(`[ui-clip-file] RN50 sketch, 2 iterations: ${Math.round(performance.now() - t1)} ms`);
    expect(await s.ui.getByTestId('preview').getAttribute('data-strokes')).toBe('4');
    await s.screenshot('clip-file-sketch');
  }, 1_200_000);
});
