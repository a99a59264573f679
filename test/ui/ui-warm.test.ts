// The engine worker's warm-up (src/ui/worker/warm.ts): low priority, never an error by itself.
import { describe, expect, it } from 'vitest';
import { WarmUp } from '../../src/ui/worker/warm.ts';

/** A step that finishes when the test says so. */
function held<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('WarmUp', () => {
  it('runs every step in order and ends warm', async () => {
    const order: string[] = [];
    const outcome = await new WarmUp().start([
      async () => order.push('model'),
      async () => order.push('B=1'),
      async () => order.push('B=4'),
    ]);
    expect(outcome).toEqual({ state: 'warm' });
    expect(order).toEqual(['model', 'B=1', 'B=4']);
  });

  it('a run started mid-warm-up waits only for the step in progress, and no further step starts', async () => {
    const model = held();
    const started: string[] = [];
    const warm = new WarmUp();
    const outcome = warm.start([() => (started.push('model'), model.promise), async () => started.push('B=1')]);
    let runMayStart = false;
    const run = warm.yieldToRun().then(() => (runMayStart = true));
    await Promise.resolve();
    expect(runMayStart).toBe(false); // the model the run needs is still being made
    model.resolve();
    await run;
    expect(runMayStart).toBe(true);
    await expect(outcome).resolves.toEqual({ state: 'stopped' });
    expect(started).toEqual(['model']);
  });

  it('a failed step is a state, not a rejection, and a run waiting on it still starts', async () => {
    const step = held();
    const warm = new WarmUp();
    const outcome = warm.start([() => step.promise, async () => expect.fail('no step after a failure')]);
    const run = warm.yieldToRun();
    step.reject(new Error('no memory for a session'));
    await expect(run).resolves.toBeUndefined();
    const o = await outcome;
    expect(o.state).toBe('failed');
    expect((o.error as Error).message).toBe('no memory for a session');
  });

  it('a run after the warm-up finished starts at once', async () => {
    const warm = new WarmUp();
    await warm.start([async () => undefined]);
    await expect(warm.yieldToRun()).resolves.toBeUndefined();
  });
});
