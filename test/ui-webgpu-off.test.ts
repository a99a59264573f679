// A host without WebGPU (the harness hides navigator.gpu before the UI's scripts run, as such
// a host would): the run goes to the CPU path and the UI says so, and why, in plain words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUi, type UiSession } from './harness/ui-session.ts';

describe('UI on a host without WebGPU', () => {
  let s: UiSession;
  beforeAll(async () => {
    s = await openUi('?webgpu=off');
  });
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
  });

  it('runs on the CPU and says that the host gives no WebGPU', async () => {
    expect(await s.ui.evaluate(() => 'gpu' in navigator && (navigator as Navigator & { gpu?: unknown }).gpu !== undefined)).toBe(false);
    await s.select('horse', { strokes: 4, iterations: 3 });
    await s.click('run');
    // During the run the progress block names the backend and the reason.
    await s.ui.waitForFunction(() => /Running on CPU(, [^:]*)?: this host gives plugins no WebGPU/.test(document.querySelector('[data-testid=progress]')?.textContent ?? ''), undefined, { timeout: 110_000 });
    await s.ui.waitForFunction(() => /Done after/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''), undefined, { timeout: 110_000 });
    await expect(s.ui.getByTestId('summary').textContent()).resolves.toMatch(/Ran on CPU(, [^:]*)?: this host gives plugins no WebGPU \(navigator\.gpu is missing\)/);
    expect(await s.ui.locator('[data-testid=problem]').count()).toBe(0);
    await s.screenshot('no-webgpu');
  }, 200_000);
});
