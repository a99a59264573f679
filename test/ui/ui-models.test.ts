// CLIP models in the UI (headless Chromium, built dist/ui.html in the host harness): the
// download size is shown before anything is fetched; Hugging Face is played by a local HTTPS
// server that Chromium reaches by name (test/harness/hf-route.ts: a 302 from huggingface.co to
// a file host, Range answers, CORS for the null origin), which answers the engine worker's
// fetches from the sandboxed srcdoc iframe, whose CSP the harness derives from manifest.json as
// Figma does. A server error and wrong bytes each give their plain-words message with a way
// forward, and the embedded model still sketches afterwards; a redirect to a host the manifest
// does not list is refused in plain words; an unpinned model's details name the commit its
// weights file records; a download of a real-layout RN50 checkpoint (zero weights) can be
// cancelled back to the choice, and downloaded again through the listed chain shows progress,
// resumes after each cut and reaches ready.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipWeightSpec } from '../../src/engine/networks/clip-specs.ts';
import { CLIP_RN101_ENTRY } from '../../models/clip-rn101.ts';
import { CLIP_RN50_ENTRY } from '../../models/clip-rn50.ts';
import { DEFAULT_FILE_HOST, startHuggingFace, zeroCheckpointHeader, type HfServer } from '../harness/hf-route.ts';
import { openUi, type UiSession } from '../harness/ui-session.ts';

describe('CLIP models in the UI', () => {
  let s: UiSession;
  let hf: HfServer;
  const problemText = () => s.ui.getByTestId('problem').textContent();
  /** Picks a model from the dropdown's (hidden) menu the way a click on its option does. */
  const chooseModel = (id: string) => s.ui.locator(`input[value="${id}"]`).evaluate((el: HTMLElement) => el.click());

  beforeAll(async () => {
    hf = await startHuggingFace({ status: 500 });
    s = await openUi('', { chromiumArgs: hf.chromiumArgs });
    await s.select('horse');
  });
  afterAll(async () => {
    if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
    await s?.close();
    await hf?.close();
  });

  it('shows the download size before fetching anything, and Sketch waits for the model', async () => {
    await chooseModel('clip-rn50');
    await s.ui.getByTestId('download-size').waitFor();
    await expect(s.ui.getByTestId('download-size').textContent()).resolves.toMatch(/one-time download of 153 MB/);
    expect(await s.ui.getByTestId('run').isDisabled()).toBe(true);
    expect(hf.requests).toEqual([]);
    await s.screenshot('model-choice');
  });

  it('says the server answered HTTP 500, offers a way forward, and the embedded model still sketches', async () => {
    hf.answer = { status: 500 };
    await s.click('model-download');
    // The downloader retries a 5xx four times with backoff (about 8 s) before giving up.
    await s.ui.getByTestId('problem').waitFor({ timeout: 60_000 });
    await expect(problemText()).resolves.toMatch(/could not be downloaded.*server answered HTTP 500/s);
    expect(hf.requests.length).toBe(5);
    expect(await s.ui.locator('[data-remedy]').evaluateAll((els) => els.map((e) => e.getAttribute('data-remedy')))).toEqual([
      'retry-download',
      'use-embedded',
    ]);
    await expect(s.ui.getByTestId('problem').textContent()).resolves.toMatch(/load the weights from a file/);
    // Nothing lost: the selection and the offer to download stay.
    await s.ui.getByTestId('model-download').waitFor();
    await s.ui.getByTestId('thumbnail').waitFor();
    await s.screenshot('download-error');
  });

  it('rejects a file that is not the model (garbage, then the right names with wrong shapes)', async () => {
    hf.answer = { bytes: new Uint8Array(4096).fill(0x7b) };
    await s.ui.locator('[data-remedy=retry-download]').evaluate((el: HTMLElement) => el.click());
    await s.ui.waitForFunction(
      () => /not the expected model/.test(document.querySelector('[data-testid=problem]')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    // The right tensor names, each one element too few: a checkpoint of another architecture.
    const spec = clipWeightSpec(CLIP_RN50_ENTRY.clip);
    const shrunk = {
      ...spec,
      tensors: new Map([...spec.tensors].map(([n, shape]) => [n, shape.map((d, i) => (i === 0 && d > 1 ? d - 1 : d))])),
    };
    const wrong = zeroCheckpointHeader(shrunk);
    hf.answer = { header: wrong.header, size: wrong.size, chunk: 1 << 20 };
    const before = hf.requests.length;
    await s.click('model-download');
    await s.ui.waitForFunction(
      () => /not the expected model/.test(document.querySelector('[data-testid=problem]')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    await expect(problemText()).resolves.toMatch(/do not match the architecture/);
    // Only the header was read: no tensor bytes were fetched for a checkpoint that cannot fit.
    expect(hf.requests.slice(before)).toEqual(['bytes=0-7', expect.stringMatching(/^bytes=8-\d+$/)]);
  });

  it('use the embedded model: it sketches after the failed downloads', async () => {
    await s.ui.locator('[data-remedy=use-embedded]').evaluate((el: HTMLElement) => el.click());
    await s.quickRunSettings(4, 3);
    await s.click('run');
    await s.ui.waitForFunction(
      () => /Done after \d+ iterations/.test(document.querySelector('[data-testid=summary]')?.textContent ?? ''),
      undefined,
      { timeout: 110_000 },
    );
    expect(await s.ui.getByTestId('preview').getAttribute('data-strokes')).toBe('4');
  }, 150_000);

  it('a picked weights file that is not the model is refused in plain words', async () => {
    await chooseModel('clip-vit-b32');
    await s.ui.getByTestId('model-file-button').waitFor();
    await s.ui
      .getByTestId('model-file')
      .setInputFiles({ name: 'notes.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a checkpoint at all') });
    await s.ui.waitForFunction(
      () => /not the expected model/.test(document.querySelector('[data-testid=problem]')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    await expect(problemText()).resolves.toMatch(/weights file notes\.safetensors/);
    // Still offered: download, or another file.
    await s.ui.getByTestId('model-download').waitFor();
  });

  it('a redirect to a host the manifest does not list is refused, in plain words', async () => {
    await chooseModel('clip-rn101');
    // The registry's honest revision: a branch, said to be unpinned.
    await expect(s.ui.getByTestId('model-source').textContent()).resolves.toMatch(/timm\/resnet101_clip\.openai, main \(not pinned/);
    hf.fileHost = 'files.example.net';
    hf.answer = { bytes: new Uint8Array(64) };
    const before = { hosts: hf.hosts.length, requests: hf.requests.length };
    await s.click('model-download');
    // Refused on every retry (about 8 s of backoff), then said once.
    await s.ui.waitForFunction(
      () => /not allowed to reach/.test(document.querySelector('[data-testid=problem]')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    await expect(problemText()).resolves.toMatch(
      /Hugging Face sent the download on to a site that this version of Sketchify is not allowed to reach/,
    );
    expect(hf.hosts.slice(before.hosts)).toContain('huggingface.co');
    // The policy refused the hop before any request left the window.
    expect(hf.hosts.slice(before.hosts)).not.toContain('files.example.net');
    expect(hf.requests.length).toBe(before.requests);
    hf.fileHost = DEFAULT_FILE_HOST;
  }, 90_000);

  it("a weights file that records its commit (the CLI's cache file) shows it in the model's details", async () => {
    const commit = '57ca0a9'.padEnd(40, '1');
    const file = zeroCheckpointHeader(clipWeightSpec(CLIP_RN101_ENTRY.clip), { repo_commit: commit });
    const dir = mkdtempSync(join(tmpdir(), 'sketchify-rn101-'));
    try {
      const path = join(dir, 'clip-rn101@main.safetensors');
      writeFileSync(path, file.header);
      truncateSync(path, file.size); // zeros after the header
      await s.ui.getByTestId('model-file').setInputFiles(path);
      await s.ui.getByTestId('model-ready').waitFor({ timeout: 240_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(s.ui.getByTestId('model-source').textContent()).resolves.toBe(
      'Weights: timm/resnet101_clip.openai, main (not pinned: the files may change). Loaded from commit 57ca0a9.',
    );
    expect(await s.ui.getByTestId('model-source').getAttribute('data-repo-commit')).toBe(commit);
  }, 300_000);

  it('cancelling a download in progress returns to the choice, without an error', async () => {
    const file = zeroCheckpointHeader(clipWeightSpec(CLIP_RN50_ENTRY.clip));
    let release!: () => void;
    hf.hold = new Promise((done) => (release = done));
    hf.answer = { ...file, chunk: 40 << 20 };
    await chooseModel('clip-rn50');
    await s.click('model-download');
    await s.ui.waitForFunction(
      () => Number(document.querySelector('[data-testid=download-progress]')?.getAttribute('data-done')) > 30e6,
      undefined,
      { timeout: 60_000 },
    );
    await s.click('download-cancel');
    // Back to the offer: size, Download and Load from file; no problem shown, Sketch waits.
    await s.ui.getByTestId('download-size').waitFor({ timeout: 30_000 });
    await s.ui.getByTestId('model-download').waitFor();
    await s.ui.getByTestId('model-file-button').waitFor();
    expect(await s.ui.getByTestId('download-progress').count()).toBe(0);
    expect(await s.ui.locator('[data-testid=problem]').allTextContents()).toEqual([]);
    expect(await s.ui.getByTestId('run').isDisabled()).toBe(true);
    hf.hold = null;
    release();
  });

  it('downloading again after the cancel shows progress, resumes after each cut and reaches ready', async () => {
    const file = zeroCheckpointHeader(clipWeightSpec(CLIP_RN50_ENTRY.clip));
    let release!: () => void;
    hf.hold = new Promise((done) => (release = done));
    hf.answer = { ...file, chunk: 40 << 20 };
    await s.click('model-download');
    // Held after the first 40 MiB: the progress line comes to show those bytes of the total.
    // (Wait for the text itself: progress is throttled, so a read right after data-done first
    // passed 30 MB once saw 38 MB, the line before the last one.)
    await s.ui.waitForFunction(
      (pattern) => new RegExp(pattern).test(document.querySelector('[data-testid=download-progress]')?.textContent ?? ''),
      /Downloading 4\d MB of 154 MB \(2\d %\)/.source,
      { timeout: 60_000 },
    );
    expect(Number(await s.ui.getByTestId('download-progress').getAttribute('data-total'))).toBe(file.size);
    await s.screenshot('download-progress');
    const requested = hf.requests.length;
    hf.hold = null;
    release();
    // Every byte arrives (resumed after each cut chunk), the header checks out, and the model
    // compiles. Ready must stay ready: a throttled progress message the worker still had
    // pending once showed "compiling" forever after this file's embedded sketch.
    await s.ui.getByTestId('model-ready').waitFor({ timeout: 240_000 });
    expect(await s.ui.locator('[data-testid=problem]').allTextContents()).toEqual([]);
    // 154 MB in 40 MB answers: the chunks after the held one were asked for, each resuming the last.
    expect(hf.requests.length - requested).toBeGreaterThanOrEqual(2);
    await new Promise((done) => setTimeout(done, 500));
    expect(await s.ui.getByTestId('model-ready').isVisible()).toBe(true);
    expect(await s.ui.getByTestId('run').isDisabled()).toBe(false);
    // Through the chain the manifest lists: huggingface.co, then its CDN host under hf.co.
    expect(new Set(hf.hosts)).toEqual(new Set(['huggingface.co', DEFAULT_FILE_HOST]));
    // A pinned revision; the window cannot read the commit huggingface.co names on its redirect.
    await expect(s.ui.getByTestId('model-source').textContent()).resolves.toBe('Weights: timm/resnet50_clip.openai, commit 00fd562.');
  }, 400_000);
});
