// The choices: abstraction (strokes), quality preset with expected time, model, stroke
// width and colour, seed, and (advanced) the backend. Defaults give a good result untouched.
import { Button, Disclosure, Dropdown, SegmentedControl, Text, TextboxColor, TextboxNumeric } from '@create-figma-plugin/ui';
import { useRef, useState } from 'preact/hooks';
import { cancelDownload, downloadModel, loadWeightsFile, removeStoredModels } from '../model-actions.ts';
import { PRESETS, type SubjectChoice } from '../../engine/index.ts';
import { MAX_STROKES } from '../../common/limits.ts';
import { formatBytes, UI_MODELS, findUiModel, type UiModel } from '../models.ts';
import {
  backendChoice,
  colorHex,
  customStrokes,
  iterationsOverride,
  measuredIterationMs,
  modelId,
  modelStatus,
  preset,
  running,
  seed,
  STROKE_CHOICES,
  strokeChoice,
  storedModels,
  strokeWidth,
  subjectChoice,
  type ModelStatus,
  type Preset,
} from '../state.ts';
import { ModelSource } from './model-source.tsx';
import { formatDuration } from './progress.tsx';
import type { BackendChoice } from '../engine/protocol.ts';

/** Before any run: ms per (view x seed) unit per iteration, embedded model on the CPU (bench/sketch.ts order of magnitude). */
const DEFAULT_UNIT_MS = 60;

export function expectedMs(p: Preset, unitMs = measuredIterationMs.value ?? DEFAULT_UNIT_MS): number {
  const v = PRESETS[p];
  return (iterationsOverride.value ?? v.iterations) * (1 + v.views) * v.seeds * unitMs;
}

const PRESET_LABEL: Record<Preset, string> = { draft: 'Draft', standard: 'Standard', best: 'Best' };

function Row({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <div class="row">
      <div class="row-label">
        <Text>{label}</Text>
      </div>
      <div class="row-control">{children}</div>
    </div>
  );
}

/** A CLIP model's state: size and Download / Load from file before, progress and Cancel during. */
function ModelFetch({ model, status, disabled }: { model: UiModel; status: ModelStatus | undefined; disabled: boolean }) {
  const file = useRef<HTMLInputElement>(null);
  const stored = storedModels.value.models.find((m) => m.id === model.id && m.revision === model.weights?.revision);
  if (!model.downloadBytes || status?.state === 'ready') {
    if (!model.downloadBytes || status?.state !== 'ready') return null;
    const where =
      status.source === 'stored'
        ? 'Ready: loaded from this browser’s storage and checked again.'
        : status.notKept
          ? `Ready: ${status.notKept}.`
          : stored
            ? 'Ready: kept in this browser for the next sessions.'
            : 'Ready: kept in memory until the plugin closes.';
    return (
      <Text class="muted" data-testid="model-ready">
        {where}
      </Text>
    );
  }
  if (status?.state === 'downloading') {
    const total = status.total || model.downloadBytes;
    const pct = Math.min(100, Math.floor((100 * status.done) / total));
    return (
      <div class="model-fetch" data-testid="download-progress" data-done={status.done} data-total={status.total}>
        <progress max={100} value={pct} />
        <Text class="muted">
          {status.total && status.done >= status.total
            ? 'Downloaded: checking and compiling the model…'
            : status.done
              ? `Downloading ${formatBytes(status.done)} of ${formatBytes(total)} (${pct} %)`
              : 'Connecting to Hugging Face…'}
        </Text>
        <Button secondary onClick={() => cancelDownload(model.id)} data-testid="download-cancel">
          Cancel download
        </Button>
      </div>
    );
  }
  if (status?.state === 'loading')
    return (
      <Text class="muted" data-testid="model-loading">
        Checking and compiling the weights file…
      </Text>
    );
  return (
    <div class="model-fetch">
      <Text class="muted" data-testid="download-size">
        {stored
          ? `Downloaded before: ${formatBytes(stored.bytes)} kept in this browser, checked again when loaded.`
          : `Needs a one-time download of ${formatBytes(model.downloadBytes)} from Hugging Face (${storedModels.value.unavailable ? 'kept until the plugin closes' : 'kept in this browser'}), or its ${model.file} from disk.`}
      </Text>
      <div class="buttons">
        <Button
          disabled={disabled}
          onClick={() => downloadModel(model.id)}
          data-testid="model-download"
          data-stored={stored ? 'yes' : 'no'}
        >
          {stored ? 'Load' : `Download ${formatBytes(model.downloadBytes)}`}
        </Button>
        <Button secondary disabled={disabled} onClick={() => file.current?.click()} data-testid="model-file-button">
          Load from file…
        </Button>
        <input
          ref={file}
          type="file"
          accept=".safetensors"
          hidden
          data-testid="model-file"
          onChange={(e) => {
            const f = (e.currentTarget as HTMLInputElement).files?.[0];
            if (f) void loadWeightsFile(model.id, f);
            (e.currentTarget as HTMLInputElement).value = '';
          }}
        />
      </div>
    </div>
  );
}

/** The models this window keeps, their size, and the way to remove them (hosted window only). */
function KeptModels({ disabled }: { disabled: boolean }) {
  const { models, freed } = storedModels.value;
  if (models.length === 0)
    return freed ? (
      <Text class="muted" data-testid="stored-models">
        Removed the downloaded models ({formatBytes(freed)}).
      </Text>
    ) : null;
  const total = models.reduce((sum, m) => sum + m.bytes, 0);
  return (
    <div class="model-fetch" data-testid="stored-models" data-count={models.length}>
      <Text class="muted">
        Downloaded models kept in this browser: {models.map((m) => m.id).join(', ')} ({formatBytes(total)}).
      </Text>
      <Button secondary disabled={disabled} onClick={removeStoredModels} data-testid="remove-stored-models">
        Remove downloaded models
      </Button>
    </div>
  );
}

export function Controls() {
  const disabled = running.value;
  const [advanced, setAdvanced] = useState(false);
  const model = findUiModel(modelId.value);
  const status = modelStatus.value[model.id];
  return (
    <div class="controls">
      <Row label="Strokes">
        <SegmentedControl
          disabled={disabled}
          value={strokeChoice.value}
          onValueChange={(v) => (strokeChoice.value = v)}
          options={[...STROKE_CHOICES.map((v) => ({ value: v })), { value: 'custom', children: 'Custom' }]}
        />
        {strokeChoice.value === 'custom' && (
          <TextboxNumeric
            disabled={disabled}
            integer
            minimum={1}
            maximum={MAX_STROKES}
            value={String(customStrokes.value)}
            onNumericValueInput={(v) => v !== null && v >= 1 && v <= MAX_STROKES && (customStrokes.value = v)}
            suffix=" strokes"
            data-testid="custom-strokes"
          />
        )}
        <Text class="muted">Fewer strokes, more abstract.</Text>
      </Row>
      <Row label="Quality">
        <SegmentedControl
          disabled={disabled}
          value={preset.value}
          onValueChange={(v) => (preset.value = v as Preset)}
          options={(Object.keys(PRESETS) as Preset[]).map((p) => ({ value: p, children: PRESET_LABEL[p] }))}
        />
        <Text class="muted" data-testid="expected-time">
          About {formatDuration(expectedMs(preset.value))} with {iterationsOverride.value ?? PRESETS[preset.value].iterations} iterations
          {measuredIterationMs.value ? '' : ' (estimate until the first run)'}.
        </Text>
      </Row>
      <Row label="Model">
        <Dropdown
          disabled={disabled}
          value={modelId.value}
          onValueChange={(v) => (modelId.value = v)}
          data-testid="model"
          options={UI_MODELS.map((m) => ({
            value: m.id,
            text: m.downloadBytes ? `${m.label} · ${formatBytes(m.downloadBytes)}` : m.label,
          }))}
        />
        <Text class="muted">{model.note}</Text>
        <ModelSource model={model} status={status} />
        <ModelFetch model={model} status={status} disabled={disabled} />
        <KeptModels disabled={disabled} />
      </Row>
      <Row label="Line">
        <div class="inline">
          <TextboxNumeric
            disabled={disabled}
            minimum={0.25}
            maximum={32}
            incrementSmall={0.5}
            value={String(strokeWidth.value)}
            onNumericValueInput={(v) => v !== null && v >= 0.25 && v <= 32 && (strokeWidth.value = v)}
            suffix=" px"
            data-testid="stroke-width"
          />
          <TextboxColor
            hexColor={colorHex.value}
            opacity="100%"
            onHexColorValueInput={(v) => (colorHex.value = v)}
            onOpacityValueInput={() => {}}
          />
        </div>
      </Row>
      <Disclosure open={advanced} title="Advanced" onClick={() => setAdvanced(!advanced)} data-testid="advanced">
        <Row label="Seed">
          <TextboxNumeric
            disabled={disabled}
            integer
            minimum={0}
            value={String(seed.value)}
            onNumericValueInput={(v) => v !== null && v >= 0 && (seed.value = v)}
            data-testid="seed"
          />
        </Row>
        <Row label="Iterations">
          <TextboxNumeric
            disabled={disabled}
            integer
            minimum={1}
            maximum={20000}
            placeholder={`${PRESETS[preset.value].iterations} (preset)`}
            value={iterationsOverride.value === null ? '' : String(iterationsOverride.value)}
            onNumericValueInput={(v) => (iterationsOverride.value = v !== null && v >= 1 && v <= 20000 ? v : null)}
            data-testid="iterations"
          />
        </Row>
        <Row label="Draw">
          <Dropdown
            disabled={disabled}
            value={subjectChoice.value}
            onValueChange={(v) => (subjectChoice.value = v as SubjectChoice)}
            data-testid="subject-choice"
            options={[
              { value: 'auto', text: 'The subject (background left out)' },
              { value: 'off', text: 'The whole image' },
            ]}
          />
        </Row>
        <Row label="Compute">
          <Dropdown
            disabled={disabled}
            value={backendChoice.value}
            onValueChange={(v) => (backendChoice.value = v as BackendChoice)}
            data-testid="compute"
            options={[
              { value: 'auto', text: 'Automatic (GPU when it helps)' },
              { value: 'webgpu', text: 'GPU (WebGPU)' },
              { value: 'cpu', text: 'CPU' },
            ]}
          />
        </Row>
      </Disclosure>
    </div>
  );
}
