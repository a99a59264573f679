// dist/web/, the plugin window as a static site (scripts/build-web.mjs): every file but
// index.html is named by its content's hash, index.html loads exactly those files under a
// policy that allows its own inline script by hash only, the worker's assets are described
// by the digest the worker checks, and the manifest records a hosted window's origin.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the build, without types
import { manifestFor, sitePolicy } from '../../scripts/build-web.mjs';
import { PROJECT_ROOT } from '../helpers/browser.ts';

const WEB = join(PROJECT_ROOT, 'dist/web');
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('dist/web', () => {
  it('holds index.html and hashed files whose names match their contents', () => {
    expect(existsSync(join(WEB, 'index.html')), 'run node build.mjs first').toBe(true);
    const files = readdirSync(WEB).filter((f) => f !== 'index.html');
    expect(files.map((f) => f.replace(/-[0-9a-f]{16}\./, '-HASH.')).sort()).toEqual([
      'embedded-mobilenetv2-HASH.bin',
      'ort-wasm-simd-threaded.asyncify-HASH.wasm',
      'sketchify-HASH.css',
      'sketchify-HASH.js',
    ]);
    for (const f of files) expect(sha256(readFileSync(join(WEB, f))).slice(0, 16), f).toBe(/-([0-9a-f]{16})\./.exec(f)![1]);
  });

  it('index.html loads exactly its script and stylesheet, under a policy that allows its inline script by hash', () => {
    const html = readFileSync(join(WEB, 'index.html'), 'utf8');
    const [, policy] = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)!;
    const inline = /<script>([^<]*)<\/script>/.exec(html)![1];
    expect(policy).toContain(`'sha256-${createHash('sha256').update(inline).digest('base64')}'`);
    expect(policy).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/connect-src 'self' blob: data: https:\/\/huggingface\.co https:\/\/\*\.hf\.co/);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.sort()).toEqual(readdirSync(WEB).filter((f) => /^sketchify-.*\.(js|css)$/.test(f)).sort());
    expect(inline).toContain('sketchify-window-loading');
  });

  it("the UI script carries the worker's asset descriptors with the files' full digests, not the bytes", () => {
    const script = readFileSync(join(WEB, readdirSync(WEB).find((f) => f.endsWith('.js'))!), 'utf8');
    for (const f of readdirSync(WEB).filter((n) => /\.(wasm|bin)$/.test(n))) {
      const bytes = readFileSync(join(WEB, f));
      // Inside the worker's source, itself a string in the UI script: keys may be bare, quotes escaped.
      const q = '\\\\?["\']';
      const key = (k: string) => `(${q})?${k}(${q})?:`;
      const descriptor = new RegExp(`${key('file')}${q}${f.replace(/\./g, '\\.')}${q},${key('sha256')}${q}${sha256(bytes)}${q},${key('bytes')}${bytes.length}`);
      expect(descriptor.test(script), `${f}: descriptor with its full digest`).toBe(true);
    }
    expect(script.length).toBeLessThan(2e6);
  });

  it('the policy lists the manifest hosts and nothing else remote', () => {
    const policy: string = sitePolicy(['https://huggingface.co', 'none'], 'x');
    expect(policy.match(/https?:\/\/[^\s;']+/g)).toEqual(['https://huggingface.co']);
  });
});

describe('manifest.json for a hosted window', () => {
  const base = readFileSync(join(PROJECT_ROOT, 'manifest.json'), 'utf8');
  it('is unchanged by a bundled build', () => {
    expect(manifestFor(base, null)).toBeNull();
  });
  it("adds an https window's origin to allowedDomains, and a local one to devAllowedDomains", () => {
    const hosted = JSON.parse(manifestFor(base, 'https://sketchify.example'));
    expect(hosted.networkAccess.allowedDomains).toEqual(['https://huggingface.co', 'https://*.hf.co', 'https://sketchify.example']);
    expect(hosted.networkAccess.reasoning).toMatch(/https:\/\/sketchify\.example serves the plugin's own window/);
    const local = JSON.parse(manifestFor(base, 'http://localhost:5173'));
    expect(local.networkAccess.allowedDomains).toEqual(['https://huggingface.co', 'https://*.hf.co']);
    expect(local.networkAccess.devAllowedDomains).toEqual(['http://localhost:5173']);
    // Back to a bundled build: the manifest returns to the model hosts exactly.
    expect(manifestFor(manifestFor(base, 'https://sketchify.example'), null)).toBe(base);
  });
});
