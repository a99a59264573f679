// The default host (Figma-like opaque-origin iframe, data: workers allowed): the engine worker,
// started from a data: bootstrap, is a secure context and has WebGPU itself, so a forced GPU
// run stays in the worker (nothing on the UI's main thread). A device lost there is the
// engine's own fallback: the run continues on the CPU in the worker, the UI says so.
// SwiftShader WebGPU: few iterations (seconds each).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from 'playwright-core';
import { openUi, type UiSession } from '../harness/ui-session.ts';

describe('UI with WebGPU in the engine worker (data: bootstrap)', () => {
  let s: UiSession;
  const summary = () => s.ui.getByTestId('summary').textContent();
  const waitSummary = (pattern: RegExp) =>
    s.ui.waitForFunction(
      (src) => new RegExp(src).test(document.querySelector('[data-testid=summary]')?.textContent ?? ''),
      pattern.source,
      { timeout: 240_000 },
    );
  /** The engine worker: the one whose global scope holds the engine's device once probed. */
  const engineWorker = async (): Promise<Worker> => {
    for (const w of s.page.workers()) if (await w.evaluate(() => '__sketchifyDevice' in globalThis)) return w;
    throw new Error(`no engine worker among ${s.page.workers().length}`);
  };

  beforeAll(async () => {
    s = await openUi();
    await s.select('horse', { strokes: 4, iterations: 3 });
    await s.chooseCompute('GPU (WebGPU)');
  }, 200_000);
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
  });

  it('runs a forced GPU run in the worker, which is a secure context with WebGPU', async () => {
    await s.click('run');
    await waitSummary(/Done after 3 iterations/);
    await expect(summary()).resolves.toMatch(/Ran on WebGPU \([^)]*\): you chose the GPU\.$/);
    expect(await s.ui.evaluate(() => 'sketchifyEngine' in window)).toBe(false);
    const worker = await engineWorker();
    expect(worker.url()).toMatch(/^data:/);
    expect(
      await worker.evaluate(() => ({
        secure: self.isSecureContext,
        subtle: !!crypto.subtle,
        device: (globalThis as { __sketchifyDevice?: unknown }).__sketchifyDevice instanceof GPUDevice,
      })),
    ).toEqual({
      secure: true,
      subtle: true,
      device: true,
    });
  }, 300_000);

  it('a device destroyed mid-run: the engine continues on the CPU in the worker, Insert works', async () => {
    await s.setNumber('iterations', '30');
    await s.click('run');
    await s.ui.waitForFunction(
      () => /Iteration ([1-9]|\d{2,}) \/ 30.*Running on WebGPU/.test(document.querySelector('[data-testid=progress]')?.textContent ?? ''),
      undefined,
      { timeout: 240_000 },
    );
    await (await engineWorker()).evaluate(() => (globalThis as { __sketchifyDevice?: GPUDevice }).__sketchifyDevice!.destroy());
    await waitSummary(/Done after 30 iterations/);
    await expect(summary()).resolves.toMatch(/Ran on CPU: the GPU device was lost at iteration \d+, so the run continues on the CPU/);
    await expect(s.ui.getByTestId('notice').textContent()).resolves.toMatch(
      /The GPU stopped working at iteration \d+\. Sketchify carried on with the CPU/,
    );
    expect(await s.ui.locator('[data-testid=problem]').count()).toBe(0);
    await s.click('insert');
    await s.ui.getByText('Inserted 4 strokes', { exact: false }).waitFor();
    expect(await s.requests('insertSketch')).toHaveLength(1);
  }, 400_000);
});
