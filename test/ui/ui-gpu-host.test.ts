// A host whose engine worker gets no WebGPU while the iframe has it: the harness's CSP allows
// only blob: workers (worker=blob), and a blob worker of the opaque-origin iframe is no secure
// context. A forced GPU run then goes to the engine on the iframe's main thread (the same
// bundle, src/ui/engine/main-host.ts); a device lost there hands the run to the worker's CPU.
// Auto still runs on the worker's CPU (SwiftShader is the only adapter here). WebGPU is
// SwiftShader, so GPU iterations are few (seconds each).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUi, type UiSession } from '../harness/ui-session.ts';

interface InsertPayload {
  sketch: { strokes: number[][]; width: number };
}

type UiWindow = Window & { __iterations: number[]; sketchifyEngine?: unknown; __sketchifyDevice?: GPUDevice };

describe('UI when the engine worker has no WebGPU (blob worker)', () => {
  let s: UiSession;
  const summary = () => s.ui.getByTestId('summary').textContent();
  const waitSummary = (pattern: RegExp) =>
    s.ui.waitForFunction(
      (src) => new RegExp(src).test(document.querySelector('[data-testid=summary]')?.textContent ?? ''),
      pattern.source,
      { timeout: 240_000 },
    );

  beforeAll(async () => {
    s = await openUi('?worker=blob');
    await s.ui.evaluate(() => {
      const w = window as unknown as UiWindow;
      w.__iterations = [];
      new MutationObserver(() => {
        const it = Number(document.querySelector('[data-testid=preview]')?.getAttribute('data-iteration'));
        if (Number.isFinite(it) && w.__iterations.at(-1) !== it) w.__iterations.push(it);
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-iteration'] });
    });
    await s.select('horse', { strokes: 4, iterations: 3 });
  }, 200_000);
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
  });

  it('Auto runs on the worker CPU and says why (only a software adapter)', async () => {
    await s.click('run');
    await waitSummary(/Done after \d+ iterations/);
    await expect(summary()).resolves.toMatch(/Ran on CPU(, [^:]*)?: the only WebGPU adapter is a software renderer/);
    // The CPU run never loaded the engine beside the UI.
    expect(await s.ui.evaluate(() => 'sketchifyEngine' in window)).toBe(false);
  }, 200_000);

  it('a forced GPU run goes to the main-thread engine, previews and inserts its strokes', async () => {
    await s.chooseCompute('GPU (WebGPU)');
    await s.ui.evaluate(() => ((window as unknown as UiWindow).__iterations = []));
    await s.click('run');
    await waitSummary(/Done after 3 iterations/);
    await expect(summary()).resolves.toMatch(
      /Ran on WebGPU \([^)]*\): you chose the GPU; it runs beside the UI, since the plugin's engine worker gets no WebGPU/,
    );
    expect(
      await s.ui.evaluate(() => 'sketchifyEngine' in window && (window as unknown as UiWindow).__sketchifyDevice instanceof GPUDevice),
    ).toBe(true);
    const seen = await s.ui.evaluate(() => (window as unknown as UiWindow).__iterations);
    expect(seen.filter((i) => i > 0).length).toBeGreaterThanOrEqual(1);
    expect(await s.ui.getByTestId('preview').getAttribute('data-strokes')).toBe('4');
    await s.click('insert');
    await s.ui.getByText('Inserted 4 strokes', { exact: false }).waitFor();
    const inserts = await s.requests('insertSketch');
    expect(inserts).toHaveLength(1);
    const p = inserts[0].payload as InsertPayload;
    expect(p.sketch.strokes).toHaveLength(4);
    for (const stroke of p.sketch.strokes) for (const v of stroke) expect(Number.isFinite(v) && v > -0.5 && v < 1.5).toBe(true);
  }, 300_000);

  it('a device destroyed mid-run: the run finishes on the CPU, the notice says so, Insert works', async () => {
    await s.setNumber('iterations', '30');
    await s.click('run');
    await s.ui.waitForFunction(
      () => /Iteration ([1-9]|\d{2,}) \/ 30.*Running on WebGPU/.test(document.querySelector('[data-testid=progress]')?.textContent ?? ''),
      undefined,
      { timeout: 240_000 },
    );
    await s.ui.evaluate(() => (window as unknown as UiWindow).__sketchifyDevice!.destroy());
    await waitSummary(/Done after \d+ iterations/);
    await expect(summary()).resolves.toMatch(
      /Ran on CPU(, [^:]*)?: the GPU device was lost at iteration \d+, so the run continues on the CPU/,
    );
    await expect(s.ui.getByTestId('notice').textContent()).resolves.toMatch(
      /The GPU stopped working at iteration \d+\. Sketchify carried on with the CPU/,
    );
    expect(await s.ui.locator('[data-testid=problem]').count()).toBe(0);
    await s.screenshot('gpu-lost');
    await s.click('insert');
    await s.ui.getByText('Inserted 4 strokes', { exact: false }).waitFor();
    expect(await s.requests('insertSketch')).toHaveLength(2);
  }, 400_000);
});
