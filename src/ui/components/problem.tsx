// Errors in plain words with a button for each way forward; notices for good news.
import { Button, Text } from '@create-figma-plugin/ui';
import { applyRemedy } from '../actions.ts';
import type { Remedy } from '../errors.ts';
import { notice, problem, windowNote } from '../state.ts';

const REMEDY_LABEL: Record<Remedy, string> = {
  retry: 'Try again',
  'retry-download': 'Download again',
  'use-embedded': 'Use the embedded model',
  'use-cpu': 'Run on the CPU',
  'load-file': 'Load weights from a file below',
  'lighter-settings': 'Use lighter settings',
  'select-image': 'Select another image in Figma',
};
// Remedies that are advice, not something a button can do here.
const ADVICE: Remedy[] = ['load-file', 'select-image'];

export function ProblemBanner() {
  const p = problem.value;
  if (!p) return null;
  return (
    <div class="problem" role="alert" data-testid="problem">
      <Text>
        <strong>{p.title}</strong>
      </Text>
      <Text>{p.detail}</Text>
      <div class="remedies">
        {p.remedies
          .filter((r) => !ADVICE.includes(r))
          .map((r) => (
            <Button key={r} secondary onClick={() => applyRemedy(r)} data-remedy={r}>
              {REMEDY_LABEL[r]}
            </Button>
          ))}
      </div>
      {p.technical && <div class="technical">{p.technical}</div>}
    </div>
  );
}

export function NoticeLine() {
  const n = notice.value;
  if (!n) return null;
  return (
    <div class="notice" data-testid="notice">
      <Text>{n}</Text>
    </div>
  );
}

/** Why the built-in window replaced the hosted one (src/plugin/window-mode.ts), in one line. */
export function WindowNoteLine() {
  const note = windowNote.value;
  if (!note) return null;
  return (
    <div class="window-note muted" data-testid="window-note">
      <Text>{note}</Text>
    </div>
  );
}
