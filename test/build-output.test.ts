// The build's promises: dist/ui.html is one self-contained file (no external script, link,
// src or url() reference; the iframe can load nothing else), our code has no eval, and the
// manifest grants exactly the model download hosts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUGGING_FACE_DOWNLOAD_HOSTS } from '../models/clip-common.ts';
import { PROJECT_ROOT } from './helpers/browser.ts';

const read = (p: string) => readFileSync(join(PROJECT_ROOT, p), 'utf8');

describe('build output', () => {
  it('dist/ui.html exists (node build.mjs ran)', () => {
    expect(existsSync(join(PROJECT_ROOT, 'dist/ui.html')), 'run node build.mjs first').toBe(true);
  });

  it('dist/ui.html is a single file: no external scripts, stylesheets, sources or CSS urls', () => {
    const html = read('dist/ui.html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*rel=["']?stylesheet/i);
    expect(html).not.toMatch(/<(img|iframe|source|video|audio)[^>]*\ssrc=["']?(https?:|\/\/|\.\.?\/)/i);
    expect(html).not.toMatch(/@import\s/);
    expect(html).not.toMatch(/url\(\s*["']?(https?:|\/\/)/i);
    // Exactly one script (the app, with the engine worker and the ORT wasm inside) and one style.
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html.match(/<\/script>/gi)).toHaveLength(1);
    expect(html.match(/<style/gi)).toHaveLength(1);
  });

  it('our sources use no eval or new Function (third-party runtime code is reported, not tested)', () => {
    const files = readdirSync(join(PROJECT_ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) => /(^|[^.\w])eval\(|new Function\(/.test(read(`src/${f}`)));
    expect(offenders).toEqual([]);
  });

  it('the manifest points at the built files and allows exactly the Hugging Face download hosts', () => {
    const manifest = JSON.parse(read('manifest.json')) as Record<string, unknown> & { networkAccess: { allowedDomains: string[]; reasoning: string } };
    expect(manifest).toMatchObject({ api: '1.0.0', editorType: ['figma'], main: 'dist/code.js', ui: 'dist/ui.html', documentAccess: 'dynamic-page', name: 'Sketchify' });
    expect([...manifest.networkAccess.allowedDomains].sort()).toEqual([...HUGGING_FACE_DOWNLOAD_HOSTS].sort());
    expect(manifest.networkAccess.reasoning.length).toBeGreaterThan(20);
  });
});
