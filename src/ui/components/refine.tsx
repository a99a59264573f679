// The offer on a selected sketch Sketchify made: Refine it, or add or remove detail. The user's
// edited strokes stay as they are; the engine redraws the rest.
import { Button, Text } from '@create-figma-plugin/ui';
import { refinableSketch, refine, refineAllowed, REFINE_STEP } from '../refine.ts';
import { canRun, inserting, selection } from '../state.ts';

export function RefinePanel() {
  const sel = selection.value;
  const sketch = sel?.status === 'ready' ? sel.sketch : undefined;
  if (!sketch) return null;
  if (sketch.status === 'unrefinable') {
    return (
      <div class="refine" data-testid="refine-unavailable">
        <Text class="muted">{sketch.message}</Text>
      </div>
    );
  }
  const t = refinableSketch()!;
  const ready = canRun.value && !inserting.value;
  const mine = t.frozen.length;
  return (
    <div class="refine" data-testid="refine-panel" data-strokes={t.strokes.length} data-frozen={mine}>
      <Text>
        A Sketchify sketch of {t.strokes.length} stroke{t.strokes.length === 1 ? '' : 's'}.
        {t.edited > 0
          ? ` Your ${t.edited} edited stroke${t.edited === 1 ? ' stays' : 's stay'} as ${t.edited === 1 ? 'it is' : 'they are'}; the others are redrawn.`
          : ' Refining redraws its strokes from where they are.'}
        {t.deleted > 0 ? ` ${t.deleted} deleted stroke${t.deleted === 1 ? ' stays' : 's stay'} deleted.` : ''}
      </Text>
      <div class="buttons">
        <Button disabled={!ready || !refineAllowed('refine', t)} onClick={() => void refine('refine')} data-testid="refine">
          Refine
        </Button>
        <Button secondary disabled={!ready || !refineAllowed('add', t)} onClick={() => void refine('add')} data-testid="refine-add">
          +{REFINE_STEP} strokes
        </Button>
        <Button
          secondary
          disabled={!ready || !refineAllowed('remove', t)}
          onClick={() => void refine('remove')}
          data-testid="refine-remove"
        >
          −{REFINE_STEP} strokes
        </Button>
      </div>
    </div>
  );
}
