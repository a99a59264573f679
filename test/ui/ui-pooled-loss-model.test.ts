// PooledLossModel (src/ui/worker/loss-workers.ts), the model of one sharded CPU run: each call
// uses the loss workers ready at that moment, up to the run's shard count; a worker joining or
// lost mid-run changes only where the work runs (not the numbers), and the run is told the
// shard count whenever it changes. Pixel-MSE models stand in for the workers' models.
import { describe, expect, it } from 'vitest';
import type { LossModel, TargetFeatures } from '../../src/engine/models/types.ts';
import { checkShards, chunkSizes, PooledLossModel, shardCount, type ShardSource } from '../../src/ui/worker/loss-workers.ts';
import { createPixelLossModel } from '../helpers/engine-pixel-model.ts';

const SIZE = 8;
const BATCH = 4;

function data(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.abs((Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453) % 1));
}

/** A fake pool: `ready` is what the test says; lost models leave it. */
function pool(ready: LossModel[]): ShardSource & { lost: LossModel[] } {
  const lost: LossModel[] = [];
  return {
    lost,
    ready: () => ready.filter((m) => !lost.includes(m)),
    lose: (m) => void lost.push(m),
  };
}

async function setup() {
  const local = createPixelLossModel(SIZE);
  const targets: TargetFeatures = await local.targetFeatures(data(BATCH * 3 * SIZE * SIZE, 1), BATCH);
  local.stats.batches.length = 0;
  const views = data(BATCH * SIZE * SIZE, 2);
  const reference = await createPixelLossModel(SIZE).lossAndGradient(views, targets, local.defaultWeights);
  return { local, targets, views, reference };
}

describe('PooledLossModel', () => {
  it('runs locally until a worker is ready, then splits the batch with it, same numbers', async () => {
    const { local, targets, views, reference } = await setup();
    const remote = createPixelLossModel(SIZE);
    const ready: LossModel[] = [];
    const counts: number[] = [];
    const model = new PooledLossModel(local, pool(ready), 2, (n) => counts.push(n));
    const alone = await model.lossAndGradient(views, targets, local.defaultWeights);
    expect(local.stats.batches).toEqual([BATCH]);
    ready.push(remote);
    const split = await model.lossAndGradient(views, targets, local.defaultWeights);
    expect(local.stats.batches).toEqual([BATCH, 2]);
    expect(remote.stats.batches).toEqual([2]);
    expect(counts).toEqual([1, 2]);
    for (const r of [alone, split]) {
      expect(r.loss).toBeCloseTo(reference.loss, 6);
      expect(Math.max(...r.grad.map((g, i) => Math.abs(g - reference.grad[i])))).toBeLessThan(1e-7);
    }
  });

  it('uses at most shards - 1 workers', async () => {
    const { local, targets, views } = await setup();
    const workers = [createPixelLossModel(SIZE), createPixelLossModel(SIZE)];
    const model = new PooledLossModel(local, pool(workers), 2, () => {});
    await model.lossAndGradient(views, targets, local.defaultWeights);
    expect(model.shardCount).toBe(2);
    expect(workers[1].stats.lossCalls).toBe(0);
  });

  it('a worker that fails mid-run is dropped from the pool, the call still answers in full', async () => {
    const { local, targets, views, reference } = await setup();
    const broken = { ...createPixelLossModel(SIZE), lossAndGradient: () => Promise.reject(new Error('worker crashed')) };
    const source = pool([broken]);
    const counts: number[] = [];
    const model = new PooledLossModel(local, source, 2, (n) => counts.push(n));
    const r = await model.lossAndGradient(views, targets, local.defaultWeights);
    expect(r.loss).toBeCloseTo(reference.loss, 6);
    expect(source.lost).toEqual([broken]);
    expect(counts).toEqual([2, 1]);
    await model.lossAndGradient(views, targets, local.defaultWeights);
    expect(counts).toEqual([2, 1]);
  });

  it('targets and saliency stay local', async () => {
    const { local } = await setup();
    const remote = createPixelLossModel(SIZE);
    const model = new PooledLossModel(local, pool([remote]), 2, () => {});
    await model.targetFeatures(data(3 * SIZE * SIZE, 3), 1);
    expect(remote.stats.targetCalls).toBe(0);
  });
});

describe('shard policy', () => {
  it('min(batch, cores, 4), or the forced count capped by the batch', () => {
    expect(shardCount(4, 2)).toBe(2);
    expect(shardCount(4, 8)).toBe(4);
    expect(shardCount(15, 8)).toBe(4);
    expect(shardCount(1, 8)).toBe(1);
    expect(shardCount(4, 0)).toBe(1); // hardwareConcurrency unknown
    expect(shardCount(2, 2, 4)).toBe(2);
    expect(shardCount(4, 8, 1)).toBe(1);
    expect(chunkSizes(4, 2)).toEqual([2, 2]);
    expect(chunkSizes(15, 4)).toEqual([4, 4, 4, 3]);
  });

  it("a forced count is an integer 1-4, else the run fails with the option's name", () => {
    expect(checkShards(undefined)).toBeUndefined();
    expect(checkShards(1)).toBe(1);
    expect(checkShards(4)).toBe(4);
    for (const bad of [0, 5, 1.5, -1, NaN, '2', null])
      expect(() => checkShards(bad)).toThrow(/run option 'shards' must be an integer between 1 and 4/);
  });
});
