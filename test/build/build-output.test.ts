// The build's promises: dist/ui.html is one self-contained file (no external script, link,
// src or url() reference; the iframe can load nothing else), our code has no eval, and the
// manifest grants the model download hosts and nothing beyond Hugging Face's domains.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isClipEntry } from '../../models/clip-common.ts';
import { MODEL_REGISTRY } from '../../models/registry.ts';
import { allowedBy, readAllowedDomains } from '../harness/manifest-policy.ts';
import { PROJECT_ROOT } from '../helpers/browser.ts';

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

  it('the manifest points at the built files', () => {
    const manifest = JSON.parse(read('manifest.json')) as Record<string, unknown> & { networkAccess: { reasoning: string } };
    expect(manifest).toMatchObject({ api: '1.0.0', editorType: ['figma'], main: 'dist/code.js', ui: 'dist/ui.html', documentAccess: 'dynamic-page', name: 'Sketchify' });
    expect(manifest.networkAccess.reasoning).toMatch(/hf\.co/);
  });

  it("the manifest lets through Hugging Face's current redirect chain and nothing beyond its domains", () => {
    const domains = readAllowedDomains(JSON.parse(read('manifest.json')));
    // Every registry URL, and the file hosts huggingface.co redirects to (Hub documentation, 2026).
    const chain = [
      ...MODEL_REGISTRY.filter(isClipEntry).map((e) => e.source.url),
      ...['us.aws.cdn.hf.co', 'us.gcp.cdn.hf.co', 'eu.aws.cdn.hf.co', 'eu.gcp.cdn.hf.co', 'cas-server.xethub.hf.co', 'transfer.xethub.hf.co', 'cas-server-eu.xethub.hf.co', 'transfer-eu.xethub.hf.co', 'cdn-lfs-us-1.hf.co', 'cdn-lfs-eu-1.hf.co'].map((h) => `https://${h}/repos/ab/cd/file`),
    ];
    expect(chain.filter((url) => !allowedBy(domains, url))).toEqual([]);
    const outside = ['https://example.com/x', 'https://huggingface.co.example.com/x', 'https://hf.co.example.com/x', 'https://evilhf.co/x', 'http://huggingface.co/x', 'https://github.com/x'];
    expect(outside.filter((url) => allowedBy(domains, url))).toEqual([]);
    // Each entry names huggingface.co or hf.co, or a host under them: nothing broader.
    for (const d of domains) expect(d).toMatch(/^https:\/\/(\*\.)?([a-z0-9-]+\.)*(huggingface\.co|hf\.co)$/);
  });
});
