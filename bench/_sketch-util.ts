// Shared by bench/sketch.ts and bench/eval.ts: fixtures and the embedded model.
import { existsSync, readFileSync } from 'node:fs';
import { buildEmbeddedModel } from '../models/build-embedded.ts';
import { decodeImage } from '../src/cli/decode.ts';
import { embeddedLossModel, embeddedModelCandidates, readEmbeddedWeights } from '../src/cli/models.ts';
import type { LossModel, RgbaImage } from '../src/engine/index.ts';

export const FIXTURES = ['chelsea.png', 'coffee.png', 'astronaut.png', 'rocket.jpg', 'horse.png', 'camera.png'];

export function loadFixture(name: string): RgbaImage {
  return decodeImage(new Uint8Array(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url))));
}

/** The fixtures named in env[variable] (comma-separated) or all. */
export function fixturesFromEnv(variable: string, fallback = FIXTURES): string[] {
  const list = process.env[variable];
  return list ? list.split(',').map((s) => (s.includes('.') ? s : (FIXTURES.find((f) => f.startsWith(`${s}.`)) ?? s))) : fallback;
}

export async function loadEmbedded(): Promise<{ model: LossModel; loadMs: number }> {
  const t0 = performance.now();
  const path = embeddedModelCandidates(new URL('../src/cli/models.ts', import.meta.url).href)[1];
  if (!existsSync(path)) buildEmbeddedModel();
  const model = await embeddedLossModel(await readEmbeddedWeights([path]));
  return { model, loadMs: performance.now() - t0 };
}
