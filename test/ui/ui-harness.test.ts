// The built dist/ui.html inside the host harness (which plays Figma's sandbox): it connects,
// follows selections (thumbnail or empty state), and its controls render. Runs need the
// engine and its embedded model: see ui-flow.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUi, type UiSession } from '../harness/ui-session.ts';

describe('UI in the host harness', () => {
  let s: UiSession;
  beforeAll(async () => {
    s = await openUi();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('says ready over the protocol and sends nothing invalid', async () => {
    expect((await s.requests('ready')).length).toBe(1);
    expect(await s.page.evaluate(() => window.__host.rejections)).toEqual([]);
  });

  it('shows what to select when nothing is selected', async () => {
    await s.ui.getByTestId('empty-state').waitFor();
    await expect(s.ui.getByTestId('empty-state').textContent()).resolves.toMatch(/Select a layer with an image fill/);
    expect(await s.ui.getByTestId('run').isDisabled()).toBe(true);
    await s.screenshot('empty');
  });

  it('renders the selected image as a thumbnail and enables Sketch', async () => {
    await s.page.evaluate(() => window.__host.select({ fixture: 'chelsea' }));
    await s.ui.getByTestId('thumbnail').waitFor();
    const thumb = await s.ui.getByTestId('thumbnail').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let sum = 0,
        sq = 0;
      for (let i = 0; i < d.length; i += 4) {
        sum += d[i];
        sq += d[i] * d[i];
      }
      const n = d.length / 4;
      return { w: c.width, h: c.height, std: Math.sqrt(sq / n - (sum / n) ** 2) };
    });
    // The cat photo is 301x200: a landscape thumbnail with real image content (not blank).
    expect(thumb.w).toBeGreaterThan(thumb.h);
    expect(thumb.std).toBeGreaterThan(10);
    expect(await s.ui.getByTestId('run').isDisabled()).toBe(false);
    await s.ui.getByTestId('preview').waitFor();
    await s.screenshot('selected');
  });

  it('follows the selection: a cropped image gives its visible region, then back to empty', async () => {
    await s.page.evaluate(() => window.__host.select({ fixture: 'chelsea', scaleMode: 'CROP', crop: 0.5 }));
    await s.ui.getByText('chelsea (cropped)').waitFor();
    await s.page.evaluate(() => window.__host.problem('no-image'));
    await s.ui.getByTestId('empty-state').waitFor();
    await expect(s.ui.getByTestId('empty-state').textContent()).resolves.toMatch(/no image fill/);
  });
});
