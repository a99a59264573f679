// What the model controls do: download (or load from this window's store), cancel, load a
// weights file, list and remove the models this window keeps. The engine does the work; these
// only keep the UI state in step with it.
import { engine } from './engine/engine.ts';
import { showModelFailed, showModelReady, showStoredModels } from './engine-events.ts';
import * as s from './state.ts';

export function refreshStoredModels(): void {
  engine
    .storedModels()
    .then(showStoredModels, (error: unknown) => console.warn(`Sketchify: the kept models could not be listed (${String(error)})`));
}

/** Removes the CLIP weights this window keeps (the answer updates storedModels). */
export function removeStoredModels(): void {
  engine
    .removeStoredModels()
    .then(showStoredModels, (error: unknown) => console.warn(`Sketchify: the kept models could not be removed (${String(error)})`));
}

export function downloadModel(model: string): void {
  s.problem.value = null;
  s.modelStatus.value = { ...s.modelStatus.value, [model]: { state: 'downloading', done: 0, total: 0 } };
  engine.download(model).then(
    (got) => {
      showModelReady(model, got);
      if (got.source === 'download') refreshStoredModels();
    },
    (error: unknown) => showModelFailed(model, error),
  );
}

export function cancelDownload(model: string): void {
  engine.cancelDownload(model);
}

/** A weights file the user picked; its bytes move to the worker (transferred, not copied). */
export async function loadWeightsFile(model: string, file: File): Promise<void> {
  s.problem.value = null;
  s.modelStatus.value = { ...s.modelStatus.value, [model]: { state: 'loading' } };
  const bytes = new Uint8Array(await file.arrayBuffer());
  engine.loadWeights(model, bytes, file.name).then(
    (repoCommit) => showModelReady(model, { source: 'file', repoCommit }),
    (error: unknown) => showModelFailed(model, error),
  );
}
