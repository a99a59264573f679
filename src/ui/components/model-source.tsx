// Where a CLIP model's weights come from, in the model's details: the repository, its revision
// (a pinned commit, or a branch said to be "not pinned"), and once loaded the commit that
// answered, where Hugging Face's answer (or the weights file) named it.
import { Text } from '@create-figma-plugin/ui';
import type { UiModel } from '../models.ts';
import type { ModelStatus } from '../state.ts';

const short = (sha: string): string => (/^[0-9a-f]{40}$/.test(sha) ? sha.slice(0, 7) : sha);

/** The commit line once the model is ready; null before. */
function answeredBy(model: UiModel, status: ModelStatus | undefined): string | null {
  if (status?.state !== 'ready') return null;
  if (status.repoCommit) return `Loaded from commit ${short(status.repoCommit)}.`;
  if (model.weights?.pinned) return null; // the pinned commit is in the URL: nothing more to say
  return status.source === 'file'
    ? 'The weights file does not say which commit it came from.'
    : 'Hugging Face did not name the commit it answered from where this window can read it.';
}

export function ModelSource({ model, status }: { model: UiModel; status: ModelStatus | undefined }) {
  const w = model.weights;
  if (!w) return null;
  const revision = w.pinned ? `commit ${short(w.revision)}` : `${w.revision} (not pinned: the files may change)`;
  const commit = answeredBy(model, status);
  return (
    <Text class="muted" data-testid="model-source" data-repo-commit={status?.state === 'ready' ? (status.repoCommit ?? '') : undefined}>
      Weights: {w.repo}, {revision}.{commit ? ` ${commit}` : ''}
    </Text>
  );
}
