// Warm-up of the engine before the user presses Run (issue #6: first preview <= 2 s). The first
// onnxruntime-web session of a page costs seconds (wasm compile and runtime init), each later
// one a fraction of a second; the worker can pay both while the user looks at the panel.
// Low priority: a run stops the warm-up after the step in progress (sessions are shared through
// the model's own caches, so a run joins a session being created instead of making its own),
// and a failed warm-up is only a state: the run that needs the same thing reports the error.

export type WarmState = 'warming' | 'warm' | 'stopped' | 'failed';

/** One step: create something a run will need (the model, a session of some batch size). */
export type WarmStep = () => Promise<unknown>;

export class WarmUp {
  private current: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private started = false;

  /**
   * Runs `steps` in order, one at a time, until all are done, one fails or a run stops it.
   * Never rejects: the outcome is a state (and the failure, for the console).
   */
  async start(steps: readonly WarmStep[]): Promise<{ state: Exclude<WarmState, 'warming'>; error?: unknown }> {
    if (this.started) throw new Error('WarmUp.start: already started');
    this.started = true;
    for (const step of steps) {
      if (this.stopped) return { state: 'stopped' };
      this.current = step();
      try {
        await this.current;
      } catch (error) {
        return { state: 'failed', error };
      }
    }
    return { state: this.stopped ? 'stopped' : 'warm' };
  }

  /**
   * A run is about to start: no further step begins, and this resolves (never rejects) once
   * the step in progress has settled, so the run never computes beside a warm-up step.
   */
  async yieldToRun(): Promise<void> {
    this.stopped = true;
    await this.current.then(
      () => undefined,
      () => undefined,
    );
  }
}
