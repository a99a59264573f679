// The Node cache (download once, verify on every load, recover from a corrupted file), the
// cache directory rules, the registry entries, and a LossModel compiled from CLIP weights.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedWeightsPath, loadCachedWeights, loadRegistryLossModel, modelCacheDir } from '../../../src/cli/model-cache.ts';
import { createOnnxLossModel } from '../../../src/engine/models/onnx-loss-model.ts';
import { clipModelSpec, clipWeightSpec } from '../../../src/engine/networks/clip-specs.ts';
import { loadWeightsFromBytes } from '../../../src/engine/weights/load.ts';
import { clipEntry, isClipEntry } from '../../../models/clip-common.ts';
import { findModel, MODEL_REGISTRY } from '../../../models/registry.ts';
import { TINY_RN, TINY_VIT, tinyResNetFile, tinyVitFile } from '../../helpers/clip-weights.ts';
import { ort, randomArray } from '../../helpers/nn-check.ts';
import { startRangeServer, type RangeServer } from '../../helpers/safetensors-server.ts';

let server: RangeServer;
let dir: string;
const file = tinyResNetFile();
const entry = clipEntry({
  id: 'tiny-rn',
  label: 'tiny',
  architecture: 'clip_resnet',
  clip: { kind: 'resnet', config: TINY_RN },
  weights: { repo: 'test/tiny', revision: 'abc123', pinned: false, file: 'open_clip_model.safetensors' },
  provenance: 'synthetic',
  notes: '',
});

beforeAll(async () => {
  server = await startRangeServer();
  server.files.set('/tiny.safetensors', file);
  dir = await mkdtemp(join(tmpdir(), 'sketchify-cache-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('model cache directory', () => {
  it('uses $XDG_CACHE_HOME when absolute, else ~/.cache', () => {
    expect(modelCacheDir({ XDG_CACHE_HOME: '/var/cache/u' }, '/home/u')).toBe('/var/cache/u/sketchify');
    expect(modelCacheDir({}, '/home/u')).toBe('/home/u/.cache/sketchify');
    expect(modelCacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.cache/sketchify');
  });
});

describe('loadCachedWeights', () => {
  it('downloads once, then reuses the verified cache file without a request', async () => {
    const url = server.url('/tiny.safetensors');
    const misses: string[] = [];
    server.requests = [];
    const first = await loadCachedWeights(entry, { cacheDir: dir, url, onCacheMiss: (r) => misses.push(r) });
    expect(server.requests.length).toBeGreaterThan(2);
    expect(misses[0]).toMatch(/no cached weights/);
    const path = cachedWeightsPath(dir, entry);
    expect(path).toBe(join(dir, 'models', 'tiny-rn@abc123.safetensors'));
    server.requests = [];
    const second = await loadCachedWeights(entry, { cacheDir: dir, url });
    expect(server.requests).toEqual([]);
    expect(second.sha256).toBe(first.sha256);
    // The cache file is itself a valid, smaller safetensors file (loadable through the file picker path).
    const cached = new Uint8Array(await readFile(path));
    expect(cached.length).toBeLessThan(file.length);
    expect((await loadWeightsFromBytes(cached, clipWeightSpec(entry.clip))).sha256).toBe(first.sha256);
  });

  it('rejects a corrupted cache file and downloads again', async () => {
    const url = server.url('/tiny.safetensors');
    const path = cachedWeightsPath(dir, entry);
    const bytes = new Uint8Array(await readFile(path));
    bytes[bytes.length - 10] ^= 1;
    await writeFile(path, bytes);
    const misses: string[] = [];
    server.requests = [];
    const again = await loadCachedWeights(entry, { cacheDir: dir, url, onCacheMiss: (r) => misses.push(r) });
    expect(misses[0]).toMatch(/cached weights rejected.*Checksum mismatch/);
    expect(server.requests.length).toBeGreaterThan(2);
    expect(again.sha256).toBe((await loadWeightsFromBytes(file, clipWeightSpec(entry.clip))).sha256);
  });

  it("keeps the commit named on Hugging Face's redirect with the weights and in the cache file", async () => {
    const commit = 'c7338ce0'.padEnd(40, '0');
    server.redirects.set('/resolve/main/tiny.safetensors', { to: '/cdn/tiny.safetensors', commit });
    server.files.set('/cdn/tiny.safetensors', file);
    const unpinned = { ...entry, id: 'tiny-main' };
    const downloaded = await loadCachedWeights(unpinned, { cacheDir: dir, url: server.url('/resolve/main/tiny.safetensors') });
    expect(downloaded.repoCommit).toBe(commit);
    const cached = await loadCachedWeights(unpinned, { cacheDir: dir, url: 'http://127.0.0.1:9/never-fetched' });
    expect(cached.repoCommit).toBe(commit);
  });

  it("explains a failed connection in the CLI's terms, not the plugin's", async () => {
    const offline = { ...entry, id: 'tiny-offline' };
    // Port 9 (discard) refuses the connection; the downloader retries with backoff (~8 s).
    const message = await loadCachedWeights(offline, { cacheDir: dir, url: 'http://127.0.0.1:9/x.safetensors' }).then(
      String,
      (e: Error) => e.message,
    );
    expect(message).toMatch(/Network error .*network connection .*proxy or firewall.*--model embedded/);
    expect(message).not.toMatch(/allowedDomains|CORS/);
  }, 30_000);

  it('enforces a registry digest on download', async () => {
    const pinned = { ...entry, id: 'tiny-pinned', source: { ...entry.source, sha256: 'ab'.repeat(32) } };
    await expect(loadCachedWeights(pinned, { cacheDir: dir, url: server.url('/tiny.safetensors'), fetch: undefined })).rejects.toThrow(
      /Checksum mismatch/,
    );
  });
});

describe('registry entries', () => {
  it('lists the three CLIP models with pinned or honestly unpinned Hugging Face URLs and fp32 download sizes', () => {
    const ids = MODEL_REGISTRY.filter(isClipEntry).map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining(['clip-rn50', 'clip-rn101', 'clip-vit-b32']));
    expect(findModel('clip-rn101').source.downloadBytes).toBe(225_461_632);
    expect(findModel('clip-rn50').source.downloadBytes).toBe(153_480_576);
    expect(findModel('clip-vit-b32').source.downloadBytes).toBe(351_396_864);
    for (const id of ids) {
      const e = findModel(id);
      expect(e.source.url).toMatch(/^https:\/\/huggingface\.co\/[\w.-]+\/[\w.-]+\/resolve\/([0-9a-f]{40}|main)\/[\w.]+\.safetensors$/);
      expect(new URL(e.source.url).origin).toBe('https://huggingface.co');
      // Pinned means a full commit SHA in the URL; a branch must say it is not pinned.
      expect(isClipEntry(e) && e.weights.pinned).toBe(/\/resolve\/[0-9a-f]{40}\//.test(e.source.url));
      if (isClipEntry(e) && !e.weights.pinned) expect(e.notes).toMatch(/unpinned/);
      expect(e.licence).toMatch(/MIT/);
    }
  });

  it('refuses ids that are not downloadable CLIP models', async () => {
    await expect(loadRegistryLossModel('nope', { ort })).rejects.toThrow(/Unknown model 'nope'/);
  });
});

describe('LossModel over CLIP weights (tiny)', () => {
  it.each([
    [
      'resnet',
      () => loadWeightsFromBytes(tinyResNetFile(), clipWeightSpec({ kind: 'resnet', config: TINY_RN })),
      { kind: 'resnet', config: TINY_RN } as const,
    ],
    [
      'vit',
      () => loadWeightsFromBytes(tinyVitFile(), clipWeightSpec({ kind: 'vit', config: TINY_VIT })),
      { kind: 'vit', config: TINY_VIT, taps: [0, 2] } as const,
    ],
  ])('%s: targets, loss and gradient, saliency', async (_name, load, arch) => {
    const weights = await load();
    const model = await createOnnxLossModel(clipModelSpec('tiny', arch, weights), { ort });
    const S = model.size;
    const targets = await model.targetFeatures(randomArray(2 * 3 * S * S, 1, 0.5, 0.5), 2);
    const result = await model.lossAndGradient(randomArray(2 * S * S, 2, 0.5, 0.5), targets, model.defaultWeights);
    expect(result.loss).toBeGreaterThan(0);
    expect(result.grad.length).toBe(2 * S * S);
    expect(result.grad.some((v) => v !== 0)).toBe(true);
    const sal = await model.saliency(randomArray(3 * S * S, 3, 0.5, 0.5));
    expect(sal.length).toBe(S * S);
    expect(Math.max(...sal)).toBeCloseTo(1, 5);
    await model.dispose();
  });
});
