// The plugin window: source, preview, progress, actions, then the controls.
import { Button } from '@create-figma-plugin/ui';
import { cancel, insert, run, runSeries, sketchAgain } from './actions.ts';
import { AboutWindow } from './components/about-window.tsx';
import { Controls } from './components/controls.tsx';
import { Preview } from './components/preview.tsx';
import { NoticeLine, ProblemBanner, WindowNoteLine } from './components/problem.tsx';
import { Progress } from './components/progress.tsx';
import { runNestedSeries } from './nested-series.ts';
import { RefinePanel } from './components/refine.tsx';
import { Source } from './components/source.tsx';
import { canRun, engineWarmth, inserting, live, result, running, showPhoto, subject } from './state.ts';
import { Toggle } from '@create-figma-plugin/ui';

function Actions() {
  const busy = running.value;
  const hasStrokes = result.value !== null || (busy && live.value !== null && live.value.iteration > 0);
  return (
    <div class="actions">
      {busy ? (
        <Button secondary onClick={cancel} data-testid="cancel">
          Cancel
        </Button>
      ) : (
        <Button disabled={!canRun.value} onClick={() => void run()} data-testid="run">
          {result.value ? 'Run' : 'Sketch'}
        </Button>
      )}
      <Button
        disabled={!hasStrokes || inserting.value || !subject.value}
        loading={inserting.value}
        onClick={() => void insert()}
        data-testid="insert"
      >
        Insert
      </Button>
      <Button secondary disabled={!canRun.value || !result.value} onClick={() => void sketchAgain()} data-testid="again">
        Sketch again
      </Button>
      <Button secondary disabled={!canRun.value} onClick={() => void runSeries()} data-testid="series">
        Series 4·8·16·32
      </Button>
      <Button
        secondary
        disabled={!canRun.value}
        onClick={() => void runNestedSeries()}
        data-testid="series-nested"
        title="One drawing simplified: 32 strokes, then each level keeps the most useful strokes of the one above"
      >
        Nested series
      </Button>
    </div>
  );
}

export function App() {
  return (
    <div class="app" data-engine={engineWarmth.value}>
      <WindowNoteLine />
      <Source />
      <ProblemBanner />
      {subject.value && (
        <div class="stage">
          <Preview />
          <Toggle value={showPhoto.value} onValueChange={(v) => (showPhoto.value = v)}>
            Show photo under the lines
          </Toggle>
        </div>
      )}
      <Progress />
      <NoticeLine />
      <RefinePanel />
      <Actions />
      <Controls />
      <AboutWindow />
    </div>
  );
}
