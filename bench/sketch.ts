// `npm run bench -- sketch`: the interactive targets on the CPU path with the embedded model,
// 16 strokes: `draft` completes in <= 30 s and the first preview comes <= 2 s after the call.
// The model is loaded (compiled) once before the runs and its load time reported apart; the
// first run is 'cold' (ORT's first session runs are slower). BENCH_IMAGES=chelsea,horse picks images.
import type { Emit } from './run.ts';
import { sketchify } from '../src/engine/index.ts';
import { fixturesFromEnv, loadEmbedded, loadFixture } from './_sketch-util.ts';

export async function run(emit: Emit): Promise<void> {
  const { model, loadMs } = await loadEmbedded();
  emit({ case: 'embedded model load', ms: Math.round(loadMs) });
  const preset = (process.env.BENCH_PRESET ?? 'draft') as 'draft' | 'standard' | 'best';
  let cold = true;
  for (const name of fixturesFromEnv('BENCH_IMAGES', ['chelsea.png', 'horse.png'])) {
    const result = await sketchify(loadFixture(name), { preset, strokes: 16, backend: 'cpu' }, { model });
    const t = result.timings;
    emit({
      case: `${preset} 16 strokes cpu`,
      image: name,
      cold,
      ms_total: Math.round(t.totalMs),
      ms_first_preview: Math.round(t.firstPreviewMs),
      ms_targets: Math.round(t.targetsMs),
      ms_per_iteration: Math.round(t.perIterationMs),
      iterations: result.iterations,
      stopped_early: result.stoppedEarly,
      loss_initial: +result.lossInitial.toFixed(4),
      loss_final: +result.lossFinal.toFixed(4),
      ...(preset === 'draft'
        ? { target_total_ms: 30000, target_first_preview_ms: 2000, meets: t.totalMs <= 30000 && t.firstPreviewMs <= 2000 }
        : {}),
    });
    cold = false;
  }
  await model.dispose();
}
