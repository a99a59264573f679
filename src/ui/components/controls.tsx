// The choices: abstraction (strokes), quality preset with expected time, model, stroke
// width and colour, seed, and (advanced) the backend. Defaults give a good result untouched.
import { Disclosure, Dropdown, SegmentedControl, Text, TextboxColor, TextboxNumeric } from '@create-figma-plugin/ui';
import { useState } from 'preact/hooks';
import { PRESETS } from '../../engine/options.ts';
import { formatBytes, UI_MODELS, findUiModel } from '../models.ts';
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
  strokeWidth,
  type Preset,
} from '../state.ts';
import { formatDuration } from './progress.tsx';
import type { BackendChoice } from '../worker/messages.ts';

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
            maximum={128}
            value={String(customStrokes.value)}
            onNumericValueInput={(v) => v !== null && v >= 1 && v <= 128 && (customStrokes.value = v)}
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
          About {formatDuration(expectedMs(preset.value))} with {iterationsOverride.value ?? PRESETS[preset.value].iterations} iterations{measuredIterationMs.value ? '' : ' (estimate until the first run)'}.
        </Text>
      </Row>
      <Row label="Model">
        <Dropdown
          disabled={disabled}
          value={modelId.value}
          onValueChange={(v) => (modelId.value = v)}
          options={UI_MODELS.map((m) => ({ value: m.id, text: m.downloadBytes ? `${m.label} · ${formatBytes(m.downloadBytes)}` : m.label }))}
        />
        <Text class="muted">
          {model.note}
          {status?.state === 'downloading' && ` Downloading ${formatBytes(status.done)} of ${status.total ? formatBytes(status.total) : '…'}.`}
        </Text>
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
          <TextboxColor hexColor={colorHex.value} opacity="100%" onHexColorValueInput={(v) => (colorHex.value = v)} onOpacityValueInput={() => {}} />
        </div>
      </Row>
      <Disclosure open={advanced} title="Advanced" onClick={() => setAdvanced(!advanced)} data-testid="advanced">
        <Row label="Seed">
          <TextboxNumeric disabled={disabled} integer minimum={0} value={String(seed.value)} onNumericValueInput={(v) => v !== null && v >= 0 && (seed.value = v)} data-testid="seed" />
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
        <Row label="Compute">
          <Dropdown
            disabled={disabled}
            value={backendChoice.value}
            onValueChange={(v) => (backendChoice.value = v as BackendChoice)}
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
