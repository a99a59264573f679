// The embedded model's weight file for Node tests: built by `npm run build`, or built here from
// the installed nsfwjs when the build has not run.
import { existsSync } from 'node:fs';
import { buildEmbeddedModel } from '../../models/build-embedded.ts';
import { embeddedModelCandidates, readEmbeddedWeights } from '../../src/cli/models.ts';

export async function embeddedWeights(): Promise<Uint8Array> {
  const path = embeddedModelCandidates(new URL('../../src/cli/models.ts', import.meta.url).href)[1];
  if (!existsSync(path)) buildEmbeddedModel();
  return readEmbeddedWeights([path]);
}
