// The one-device GPU iteration (WebGPU rasterizer -> webgpu EP loss-and-gradient on our
// buffers -> rasterizer backward -> Adam kernel) against the CPU path (CPU rasterizer, the
// same ONNX on wasm, CPU Adam + clamp), in headless Chromium on SwiftShader: 2 seeds x 2
// views batched as B=4, 4 strokes each, 64x64, 3 iterations.
// Tolerances: each iteration's loss within 2e-4 relative (float32, ORT webgpu vs wasm
// summation orders; measured 2e-5); final points within 2e-3 px (measured 3e-5).
// Guard against the "foreign buffer reads as zeros" pitfall (docs/design.md "Platform facts"): the views and
// targets reach ORT only through our GPU buffers, so zeros there would change the loss far
// beyond the tolerance; besides, the loss must be clearly non-zero and the points must move.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrtInPage, openBrowserPage, type BrowserSession } from '../../helpers/browser.ts';
import { bundleForBrowser } from '../../helpers/bundle.ts';
import type { PipelineCase, PipelineRun } from '../../helpers/pipeline-browser-entry.ts';

const LOSS_REL_TOL = 2e-4;
const POINT_TOL = 2e-3;

describe('GPU pipeline iteration vs the CPU path (headless Chromium, SwiftShader)', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowserPage();
    await loadOrtInPage(session.page);
    const content = await bundleForBrowser(resolve(import.meta.dirname, '../../helpers/pipeline-browser-entry.ts'));
    await session.page.addScriptTag({ type: 'module', content });
    await session.page.waitForFunction(() => 'runPipelineComparison' in window, undefined, { timeout: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  });

  it('same losses and updated points, 2 seeds x 2 views, 4 strokes, 64x64, 3 iterations', async () => {
    const c: PipelineCase = { seeds: 2, strokes: 4, views: 2, size: 64, iterations: 3, lr: 0.5 };
    const r = (await session.page.evaluate(`runPipelineComparison(${JSON.stringify(c)})`)) as PipelineRun | { error: string };
    if ('error' in r) throw new Error(`${r.error}\n${session.logs.join('\n')}`);
    console.log(JSON.stringify({ adapter: r.adapter, shaderF16: r.shaderF16, cpuLosses: r.cpuLosses, gpuLosses: r.gpuLosses }));
    expect(r.gpuLosses).toHaveLength(c.iterations);
    expect(r.defaultPrecision).toBe(r.shaderF16 ? 'float16' : 'float32');
    if (!r.shaderF16) expect(r.float16Refusal).toMatch(/needs a device created with the shader-f16 feature/);
    r.cpuLosses.forEach((l, i) => {
      expect(l, `cpu loss ${i}`).toBeGreaterThan(1e-3);
      expect(Math.abs(r.gpuLosses[i] - l), `loss at iteration ${i}: gpu ${r.gpuLosses[i]} cpu ${l}`).toBeLessThanOrEqual(
        LOSS_REL_TOL * Math.abs(l),
      );
    });
    let maxErr = 0,
      moved = 0;
    r.cpuPoints.forEach((pts, s) =>
      pts.forEach((v, i) => {
        maxErr = Math.max(maxErr, Math.abs(r.gpuPoints[s][i] - v));
        if (Math.abs(v - r.initialPoints[s][i]) > 0.1) moved++;
      }),
    );
    console.log(JSON.stringify({ maxPointErr: maxErr, moved }));
    expect(maxErr).toBeLessThanOrEqual(POINT_TOL);
    expect(moved).toBeGreaterThan(c.seeds * c.strokes * 8 * 0.5); // the gradient reached the points
  }, 180_000);
});
