// A host without WebGPU (the harness hides navigator.gpu before the UI's scripts run, as such
// a host would): the run goes to the CPU path and the UI says so, and why, in plain words. The
// same page checks the line on what is sketched (a cut-out, a busy photo).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUi, type UiSession } from '../harness/ui-session.ts';

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
    await s.ui.waitForFunction(
      () =>
        /Running on CPU(, [^:]*)?: this host gives plugins no WebGPU/.test(
          document.querySelector('[data-testid=progress]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 110_000 },
    );
    await s.ui.waitForFunction(() => /Done after/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''), undefined, {
      timeout: 110_000,
    });
    await expect(s.ui.getByTestId('summary').textContent()).resolves.toMatch(
      /Ran on CPU(, [^:]*)?: this host gives plugins no WebGPU \(navigator\.gpu is missing\)/,
    );
    expect(await s.ui.locator('[data-testid=problem]').count()).toBe(0);
    await s.screenshot('no-webgpu');
  }, 200_000);

  it('says in one line what is sketched: a cut-out without its background, a busy photo better cut out first', async () => {
    // The horse silhouette on white is no busy photo: no line.
    expect(await s.ui.locator('[data-testid=focus-hint]').count()).toBe(0);
    const hintAfterRun = async (fixture: string) => {
      await s.select(fixture); // the quick settings of the first test stay
      await s.click('run');
      await s.ui.waitForFunction(() => /Done after/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''), undefined, {
        timeout: 110_000,
      });
      return s.ui.getByTestId('focus-hint').textContent();
    };
    expect(await hintAfterRun('cat-cutout')).toMatch(/Only the subject is sketched: the transparent background is left out/);
    expect(await hintAfterRun('pig-on-forest')).toMatch(
      /Busy background: removing it first \(Figma’s Remove background\) gives cleaner sketches/,
    );
    await s.screenshot('busy-background-hint');
  }, 300_000);

  it('refuses a blank fill in plain words, as the CLI does', async () => {
    await s.page.evaluate(() => window.__host.select({ fixture: 'blank' }));
    await s.ui.getByTestId('problem').waitFor();
    await expect(s.ui.getByTestId('problem').textContent()).resolves.toMatch(
      /Nothing to sketch in this image.*blank \(one uniform colour\)/s,
    );
  });
});
