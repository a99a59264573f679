// "About this window" in every harness mode (headless Chromium, built dist/ui.html): one page
// per mode, several checks each. The window's lines are compared with what the test itself
// reads in the UI frame; the engine worker's with what each mode is known to give (harness
// notes in test/harness/host.ts): a data: worker of the srcdoc frame is a secure context with
// WebGPU, a blob: worker is neither, and a data: document (frame=data) has no secure context
// and no WebGPU. The build line is checked against dist/ui.html itself, and Copy as text
// against the text it puts in the textarea. Each mode also shows that the harness applies the
// manifest's connect-src policy there.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/browser.ts';
import { openUi, type UiSession } from '../harness/ui-session.ts';

let s: UiSession | undefined;
afterEach(async () => {
  if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
  await s?.close();
  s = undefined;
});

/** Opens the UI in a harness mode, opens the disclosure and returns its lines by label. */
async function openAbout(query: string): Promise<Record<string, string>> {
  s = await openUi(query);
  await s.click('about-window');
  return readAbout();
}

async function readAbout(): Promise<Record<string, string>> {
  await s!.ui.getByTestId('about-lines').waitFor({ timeout: 60_000 });
  const lines = await s!.ui
    .locator('[data-label]')
    .evaluateAll((els) => els.map((el) => [el.getAttribute('data-label')!, el.children[1]?.textContent ?? '']));
  return Object.fromEntries(lines);
}

/** What the test reads in the UI frame itself, to compare with the window's lines. */
function frameTruth() {
  return s!.ui.evaluate(() => ({
    document: `${location.protocol} origin ${self.origin}`,
    secure: isSecureContext ? 'yes' : 'no',
    isolated: crossOriginIsolated ? 'yes' : 'no',
    gpu: 'gpu' in navigator && (navigator as Navigator & { gpu?: unknown }).gpu !== undefined,
    cores: String(navigator.hardwareConcurrency),
    memory: `${(navigator as Navigator & { deviceMemory?: number }).deviceMemory} GB`,
  }));
}

/**
 * The manifest's network policy holds in this mode too (host.ts): a fetch to a host outside
 * allowedDomains is refused by connect-src, one to huggingface.co is not (it then fails for
 * want of a network, which is no policy violation).
 */
async function refusedByPolicy(): Promise<string[]> {
  return s!.ui.evaluate(async () => {
    const refused: string[] = [];
    const listener = (e: SecurityPolicyViolationEvent) => refused.push(`${new URL(e.blockedURI).host} ${e.effectiveDirective}`);
    document.addEventListener('securitypolicyviolation', listener);
    for (const url of ['https://files.example.net/x', 'https://huggingface.co/x']) await fetch(url).catch(() => undefined);
    await new Promise((done) => setTimeout(done, 100));
    document.removeEventListener('securitypolicyviolation', listener);
    return refused;
  });
}

/** The window's value of a line (before "; engine worker: ..."). */
const windowPart = (value: string): string => value.split('; engine worker: ')[0];
const workerPart = (value: string): string => value.split('; engine worker: ')[1] ?? windowPart(value);

describe('About this window', () => {
  it('srcdoc (default): true values for the window and its data: engine worker, the build stamp, and Copy as text', async () => {
    const about = await openAbout('');
    const truth = await frameTruth();
    expect(windowPart(about['Document'])).toBe(truth.document);
    expect(truth.document).toBe('about: origin null');
    expect(await refusedByPolicy()).toEqual(['files.example.net connect-src']);
    expect(workerPart(about['Document'])).toBe('data: origin null');
    expect(about['Secure context']).toBe(truth.secure); // the same in both: no "engine worker" part
    expect(about['Cross-origin isolated']).toBe(truth.isolated);
    expect(about['Cores']).toBe(truth.cores);
    expect(about['Device memory']).toBe(truth.memory);
    expect(truth.gpu).toBe(true);
    // The harness's Chromium runs WebGPU on SwiftShader (with --enable-unsafe-webgpu).
    expect(windowPart(about['WebGPU'])).toMatch(/swiftshader.*, shader-f16 (yes|no)$/i);
    expect(workerPart(about['WebGPU'])).toMatch(/swiftshader/i);
    // An opaque origin gets no storage, even in a secure context: the probes say why.
    expect(about['IndexedDB']).toMatch(/^does not work \(.*(SecurityError|denied)/i);
    expect(about['Cache Storage']).toMatch(/^does not work \(/);
    expect(about['Engine backend']).toBe('not chosen yet (the first sketch chooses)');

    // The build id is the SHA-256 of dist/ui.html as built (stamp blanked), the size its bytes.
    const html = readFileSync(join(PROJECT_ROOT, 'dist/ui.html'));
    const [, id, bytes] = /sketchify-ui:([0-9a-f]{12}):(\d{10})/.exec(html.toString('latin1'))!;
    const unstamped = html.toString('latin1').replace(`sketchify-ui:${id}:${bytes}`, `sketchify-ui:${'x'.repeat(12)}:${'0'.repeat(10)}`);
    expect(createHash('sha256').update(Buffer.from(unstamped, 'latin1')).digest('hex').slice(0, 12)).toBe(id);
    expect(Number(bytes)).toBe(html.length);
    expect(about['UI build']).toBe(`${id}, ${(html.length / 1e6).toFixed(1)} MB`);

    await s!.click('about-copy');
    await s!.ui.getByTestId('about-copied').waitFor();
    const copied = await s!.ui
      .getByTestId('about-text')
      .evaluate((el: HTMLTextAreaElement) => ({ text: el.value, selected: el.value.slice(el.selectionStart, el.selectionEnd) }));
    expect(copied.text).toBe(
      ['Sketchify: about this window', ...Object.entries(about).map(([label, value]) => `${label}: ${value}`)].join('\n'),
    );
    expect(copied.selected).toBe(copied.text);
    await expect(s!.ui.getByTestId('about-copied').textContent()).resolves.toMatch(/^(Copied\.|Selected: press Ctrl\+C)/);
    await s!.screenshot('about-window');
  }, 180_000);

  it('frame=data: a data: document, no secure context, no WebGPU, no Cache Storage', async () => {
    const about = await openAbout('?frame=data');
    const truth = await frameTruth();
    expect(windowPart(about['Document'])).toBe(truth.document);
    expect(truth.document).toBe('data: origin null');
    expect(await refusedByPolicy()).toEqual(['files.example.net connect-src']);
    expect(windowPart(about['Secure context'])).toBe('no');
    expect(truth.secure).toBe('no');
    expect(windowPart(about['WebGPU'])).toBe('no (navigator.gpu is missing)');
    expect(truth.gpu).toBe(false);
    expect(windowPart(about['Cache Storage'])).toBe('does not work (caches is not defined here (no secure context))');
    expect(about['Engine backend']).toBe('not chosen yet (the first sketch chooses)');
  }, 180_000);

  it('worker=blob: the engine worker is a blob: worker without a secure context or WebGPU, the window keeps both', async () => {
    const about = await openAbout('?worker=blob');
    expect(about['Document']).toBe('about: origin null; engine worker: blob: origin null');
    expect(about['Secure context']).toBe('yes; engine worker: no');
    expect(windowPart(about['WebGPU'])).toMatch(/swiftshader/i);
    expect(workerPart(about['WebGPU'])).toBe('no (navigator.gpu is missing)');
    expect(await refusedByPolicy()).toEqual(['files.example.net connect-src']);
  }, 180_000);

  it('webgpu=off: the window has no navigator.gpu (its worker still may); after a sketch the backend line names the CPU and why', async () => {
    const about = await openAbout('?webgpu=off');
    expect((await frameTruth()).gpu).toBe(false);
    expect(await refusedByPolicy()).toEqual(['files.example.net connect-src']);
    expect(windowPart(about['WebGPU'])).toBe('no (navigator.gpu is missing)');
    expect(about['Engine backend']).toBe('not chosen yet (the first sketch chooses)');
    await s!.select('horse', { strokes: 4, iterations: 3 });
    await s!.click('run');
    await s!.ui.waitForFunction(() => /Done after/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''), undefined, {
      timeout: 150_000,
    });
    await s!.click('about-refresh');
    const after = await readAbout();
    expect(after['Engine backend']).toBe('CPU: this host gives plugins no WebGPU (navigator.gpu is missing)');
  }, 300_000);
});
