// Turns what went wrong into plain words and a way forward. The engine's errors are precise
// but technical; the user needs to know what happened and what to click next.

export type Remedy = 'retry' | 'retry-download' | 'use-embedded' | 'use-cpu' | 'load-file' | 'lighter-settings' | 'select-image';

export interface Problem {
  title: string;
  /** One or two sentences: what happened and what to do. */
  detail: string;
  remedies: Remedy[];
  /** The original message, shown small for bug reports. */
  technical?: string;
}

const technical = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function isOutOfMemory(error: unknown): boolean {
  const text = technical(error);
  return (
    (typeof GPUOutOfMemoryError !== 'undefined' && error instanceof GPUOutOfMemoryError) ||
    /out of memory|outofmemory|array buffer allocation failed|cannot allocate|failed to allocate|memory access out of bounds|Aborted\(OOM\)/i.test(
      text,
    )
  );
}

interface DownloadFailure {
  kind?: string;
  status?: number;
  host?: string;
  message: string;
}

/** A model download failed (engine DownloadError, duck-typed so the UI needs no engine import here). */
function downloadProblem(error: DownloadFailure): Problem {
  if (error.kind === 'blocked') {
    return {
      title: 'The CLIP model could not be downloaded',
      detail: `${error.host === 'huggingface.co' || !error.host ? 'Hugging Face sent the download on to a site' : `The download went to ${error.host}, a site`} that this version of Sketchify is not allowed to reach (Figma lets a plugin connect only to the sites it lists). Update Sketchify, load the weights from a file you downloaded, or keep working offline with the embedded model.`,
      remedies: ['load-file', 'use-embedded'],
      technical: technical(error),
    };
  }
  const why =
    error.kind === 'http' && error.status
      ? `the server answered HTTP ${error.status}`
      : error.kind === 'integrity' || error.kind === 'format'
        ? 'the file that arrived is not the expected model (damaged or changed)'
        : error.kind === 'range'
          ? 'the server would not send parts of the file'
          : 'the connection failed';
  return {
    title: 'The CLIP model could not be downloaded',
    detail: `Downloading from Hugging Face failed: ${why}. Retry, keep working offline with the embedded model, or load the weights from a file you downloaded.`,
    remedies: ['retry-download', 'use-embedded', 'load-file'],
    technical: technical(error),
  };
}

export function describeError(error: unknown): Problem {
  if (error && typeof error === 'object' && (error as Error).name === 'DownloadError') return downloadProblem(error as DownloadFailure);
  if (isOutOfMemory(error)) {
    return {
      title: 'Not enough memory',
      detail:
        'The sketch needed more memory than the plugin may use. Try the draft preset, fewer strokes or the embedded model; closing other plugins and tabs helps too.',
      remedies: ['lighter-settings', 'use-embedded'],
      technical: technical(error),
    };
  }
  if (/device (was )?lost|GPUDevice.*lost|DeviceLost/i.test(technical(error))) {
    return {
      title: 'The graphics device stopped',
      detail:
        'The GPU was reset (a driver update, sleep, or memory pressure). Run again on the CPU; it is slower but gives the same kind of result.',
      remedies: ['use-cpu', 'retry'],
      technical: technical(error),
    };
  }
  if (/weights file|safetensors|sha-?256|digest/i.test(technical(error))) {
    return {
      title: 'That file is not the expected model',
      detail:
        'The weights file could not be used: it is not the right checkpoint or it is damaged. Pick the original open_clip_model.safetensors from Hugging Face, or use the embedded model.',
      remedies: ['load-file', 'use-embedded'],
      technical: technical(error),
    };
  }
  return {
    title: 'Something went wrong',
    detail: 'The sketch stopped unexpectedly. Try again; if it keeps happening, switch to the CPU or the embedded model.',
    remedies: ['retry', 'use-cpu', 'use-embedded'],
    technical: technical(error),
  };
}
