// Page side of bench/ui.ts: long tasks (PerformanceObserver 'longtask') and the iterations the
// preview showed, both timestamped, on the UI iframe's main thread. Functions here are passed to
// frame.evaluate, so they must stay self-contained (no imports, no closures over module state).

export interface UiTrace {
  /** [startTime, duration] of every long task, ms. */
  tasks: [number, number][];
  /** [time, iteration] whenever the preview's iteration changed. */
  its: [number, number][];
}

type TraceWindow = Window & { __trace: UiTrace };

/** Installs the observers (once per page); returns performance.now(). */
export function installTrace(): number {
  const w = window as unknown as TraceWindow;
  if (!w.__trace) {
    w.__trace = { tasks: [], its: [] };
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__trace.tasks.push([e.startTime, e.duration]))).observe({
      type: 'longtask',
    });
    new MutationObserver(() => {
      const it = Number(document.querySelector('[data-testid=preview]')?.getAttribute('data-iteration'));
      if (Number.isFinite(it) && w.__trace.its.at(-1)?.[1] !== it) w.__trace.its.push([performance.now(), it]);
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-iteration'] });
  }
  w.__trace.tasks.length = 0;
  w.__trace.its.length = 0;
  return performance.now();
}

export function readTrace(): UiTrace & { now: number } {
  const t = (window as unknown as TraceWindow).__trace;
  return { tasks: t.tasks.slice(), its: t.its.slice(), now: performance.now() };
}

/**
 * The rejected alternative, measured: a CPU run on the main-thread engine (what the engine's
 * own device-lost fallback would do there). Connects a second port to the main-thread engine
 * (taking it over from the UI: run this last) and runs `iterations` CPU iterations on a
 * synthetic 256 px image. Resolves when the result arrives; the iterations go to __trace.its.
 */
export function cpuRunOnMainThread(iterations: number): Promise<number> {
  const w = window as unknown as TraceWindow & { sketchifyEngine?: { connect(port: MessagePort): void } };
  if (!w.sketchifyEngine) return Promise.reject(new Error('the main-thread engine is not loaded'));
  const size = 256;
  const canvas = new OffscreenCanvas(size, size);
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#eee';
  g.fillRect(0, 0, size, size);
  g.fillStyle = '#222';
  g.beginPath();
  g.arc(128, 110, 60, 0, 2 * Math.PI);
  g.fill();
  g.fillRect(60, 180, 140, 30);
  const pixels = g.getImageData(0, 0, size, size).data;
  const channel = new MessageChannel();
  w.sketchifyEngine.connect(channel.port2);
  return new Promise((resolve, reject) => {
    channel.port1.onmessage = (
      event: MessageEvent<{ type: string; sketch?: { iteration: number }; result?: { iterations: number }; error?: { message: string } }>,
    ) => {
      const m = event.data;
      if (m.type === 'progress' && m.sketch) w.__trace.its.push([performance.now(), m.sketch.iteration]);
      if (m.type === 'result') resolve(m.result!.iterations);
      if (m.type === 'error') reject(new Error(m.error!.message));
    };
    channel.port1.postMessage(
      {
        type: 'run',
        runId: 1e6,
        width: size,
        height: size,
        pixels,
        options: { strokes: 4, width: 3, preset: 'draft', seed: 0, model: 'embedded', iterations },
        backend: 'cpu',
      },
      [pixels.buffer],
    );
  });
}
