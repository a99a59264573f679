// The whole flow in headless Chromium on the built dist/ui.html inside the host harness, with
// the embedded model on the CPU path (Auto falls back from SwiftShader), all on one page load
// (loading the 37 MB srcdoc is the slow part): selection -> thumbnail -> Sketch -> live preview
// updates -> Insert sends a valid strokes message; Sketch again uses the next seed; Cancel
// mid-run keeps the best; the abstraction series inserts 4, 8, 16 and 32 strokes side by side.
// Iterations are cut short through the Advanced "Iterations" field.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUi, RESULTS_DIR, type UiSession } from '../harness/ui-session.ts';

interface SketchPayload {
  strokes: number[][];
  width: number;
}
interface InsertPayload {
  nodeId: string;
  canvasSize: number;
  layout: string;
  placement: string;
  color: { r: number; g: number; b: number };
  sketch: SketchPayload;
}
interface SeriesPayload extends Omit<InsertPayload, 'sketch'> {
  sketches: SketchPayload[];
}

type UiWindow = Window & { __longTasks: number[]; __iterations: number[]; __contradictions: string[] };

function expectStrokes(sketch: SketchPayload, count: number): void {
  expect(sketch.strokes).toHaveLength(count);
  for (const stroke of sketch.strokes) {
    expect(stroke).toHaveLength(8);
    // Control points in subject units; the optimizer may push a little past the edges.
    for (const v of stroke) expect(Number.isFinite(v) && v > -0.5 && v < 1.5).toBe(true);
  }
  expect(sketch.width).toBe(3);
}

describe('UI flow with the embedded model', () => {
  let s: UiSession;
  const summary = () => s.ui.getByTestId('summary').textContent();
  const waitSummary = (pattern: RegExp) =>
    s.ui.waitForFunction(
      (src) => new RegExp(src).test(document.querySelector('[data-testid=summary]')?.textContent ?? ''),
      pattern.source,
      { timeout: 110_000 },
    );
  /** Types into a numeric textbox the way the UI hears it (an input event). */
  beforeAll(async () => {
    s = await openUi();
    // Long tasks on the UI's main thread and every iteration the preview showed.
    await s.ui.evaluate(() => {
      const w = window as unknown as UiWindow;
      w.__longTasks = [];
      w.__iterations = [];
      w.__contradictions = [];
      // Bug guard: "Preparing the model…" must never sit beside strokes in the preview.
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid=progress]')?.textContent ?? '';
        const strokes = Number(document.querySelector('[data-testid=preview]')?.getAttribute('data-strokes'));
        if (/Preparing the model/.test(text) && strokes > 0) w.__contradictions.push(`${text} with ${strokes} strokes shown`);
      }).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
        attributeFilter: ['data-strokes'],
      });
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(Math.round(e.duration)))).observe({
        type: 'longtask',
      });
      new MutationObserver(() => {
        const it = Number(document.querySelector('[data-testid=preview]')?.getAttribute('data-iteration'));
        if (Number.isFinite(it) && w.__iterations.at(-1) !== it) w.__iterations.push(it);
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-iteration'] });
    });
  });
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
  });

  it('sketches the selection with live preview updates and inserts valid strokes', async () => {
    await s.select('horse', { strokes: 4, iterations: 6 });
    await s.ui.getByText('with 6 iterations').waitFor();
    // Long tasks count from Run to the result only (not the page load).
    await s.ui.evaluate(() => ((window as unknown as UiWindow).__longTasks = []));
    // The worker warms the model up from the panel's opening (worker/warm.ts); Run may come
    // while that is still in progress (then the run joins it and stops it): either way the
    // warm-up must not fail in the real worker, nor break the run.
    const engineAtRun = await s.ui.locator('.app').getAttribute('data-engine');
    await s.click('run');
    await waitSummary(/Done after \d+ iterations/);
    await expect(summary()).resolves.toMatch(/seed 0/);
    expect(engineAtRun).not.toBe('failed');
    expect(await s.ui.locator('.app').getAttribute('data-engine')).toMatch(/^(warm|stopped)$/);
    await expect(s.ui.getByTestId('summary').textContent()).resolves.toMatch(/Ran on CPU/);
    // The preview went from the initial strokes (iteration 0) through optimization steps.
    const seen = await s.ui.evaluate(() => (window as unknown as UiWindow).__iterations);
    expect(seen[0]).toBeLessThanOrEqual(0);
    expect(seen.filter((i) => i > 0).length).toBeGreaterThanOrEqual(2);
    expect(await s.ui.getByTestId('preview').getAttribute('data-strokes')).toBe('4');
    const longTasks = await s.ui.evaluate(() => (window as unknown as UiWindow).__longTasks);
    writeFileSync(
      join(RESULTS_DIR, 'ui-longtasks-first-run.json'),
      `${JSON.stringify({ during: 'first run (6 iterations)', engineAtRun, longTasksMs: longTasks, over100: longTasks.filter((d) => d > 100).length })}\n`,
    );
    // Recorded, not asserted: a long task is wall time, and the full suite shares two cores
    // with this page (CI once saw 114 ms while a quiet run sees none over 50 ms). Speed is a
    // benchmark's job, never a timed assertion; the values go to test-results/ui-longtasks-*.json.
    await s.screenshot('done');

    await s.click('insert');
    await s.ui.getByTestId('notice').waitFor();
    await expect(s.ui.getByTestId('notice').textContent()).resolves.toMatch(/Inserted 4 strokes \(4 vectors\)/);
    const inserts = await s.requests('insertSketch');
    expect(inserts).toHaveLength(1);
    const p = inserts[0].payload as InsertPayload;
    expect(p.nodeId).toBe('fixture:horse');
    expect(p.canvasSize).toBe(224);
    expect(p.placement).toBe('over');
    expect(p.layout).toBe('per-stroke');
    expect(p.color.r).toBeCloseTo(0x1e / 255, 5);
    expectStrokes(p.sketch, 4);
    expect(await s.page.evaluate(() => window.__host.rejections)).toEqual([]);
  });

  it('sketches again with the next seed, never saying "Preparing the model" beside strokes', async () => {
    await s.click('again');
    await waitSummary(/Done after \d+ iterations.*seed 1/);
    expect(await s.ui.evaluate(() => (window as unknown as UiWindow).__contradictions)).toEqual([]);
  });

  it('cancels mid-run, keeps the best strokes so far and can insert them', async () => {
    await s.setNumber('iterations', '2000');
    await s.ui.evaluate(() => ((window as unknown as UiWindow).__longTasks = []));
    await s.click('run');
    await s.ui.getByTestId('progress').waitFor();
    // The preview still holds the last run's strokes: wait for this run's own iterations.
    await s.ui.waitForFunction(
      () => /Iteration ([3-9]|\d{2,}) \/ 2000/.test(document.querySelector('[data-testid=progress]')?.textContent ?? ''),
      undefined,
      { timeout: 110_000 },
    );
    // Cancel at once: waiting (for a screenshot, say) lets early stopping end the run first.
    await s.click('cancel');
    await s.ui.getByTestId('run').waitFor({ timeout: 110_000 });
    const problem = await s.ui.locator('[data-testid=problem]').allTextContents();
    expect(problem, 'no problem shown after cancel').toEqual([]);
    await expect(summary()).resolves.toMatch(/Stopped after \d+ iterations/);
    const stoppedAt = Number(/Stopped after (\d+)/.exec((await summary()) ?? '')![1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(3);
    expect(stoppedAt).toBeLessThan(2000);
    const longTasks = await s.ui.evaluate(() => (window as unknown as UiWindow).__longTasks);
    // A measurement, not an assertion: wall-clock task lengths depend on the machine's load.
    writeFileSync(
      join(RESULTS_DIR, 'ui-longtasks-cancelled-run.json'),
      `${JSON.stringify({ during: 'cancelled run', longTasksMs: longTasks, over100: longTasks.filter((d) => d > 100).length })}\n`,
    );
    await s.click('insert');
    await s.ui.getByText('Inserted 4 strokes', { exact: false }).waitFor();
    expect(await s.requests('insertSketch')).toHaveLength(2);
  }, 300_000);

  it('runs the abstraction series and inserts 4, 8, 16 and 32 strokes side by side', async () => {
    await s.setNumber('iterations', '2');
    await s.click('series');
    await s.ui.getByText('a series of 4 sketches', { exact: false }).waitFor({ timeout: 110_000 });
    const series = await s.requests('insertSeries');
    expect(series).toHaveLength(1);
    const p = series[0].payload as SeriesPayload;
    expect(p.placement).toBe('beside');
    expect(p.nodeId).toBe('fixture:horse');
    expect(p.sketches.map((k) => k.strokes.length)).toEqual([4, 8, 16, 32]);
    p.sketches.forEach((k, i) => expectStrokes(k, [4, 8, 16, 32][i]));
    expect(await s.page.evaluate(() => window.__host.rejections)).toEqual([]);
  }, 300_000);

  it('says in plain words when Figma refuses the insert, and inserting again works', async () => {
    await s.page.evaluate(() => window.__host.failNextInsert('node is locked'));
    const before = (await s.requests('insertSketch')).length;
    await s.click('insert');
    await s.ui.getByTestId('problem').waitFor();
    await expect(s.ui.getByTestId('problem').textContent()).resolves.toMatch(/could not be inserted.*node is locked/s);
    await s.screenshot('insert-failed');
    // The harness fails only the next insert: this one goes through.
    await s.click('insert');
    await s.ui.getByText('Inserted 32 strokes', { exact: false }).waitFor();
    expect((await s.requests('insertSketch')).length).toBe(before + 2);
  });
  it('starts no loss worker when the page asks for one shard (the harness default), warm-up included', async () => {
    // By now the warm-up and several runs are over: every worker the page has is listed.
    const roles = await Promise.all(
      s.page
        .workers()
        .map((w) => w.evaluate(() => (globalThis as { sketchifyRole?: string }).sketchifyRole ?? 'engine').catch(() => 'gone')),
    );
    expect(roles).toContain('engine');
    expect(roles).not.toContain('loss');
  });
});
