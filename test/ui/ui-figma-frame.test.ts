// The UI in a data: URL document, the way public reports describe Figma's plugin iframe
// (location.href "data:text/html;base64,…", origin null): the harness's frame=data mode loads a
// tiny data: loader that writes ui.html into itself (Chromium refuses data: navigations over
// 2 MB, and ui.html is ~37 MB). Such a document is no secure context: neither it nor any worker
// it starts gets navigator.gpu or crypto.subtle. The plugin must still work there: the engine
// worker boots, the run goes to the CPU path and says why, and Insert sends the strokes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUi, type UiSession } from '../harness/ui-session.ts';

describe('UI in a data: URL document (no secure context)', () => {
  let s: UiSession;
  beforeAll(async () => {
    s = await openUi('?frame=data');
  });
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
  });

  it('is the document Figma is reported to give: data: URL, null origin, no secure context', async () => {
    const doc = await s.ui.evaluate(() => ({
      protocol: location.protocol,
      origin: location.origin,
      secure: isSecureContext,
      gpu: (navigator as Navigator & { gpu?: unknown }).gpu !== undefined,
      subtle: globalThis.crypto?.subtle !== undefined,
    }));
    expect(doc).toEqual({ protocol: 'data:', origin: 'null', secure: false, gpu: false, subtle: false });
  });

  it('sketches on the CPU, says why, and inserts the strokes', async () => {
    await s.select('horse', { strokes: 4, iterations: 3 });
    await s.click('run');
    await s.ui.waitForFunction(() => /Done after/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''), undefined, {
      timeout: 150_000,
    });
    await expect(s.ui.getByTestId('summary').textContent()).resolves.toMatch(
      /Ran on CPU(, [^:]*)?: this plugin window is not a secure context, so the browser gives it no WebGPU/,
    );
    expect(await s.ui.locator('[data-testid=problem]').count()).toBe(0);
    expect(await s.ui.getByTestId('preview').getAttribute('data-strokes')).toBe('4');
    await s.click('insert');
    await s.ui.getByText('Inserted 4 strokes', { exact: false }).waitFor();
    const inserts = await s.requests('insertSketch');
    expect(inserts).toHaveLength(1);
    const { nodeId, sketch } = inserts[0].payload as { nodeId: string; sketch: { strokes: number[][] } };
    expect(nodeId).toBe('fixture:horse');
    expect(sketch.strokes).toHaveLength(4);
    for (const stroke of sketch.strokes) expect(stroke.every((v) => Number.isFinite(v))).toBe(true);
    expect(await s.page.evaluate(() => window.__host.rejections)).toEqual([]);
    await s.screenshot('data-url-frame');
  }, 240_000);
});
