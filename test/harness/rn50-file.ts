// The UI with a full-size RN50 checkpoint on disk (random weights, the real names, shapes and
// dtypes: F32, open_clip key layout plus tensors the real file also holds), for the tests that
// pick it with "Load from file". The horse fixture is selected; close() removes the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIP_RN50, clipResNetSpec } from '../../src/engine/networks/clip-resnet.ts';
import { OPEN_CLIP_EXTRAS, syntheticCheckpoint } from '../helpers/clip-weights.ts';
import { openUi, type UiSession } from './ui-session.ts';

export interface Rn50FileSession {
  s: UiSession;
  /** Chooses clip-rn50 and picks the file; resolves once the model is ready, returning the ms it took. */
  loadRn50(): Promise<number>;
  close(): Promise<void>;
}

export async function openUiWithRn50File(query = ''): Promise<Rn50FileSession> {
  const dir = mkdtempSync(join(tmpdir(), 'sketchify-rn50-'));
  const file = join(dir, 'open_clip_model.safetensors');
  writeFileSync(file, syntheticCheckpoint(clipResNetSpec(CLIP_RN50), { extras: OPEN_CLIP_EXTRAS() }));
  const s = await openUi(query);
  await s.select('horse');
  return {
    s,
    async loadRn50() {
      await s.ui.locator('input[value="clip-rn50"]').evaluate((el: HTMLElement) => el.click());
      await s.ui.getByTestId('model-file-button').waitFor();
      const t0 = performance.now();
      await s.ui.getByTestId('model-file').setInputFiles(file);
      await s.ui.getByTestId('model-ready').waitFor({ timeout: 540_000 });
      return performance.now() - t0;
    },
    async close() {
      if (process.env.UI_LOGS) console.log(s.logs.join('\n'));
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
