// `npm run bench -- ui`: long tasks on the plugin UI's main thread (headless Chromium, the host
// harness, built dist/ui.html; run `node build.mjs` first). For each case: the count and the
// longest of the main-thread long tasks (PerformanceObserver 'longtask', > 50 ms) during setup
// (Run until the first optimization step shows) and during the iterations, and iterations/s;
// firstPreviewMs: Run click to the first strokes in the preview (issue #6: <= 2 s), setupMs: to
// the first optimization step.
// Cases (embedded model, horse fixture, 4 strokes, draft):
//   cpu-worker   Auto: the CPU path in the engine worker (SwiftShader is no reason to use WebGPU),
//                Run as soon as the thumbnail shows (the worker's warm-up still in progress)
//   cpu-worker-warm  the same on a fresh panel after the warm-up finished (data-engine=warm)
//   gpu-worker   forced GPU with WebGPU in the data: bootstrap worker (the default host)
//   gpu-main     forced GPU on the main-thread engine (worker=blob: the worker gets no WebGPU)
//   cpu-main     the rejected alternative: a CPU run on the main-thread engine, what the engine's
//                device-lost fallback would do there (why engine-client.ts hands it to the worker)
//   cpu-shards   the CPU path on 1 vs 2 shards (window.sketchifyShards; the engine worker plus
//                one loss worker, src/ui/worker/loss-workers.ts) in the Figma-like data: frame,
//                horse, 16 strokes, draft and standard presets at their full iteration counts:
//                a row per run (wallMs: Run click to Done; msPerIteration from the preview's
//                iterations after the first step), a ratio row per preset, and the memory of one
//                loss worker (Chromium RSS before and after stopping it)
// WebGPU here is SwiftShader (software): GPU iterations take seconds, so their cases are short.
// BENCH_UI_CASES=cpu-worker,cpu-worker-warm runs only those (while iterating on one thing).
import type { Emit } from './run.ts';
import { cpuRunOnMainThread, installTrace, readTrace, type UiTrace } from './_ui-longtasks.ts';
import { chromiumRssMiB } from './_ui-memory.ts';
import { openUi, type UiSession } from '../test/harness/ui-session.ts';

const CPU_ITERATIONS = 20;
const GPU_ITERATIONS = 4;

function summarize(trace: UiTrace & { now: number }, t0: number) {
  const firstStep = trace.its.find(([, it]) => it >= 1)?.[0] ?? trace.now;
  const firstStrokes = trace.its.find(([, it]) => it >= 0)?.[0];
  const phase = (from: number, to: number) => {
    const d = trace.tasks.filter(([start]) => start >= from && start < to).map(([, ms]) => ms);
    return {
      count: d.length,
      maxMs: Math.round(d.length ? Math.max(...d) : 0),
      totalMs: Math.round(d.reduce((x, y) => x + y, 0)),
      over100: d.filter((ms) => ms > 100).length,
    };
  };
  const steps = trace.its.filter(([, it]) => it >= 1);
  const [a, b] = [steps[0], steps.at(-1)];
  const itPerS = a && b && b[0] > a[0] ? ((b[1] - a[1]) / (b[0] - a[0])) * 1000 : null;
  return {
    firstPreviewMs: firstStrokes === undefined ? null : Math.round(firstStrokes - t0),
    setupMs: Math.round(firstStep - t0),
    setupLongTasks: phase(t0, firstStep),
    iterationLongTasks: phase(firstStep, trace.now + 1),
    itPerS: itPerS && Number(itPerS.toFixed(3)),
  };
}

async function uiRun(s: UiSession, compute: 'Automatic (GPU when it helps)' | 'GPU (WebGPU)', iterations: number) {
  await s.setNumber('iterations', String(iterations));
  await s.chooseCompute(compute);
  const t0 = await s.ui.evaluate(installTrace);
  await s.click('run');
  await s.ui.waitForFunction(
    () =>
      /Done after|Stopped after/.test(document.querySelector('[data-testid=summary]')?.textContent ?? '') ||
      !!document.querySelector('[data-testid=problem]'),
    undefined,
    { timeout: 600_000 },
  );
  const summary =
    (await s.ui
      .getByTestId('summary')
      .textContent()
      .catch(() => null)) ?? (await s.ui.getByTestId('problem').textContent());
  return { ...summarize(await s.ui.evaluate(readTrace), t0), summary };
}

async function page(query: string): Promise<UiSession> {
  const s = await openUi(query, { lossWorkers: true });
  await s.select('horse', { strokes: 4, iterations: CPU_ITERATIONS });
  return s;
}

const only = process.env.BENCH_UI_CASES?.split(',');
const wanted = (name: string) => !only || only.includes(name);

export async function run(emit: Emit): Promise<void> {
  let s: UiSession;
  if (wanted('cpu-worker') || wanted('gpu-worker')) {
    s = await page('');
    try {
      if (wanted('cpu-worker'))
        emit({
          case: 'cpu-worker',
          iterations: CPU_ITERATIONS,
          engineAtRun: await engineState(s),
          ...(await uiRun(s, 'Automatic (GPU when it helps)', CPU_ITERATIONS)),
        });
      if (wanted('gpu-worker'))
        emit({ case: 'gpu-worker', iterations: GPU_ITERATIONS, ...(await uiRun(s, 'GPU (WebGPU)', GPU_ITERATIONS)) });
    } finally {
      await s.close();
    }
  }
  if (wanted('cpu-worker-warm')) {
    s = await page('');
    try {
      const since = Date.now();
      await s.ui.locator('[data-engine=warm]').waitFor({ timeout: 180_000 });
      emit({
        case: 'cpu-worker-warm',
        iterations: CPU_ITERATIONS,
        warmWaitMs: Date.now() - since,
        ...(await uiRun(s, 'Automatic (GPU when it helps)', CPU_ITERATIONS)),
      });
    } finally {
      await s.close();
    }
  }
  if (wanted('cpu-shards')) await shards(emit);
  if (!wanted('gpu-main') && !wanted('cpu-main')) return;
  s = await page('?worker=blob');
  try {
    if (wanted('gpu-main')) emit({ case: 'gpu-main', iterations: GPU_ITERATIONS, ...(await uiRun(s, 'GPU (WebGPU)', GPU_ITERATIONS)) });
    if (!wanted('cpu-main')) return;
    const t0 = await s.ui.evaluate(installTrace);
    const done = await s.ui.evaluate(cpuRunOnMainThread, CPU_ITERATIONS);
    emit({ case: 'cpu-main', iterations: done, ...summarize(await s.ui.evaluate(readTrace), t0) });
  } finally {
    await s.close();
  }
}

/** The worker's warm-up state when Run was pressed (data-engine on the panel). */
function engineState(s: UiSession): Promise<string | null> {
  return s.ui.locator('.app').getAttribute('data-engine');
}

type PoolScope = typeof globalThis & { sketchifyLossWorkers: { ready(): unknown[]; bootMs: number[]; crash(index: number): boolean } };

/** The engine worker's loss-worker pool, once a loss worker is ready (the warm-up starts it). */
async function poolReady(s: UiSession) {
  for (let tries = 0; tries < 600; tries++) {
    for (const w of s.page.workers()) {
      const ready = await w
        .evaluate(() => ('sketchifyLossWorkers' in globalThis ? (globalThis as PoolScope).sketchifyLossWorkers.ready().length : -1))
        .catch(() => -1);
      if (ready >= 1) return { worker: w, bootMs: await w.evaluate(() => (globalThis as PoolScope).sketchifyLossWorkers.bootMs) };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no loss worker became ready');
}

async function shards(emit: Emit): Promise<void> {
  const s = await openUi('?frame=data', { lossWorkers: true });
  try {
    await s.select('horse');
    await s.choose('16');
    await s.click('advanced');
    await s.ui.locator('[data-engine=warm]').waitFor({ timeout: 180_000 });
    const pool = await poolReady(s);
    for (const [preset, iterations] of [
      ['draft', 100],
      ['standard', 400],
    ] as const) {
      await s.choose(preset);
      await s.setNumber('iterations', String(iterations));
      const rows: Record<number, { wallMs: number; msPerIteration: number | null }> = {};
      for (const k of [1, 2]) {
        await s.ui.evaluate((n) => ((window as Window & { sketchifyShards?: number }).sketchifyShards = n), k);
        const t0 = await s.ui.evaluate(installTrace);
        const wall0 = Date.now();
        await s.click('run');
        await s.ui.waitForFunction(
          () =>
            /Done after|Stopped after/.test(document.querySelector('[data-testid=summary]')?.textContent ?? '') ||
            !!document.querySelector('[data-testid=problem]'),
          undefined,
          { timeout: 600_000 },
        );
        const wallMs = Date.now() - wall0;
        const summary =
          (await s.ui
            .getByTestId('summary')
            .textContent()
            .catch(() => null)) ?? (await s.ui.getByTestId('problem').textContent());
        const done = Number(/after (\d+) iterations/.exec(summary ?? '')?.[1] ?? NaN);
        const { itPerS, setupMs } = summarize(await s.ui.evaluate(readTrace), t0);
        const msPerIteration = itPerS ? Math.round((1000 / itPerS) * 10) / 10 : null;
        rows[k] = { wallMs, msPerIteration };
        emit({ case: 'cpu-shards', preset, strokes: 16, shards: k, iterations: done, wallMs, msPerIteration, setupMs, summary });
      }
      const ratio = (a: number | null, b: number | null) => (a && b ? Number((a / b).toFixed(2)) : null);
      emit({
        case: 'cpu-shards-ratio',
        preset,
        wallK1overK2: ratio(rows[1].wallMs, rows[2].wallMs),
        msPerIterationK1overK2: ratio(rows[1].msPerIteration, rows[2].msPerIteration),
      });
    }
    // One loss worker's memory: the browser's RSS with it, then without it (stopped, settled).
    const settle = () => new Promise((r) => setTimeout(r, 3000));
    await settle();
    const withWorker = chromiumRssMiB();
    await pool.worker.evaluate(() => (globalThis as PoolScope).sketchifyLossWorkers.crash(0));
    await settle();
    const without = chromiumRssMiB();
    emit({
      case: 'cpu-shards-memory',
      lossWorkerBootMs: pool.bootMs,
      chromiumRssMiB: withWorker,
      afterStoppingLossWorkerMiB: without,
      lossWorkerMiB: withWorker - without,
    });
  } finally {
    await s.close();
  }
}
