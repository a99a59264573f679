// The ranged downloader against a local HTTP server (127.0.0.1) serving synthetic checkpoints
// with the exact CLIP key layouts: header by Range, only the selected tensors fetched,
// coalesced ranges, progress, resume after a cut connection, retries, cancellation, and the
// errors for HTTP failures, a 200 instead of 206, corruption and wrong shapes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clipResNetSpec } from '../../../src/engine/networks/clip-resnet.ts';
import { clipVitSpec } from '../../../src/engine/networks/clip-vit.ts';
import { coalesceRanges, downloadWeights, type DownloadProgress } from '../../../src/engine/weights/download.ts';
import { loadWeightsFromBytes } from '../../../src/engine/weights/load.ts';
import { parseSafetensors } from '../../../src/engine/weights/safetensors.ts';
import { selectTensors } from '../../../src/engine/weights/weight-set.ts';
import { OPEN_CLIP_TEXT_EXTRAS, TINY_RN, TINY_VIT, syntheticCheckpoint, tinyResNetFile } from '../../helpers/clip-weights.ts';
import { startRangeServer, type RangeServer } from '../../helpers/safetensors-server.ts';

let server: RangeServer;
const rnSpec = clipResNetSpec(TINY_RN);
const vitSpec = clipVitSpec(TINY_VIT);
const rnFile = tinyResNetFile();
// A skipped tensor that sorts among the selected ones (a BatchNorm counter, stored here as F32 so
// that it sorts by name) splits the selection in two runs.
const splitFile = syntheticCheckpoint(rnSpec, {
  extras: [
    ...OPEN_CLIP_TEXT_EXTRAS(),
    { name: 'visual.layer2.0.bn1.num_batches_tracked', dtype: 'F32', shape: [1], bytes: new Uint8Array(4) },
  ],
});
const vitFile = syntheticCheckpoint(vitSpec, { extras: OPEN_CLIP_TEXT_EXTRAS() });
let rnDigest: string;

beforeAll(async () => {
  server = await startRangeServer();
  server.files.set('/rn/open_clip_model.safetensors', rnFile);
  server.files.set('/rn-split/open_clip_model.safetensors', splitFile);
  server.files.set('/vit/open_clip_model.safetensors', vitFile);
  rnDigest = (await loadWeightsFromBytes(rnFile, rnSpec)).sha256;
});
afterAll(() => server.close());
beforeEach(() => {
  server.faults = [];
  server.faultFrom = 0;
  server.requests = [];
});

const rnUrl = (): string => server.url('/rn/open_clip_model.safetensors');
const fast = { backoffMs: 1 };

describe('downloadWeights', () => {
  it('reads the header by Range, then fetches only the selected tensors in one request per adjacent run', async () => {
    const header = parseSafetensors(splitFile);
    const selected = selectTensors(header, rnSpec);
    const runs = coalesceRanges(selected);
    expect(runs).toHaveLength(2);
    const set = await downloadWeights({ url: server.url('/rn-split/open_clip_model.safetensors'), spec: rnSpec, ...fast });
    expect(server.requests).toEqual([
      'bytes=0-7',
      `bytes=8-${header.dataStart - 1}`,
      ...runs.map((r) => `bytes=${header.dataStart + r.begin}-${header.dataStart + r.end - 1}`),
    ]);
    const local = await loadWeightsFromBytes(splitFile, rnSpec);
    expect(set.sha256).toBe(local.sha256);
    for (const name of ['visual.attnpool.c_proj.weight', 'visual.conv1.weight']) {
      expect(Array.from(set.float32(name))).toEqual(Array.from(local.float32(name)));
    }
    const skipped = splitFile.length - header.dataStart - set.payload.length;
    expect(skipped).toBeGreaterThan(0); // the text tower and int64 buffers were never fetched
  });

  it('reads the ViT tower of an open_clip file (visual.* only, one run) as a local load does', async () => {
    const set = await downloadWeights({ url: server.url('/vit/open_clip_model.safetensors'), spec: vitSpec, ...fast });
    expect(server.requests).toHaveLength(3);
    expect(set.sha256).toBe((await loadWeightsFromBytes(vitFile, vitSpec)).sha256);
    expect(set.has('visual.proj') && !set.has('text_projection')).toBe(true);
  });

  it('reports monotonic progress from 0 to the header + selected bytes', async () => {
    const events: DownloadProgress[] = [];
    const set = await downloadWeights({ url: rnUrl(), spec: rnSpec, onProgress: (p) => events.push({ ...p }), ...fast });
    const total = parseSafetensors(rnFile).dataStart + set.payload.length;
    expect(events[0]).toEqual({ phase: 'header', bytesDone: 0, bytesTotal: 0 });
    expect(events[events.length - 1]).toEqual({ phase: 'verify', bytesDone: total, bytesTotal: total });
    const tensorEvents = events.filter((e) => e.phase === 'tensors');
    expect(tensorEvents.every((e, i) => i === 0 || e.bytesDone >= tensorEvents[i - 1].bytesDone)).toBe(true);
    expect(tensorEvents.every((e) => e.bytesTotal === total)).toBe(true);
  });

  it('resumes after a cut connection from the last received byte, without restarting', async () => {
    server.faultFrom = 2; // header requests pass
    server.faults = [{ cutAfter: 1000 }, { cutAfter: 5000 }];
    const set = await downloadWeights({ url: rnUrl(), spec: rnSpec, retries: 1, ...fast });
    expect(set.sha256).toBe(rnDigest);
    const start = parseSafetensors(rnFile).dataStart + selectTensors(parseSafetensors(rnFile), rnSpec)[0].begin;
    expect(server.requests.slice(2).map((r) => Number(/bytes=(\d+)-/.exec(r)![1]))).toEqual([start, start + 1000, start + 6000]);
  });

  it('retries 5xx with backoff and gives up after the bounded number of attempts', async () => {
    server.faults = [{ status: 503 }, { status: 500 }];
    expect((await downloadWeights({ url: rnUrl(), spec: rnSpec, retries: 2, ...fast })).sha256).toBe(rnDigest);
    server.requests = [];
    server.faults = [{ status: 500 }, { status: 500 }, { status: 500 }];
    await expect(downloadWeights({ url: rnUrl(), spec: rnSpec, retries: 2, ...fast })).rejects.toThrow(/HTTP 500 .* \(bytes=0-7\)/);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 404 and names the status', async () => {
    await expect(downloadWeights({ url: server.url('/missing.safetensors'), spec: rnSpec, ...fast })).rejects.toMatchObject({
      kind: 'http',
      status: 404,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a 200 where 206 was expected (server ignores Range)', async () => {
    server.faults = [{ ignoreRange: true }];
    await expect(downloadWeights({ url: rnUrl(), spec: rnSpec, ...fast })).rejects.toThrow(
      /answered 200 .* instead of 206 Partial Content/,
    );
  });

  it('reports an unreachable host as a network/CORS error after the retries', async () => {
    const dead = await startRangeServer();
    const url = dead.url('/x.safetensors');
    await dead.close();
    await expect(downloadWeights({ url, spec: rnSpec, retries: 1, ...fast })).rejects.toThrow(
      /Network error .* blocked by CORS, or redirected to a host that is not in the plugin's allowedDomains/,
    );
  });

  it('records the X-Repo-Commit of an answer that carries it (here the direct answer of a test server)', async () => {
    const set = await downloadWeights({
      url: rnUrl(),
      spec: rnSpec,
      ...fast,
      fetch: async (url, init) => {
        const r = await fetch(url, init);
        return new Response(r.body, { status: r.status, headers: { ...Object.fromEntries(r.headers), 'x-repo-commit': 'f'.repeat(40) } });
      },
    });
    expect(set.repoCommit).toBe('f'.repeat(40));
    expect((await downloadWeights({ url: rnUrl(), spec: rnSpec, ...fast })).repoCommit).toBeUndefined();
  });

  it('rejects corrupted tensor bytes when the registry knows the digest', async () => {
    server.faultFrom = 2;
    server.faults = [{ corruptAt: 777 }];
    await expect(downloadWeights({ url: rnUrl(), spec: rnSpec, sha256: rnDigest, ...fast })).rejects.toMatchObject({
      kind: 'integrity',
      message: expect.stringMatching(/Checksum mismatch/),
    });
  });

  it('rejects a corrupted header and a file whose shapes do not match the architecture', async () => {
    server.faultFrom = 1;
    server.faults = [{ corruptAt: 0 }]; // '{' of the JSON header becomes invalid
    await expect(downloadWeights({ url: rnUrl(), spec: rnSpec, ...fast })).rejects.toMatchObject({
      kind: 'format',
      message: expect.stringMatching(/not valid UTF-8 JSON/),
    });
    const wrong = clipResNetSpec({ ...TINY_RN, heads: 4, outputDim: 8 });
    await expect(downloadWeights({ url: rnUrl(), spec: wrong, ...fast })).rejects.toThrow(
      /c_proj\.weight' has shape \[6,256\], expected \[8,256\]/,
    );
  });

  it('is cancellable: an abort mid-download rejects with the abort reason and stops fetching', async () => {
    const controller = new AbortController();
    server.faultFrom = 2;
    server.faults = [{ cutAfter: 2000 }];
    const reason = new Error('user cancelled');
    const p = downloadWeights({
      url: rnUrl(),
      spec: rnSpec,
      signal: controller.signal,
      backoffMs: 10_000, // the abort must interrupt the backoff wait too
      onProgress: (e) => {
        if (e.phase === 'tensors' && e.bytesDone > 0) controller.abort(reason);
      },
    });
    await expect(p).rejects.toBe(reason);
    const before = server.requests.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests.length).toBe(before);
    await expect(downloadWeights({ url: rnUrl(), spec: rnSpec, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});
