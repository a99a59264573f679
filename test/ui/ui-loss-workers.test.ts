// The CPU path on K cores (src/ui/worker/loss-workers.ts): the engine worker starts loss
// workers of the same bundle and splits each batch over itself and them. On this 2-core
// machine K = min(batch, cores, 4) = 2 for the draft preset (batch 2). Checked in the harness's
// srcdoc frame and in the Figma-like data: document (no secure context): a K=2 run gives the
// same strokes as the single-worker path (window.sketchifyShards = 1) for the same seed, the
// backend line names the workers, and a loss worker stopped mid-run only costs speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from 'playwright-core';
import { openUi, type UiSession } from '../harness/ui-session.ts';

interface Pool {
  ready(): unknown[];
  crash(index: number): boolean;
}
type PoolScope = typeof globalThis & { sketchifyLossWorkers: Pool };
type ShardWindow = Window & { sketchifyShards?: number };

/** Max |a - b| over two stroke lists (subject units). */
function maxDiff(a: number[][], b: number[][]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.flatMap((stroke, i) => stroke.map((v, j) => Math.abs(v - b[i][j]))));
}

function suite(frame: '' | '?frame=data', name: string) {
  describe(name, () => {
    let s: UiSession;
    const summary = () => s.ui.getByTestId('summary').textContent();
    const waitDone = () =>
      s.ui.waitForFunction(
        () =>
          /Done after \d+ iterations/.test(document.querySelector('[data-testid=summary]')?.textContent ?? '') ||
          !!document.querySelector('[data-testid=problem]'),
        undefined,
        { timeout: 120_000 },
      );
    /** The engine worker: the one holding the loss-worker pool. */
    const engineWorker = async (): Promise<Worker> => {
      for (const w of s.page.workers()) if (await w.evaluate(() => 'sketchifyLossWorkers' in globalThis).catch(() => false)) return w;
      throw new Error(`no engine worker among ${s.page.workers().length}`);
    };
    const lossWorker = async (): Promise<Worker> => {
      for (const w of s.page.workers())
        if ((await w.evaluate(() => (globalThis as { sketchifyRole?: string }).sketchifyRole).catch(() => undefined)) === 'loss') return w;
      throw new Error('no loss worker');
    };
    /** Runs, inserts and returns the inserted strokes and the summary line. */
    const runAndInsert = async (): Promise<{ strokes: number[][]; summary: string }> => {
      const before = (await s.requests('insertSketch')).length;
      await s.click('run');
      await waitDone();
      expect(await s.ui.locator('[data-testid=problem]').count()).toBe(0);
      const text = (await summary()) ?? '';
      await s.click('insert');
      let inserts = await s.requests('insertSketch');
      for (let i = 0; i < 100 && inserts.length === before; i++) {
        await new Promise((r) => setTimeout(r, 100));
        inserts = await s.requests('insertSketch');
      }
      expect(inserts).toHaveLength(before + 1);
      return { strokes: (inserts.at(-1)!.payload as { sketch: { strokes: number[][] } }).sketch.strokes, summary: text };
    };

    beforeAll(async () => {
      const t0 = Date.now();
      s = await openUi(frame, { lossWorkers: true });
      const opened = Date.now() - t0;
      await s.select('horse', { strokes: 4, iterations: 6 });
      // The warm-up starts the loss worker once the local model is ready: wait for it so the
      // K=2 run is sharded from its first iteration.
      await s.ui.locator('[data-engine=warm]').waitFor({ timeout: 120_000 });
      const worker = await engineWorker();
      await worker.evaluate(
        () =>
          new Promise<void>((resolve, reject) => {
            const t0 = Date.now();
            const poll = () =>
              (globalThis as PoolScope).sketchifyLossWorkers.ready().length >= 1
                ? resolve()
                : Date.now() - t0 > 90_000
                  ? reject(new Error('no loss worker ready'))
                  : setTimeout(poll, 100);
            poll();
          }),
      );
      const roles = await Promise.all(
        s.page.workers().map(async (w) => {
          const [role, boot] = await w
            .evaluate(() => [
              (globalThis as { sketchifyRole?: string }).sketchifyRole ?? 'engine',
              JSON.stringify((globalThis as { sketchifyLossBoot?: unknown }).sketchifyLossBoot ?? ''),
            ])
            .catch(() => ['?', '']);
          return `${role} ${w.url().slice(0, 5)} ${boot}`.trim();
        }),
      );
      console.log(
        `${name}: page ${opened} ms, engine warm and a loss worker ready ${Date.now() - t0 - opened} ms later; workers: ${roles.join(', ')}`,
      );
      // The loss worker is a worker of its own (nested in the engine worker), not an engine.
      expect(roles.filter((r) => r.startsWith('loss'))).toHaveLength(1);
    }, 240_000);
    afterAll(async () => {
      if (process.env.UI_LOGS) console.log(s?.logs.join('\n'));
      await s?.close();
    });

    it('a run on 2 workers gives the strokes of the single-worker path, and says so', async () => {
      const sharded = await runAndInsert();
      expect(sharded.summary).toMatch(/Ran on CPU, 2 workers: /);
      await s.ui.evaluate(() => ((window as ShardWindow).sketchifyShards = 1));
      const single = await runAndInsert();
      await s.ui.evaluate(() => delete (window as ShardWindow).sketchifyShards);
      expect(single.summary).toMatch(/Ran on CPU: /);
      // Same seed and settings: the split only changes float summation order (loss terms are
      // means; chunks weigh b_k/B), so 6 Adam steps agree far below a pixel (1e-4 of the side).
      const diff = maxDiff(sharded.strokes, single.strokes);
      console.log(`${name}: max stroke difference K=2 vs K=1 after 6 iterations: ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-4);
    }, 240_000);

    if (frame !== '') return;
    it('a loss worker that crashes mid-run: the run finishes on the engine worker and says so', async () => {
      await s.setNumber('iterations', '40');
      await s.click('run');
      await s.ui.waitForFunction(
        () => Number(document.querySelector('[data-testid=preview]')?.getAttribute('data-iteration')) >= 3,
        undefined,
        { timeout: 120_000 },
      );
      expect(await s.ui.getByTestId('progress').textContent()).toMatch(/CPU, 2 workers/);
      // A crash as the engine worker sees one: an uncaught error in the loss worker (its
      // error event), which drops it and rejects its pending call.
      const loss = await lossWorker();
      await loss.evaluate(
        () =>
          void setTimeout(() => {
            throw new Error('a loss worker crash (test)');
          }),
      );
      await waitDone();
      expect(await s.ui.locator('[data-testid=problem]').count()).toBe(0);
      await expect(summary()).resolves.toMatch(/Done after \d+ iterations.*Ran on CPU, 1 of 2 workers: /s);
      expect(await s.ui.getByTestId('preview').getAttribute('data-strokes')).toBe('4');
      // The engine worker stopped it: it is gone from the page.
      await expect(lossWorker()).rejects.toThrow('no loss worker');
    }, 240_000);
  });
}

suite('', 'loss workers in the harness frame (srcdoc, opaque origin)');
suite('?frame=data', 'loss workers in a data: URL document (Figma-like, no secure context)');
