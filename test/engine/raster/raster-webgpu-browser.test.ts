import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserPage, type BrowserSession } from '../../helpers/browser.ts';
import { bundleForBrowser } from '../../helpers/bundle.ts';
import type { ComparisonRow } from '../../helpers/raster-compare.ts';

// Same scenes and tolerances as the Node test (test/engine/raster/raster-webgpu.test.ts): images within
// 5e-5 absolute, gradients within 5e-4 of the largest reference component.
const FORWARD_TOL = 5e-5;
const BACKWARD_TOL = 5e-4;

describe('WebGPU rasterizer in headless Chromium vs the CPU reference', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowserPage();
    const content = await bundleForBrowser(resolve(import.meta.dirname, '../../helpers/raster-browser-entry.ts'));
    // A module script (not page.evaluate) so the test transform leaves the bundle alone.
    await session.page.addScriptTag({ type: 'module', content });
    await session.page.waitForFunction(() => 'runRasterComparison' in window, undefined, { timeout: 60_000 });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('forward and backward match on every comparison scene', async () => {
    const result = (await session.page.evaluate('runRasterComparison()')) as { adapter: string; rows: ComparisonRow[] } | { error: string };
    if ('error' in result) throw new Error(`${result.error}\n${session.logs.join('\n')}`); // no adapter = failure
    expect(result.rows.length).toBeGreaterThan(0);
    for (const row of result.rows) {
      expect(row.forwardMaxAbs, row.name).toBeLessThan(FORWARD_TOL);
      expect(row.backwardMaxRel, row.name).toBeLessThan(BACKWARD_TOL);
      if (row.name !== 'N = 0') expect(row.gradScale, row.name).toBeGreaterThan(0.01);
    }
  });
});
