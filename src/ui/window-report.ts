// "About this window" as data and as text: the window's and the engine worker's facts
// (window-facts.ts), the UI build, and the backend the engine chose. One line per fact; where
// the engine worker differs from the window, the line says both. The panel shows these lines
// and copies the same text, so what a user pastes is what they saw.
import type { UiBuild } from './build-info.ts';
import type { GpuFacts, ScopeFacts, StorageFacts } from './window-facts.ts';
import type { WireBackend } from './engine/protocol.ts';

export interface WindowReport {
  window: ScopeFacts;
  /** The engine worker's own facts; a string when it could not be asked. */
  worker: ScopeFacts | string;
  build: UiBuild;
  /** The last run's backend and reason; null before the first sketch. */
  backend: WireBackend | null;
  /** Which window Figma shows (built-in or hosted) and, where a hosted one was replaced, why. */
  mode?: { mode: 'bundled' | 'hosted'; note: string | null };
}

function modeText(m: NonNullable<WindowReport['mode']>): string {
  if (m.mode === 'hosted') return 'hosted: the plugin’s own https page (a secure context where the browser allows it)';
  return m.note
    ? `built-in, since ${m.note.charAt(0).toLowerCase()}${m.note.slice(1)}`
    : 'built-in (the plugin’s single file, as Figma loads it)';
}

export interface ReportLine {
  label: string;
  value: string;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function gpuText(g: GpuFacts): string {
  if (!g.api) return 'no (navigator.gpu is missing)';
  if (!g.adapter) return `no adapter (${g.problem ?? 'none granted'})`;
  const name = [g.vendor, g.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  const kind = g.fallback === undefined ? 'fallback unknown' : g.fallback ? 'fallback (software) adapter' : 'not a fallback adapter';
  return `${name}, ${kind}, shader-f16 ${yesNo(g.shaderF16 === true)}`;
}

const storageText = (s: StorageFacts): string => (s.works ? `works (${s.detail})` : `does not work (${s.detail})`);

/** Each fact of a scope, by label, as text. */
function scopeValues(f: ScopeFacts): ReportLine[] {
  return [
    { label: 'Document', value: `${f.scheme} origin ${f.origin}` },
    { label: 'Secure context', value: yesNo(f.secureContext) },
    { label: 'Cross-origin isolated', value: yesNo(f.crossOriginIsolated) },
    { label: 'WebGPU', value: gpuText(f.gpu) },
    { label: 'Cores', value: f.cores === null ? 'not reported' : String(f.cores) },
    { label: 'Device memory', value: f.deviceMemoryGb === null ? 'not reported' : `${f.deviceMemoryGb} GB` },
    { label: 'IndexedDB', value: storageText(f.indexedDb) },
    { label: 'Cache Storage', value: storageText(f.cacheStorage) },
  ];
}

export function reportLines(r: WindowReport): ReportLine[] {
  const worker = typeof r.worker === 'string' ? null : scopeValues(r.worker);
  const lines: ReportLine[] = r.mode ? [{ label: 'Window', value: modeText(r.mode) }] : [];
  const scopeLines = scopeValues(r.window).map((line, i) => {
    const there = worker?.[i].value;
    return there === undefined || there === line.value ? line : { label: line.label, value: `${line.value}; engine worker: ${there}` };
  });
  lines.push(...scopeLines);
  if (typeof r.worker === 'string') lines.push({ label: 'Engine worker', value: `not asked (${r.worker})` });
  const size = r.build.bytes === null ? 'size unknown' : `${(r.build.bytes / 1e6).toFixed(1)} MB`;
  lines.push({ label: 'UI build', value: `${r.build.id}, ${size}` });
  lines.push({
    label: 'Engine backend',
    value: r.backend ? `${r.backend.label}: ${r.backend.reason}` : 'not chosen yet (the first sketch chooses)',
  });
  return lines;
}

/** The copyable text: a title line, then `Label: value` per line. */
export function reportText(r: WindowReport): string {
  return ['Sketchify: about this window', ...reportLines(r).map((l) => `${l.label}: ${l.value}`)].join('\n');
}
