// The "About this window" text from facts (no browser): a line per fact, the engine worker's
// value beside the window's only where they differ, the build stamp read back, and the
// backend line before and after a run.
import { describe, expect, it } from 'vitest';
import { uiBuild } from '../../src/ui/build-info.ts';
import type { ScopeFacts } from '../../src/ui/window-facts.ts';
import { reportLines, reportText } from '../../src/ui/window-report.ts';

const srcdocWindow: ScopeFacts = {
  scheme: 'about:',
  origin: 'null',
  secureContext: true,
  crossOriginIsolated: false,
  gpu: { api: true, adapter: true, vendor: 'google', architecture: 'swiftshader', fallback: false, shaderF16: true },
  cores: 2,
  deviceMemoryGb: 8,
  indexedDb: { works: false, detail: 'SecurityError: denied' },
  cacheStorage: { works: false, detail: 'SecurityError: denied' },
};
const blobWorker: ScopeFacts = {
  ...srcdocWindow,
  scheme: 'blob:',
  secureContext: false,
  gpu: { api: false, adapter: null },
  cacheStorage: { works: false, detail: 'caches is not defined here (no secure context)' },
};

describe('window report', () => {
  it('says each fact once, and both values where the engine worker differs', () => {
    const lines = Object.fromEntries(
      reportLines({ window: srcdocWindow, worker: blobWorker, build: { id: 'abcdef012345', bytes: 39_384_371 }, backend: null }).map(
        (l) => [l.label, l.value],
      ),
    );
    expect(lines).toEqual({
      Document: 'about: origin null; engine worker: blob: origin null',
      'Secure context': 'yes; engine worker: no',
      'Cross-origin isolated': 'no',
      WebGPU: 'google swiftshader, not a fallback adapter, shader-f16 yes; engine worker: no (navigator.gpu is missing)',
      Cores: '2',
      'Device memory': '8 GB',
      IndexedDB: 'does not work (SecurityError: denied)',
      'Cache Storage':
        'does not work (SecurityError: denied); engine worker: does not work (caches is not defined here (no secure context))',
      'UI build': 'abcdef012345, 39.4 MB',
      'Engine backend': 'not chosen yet (the first sketch chooses)',
    });
  });

  it('names the backend and its reason after a run, and says when the worker did not answer', () => {
    const text = reportText({
      window: srcdocWindow,
      worker: 'no answer in 15 s',
      build: uiBuild(undefined),
      backend: { backend: 'cpu', label: 'CPU', reason: 'you chose the CPU' },
    });
    expect(text.split('\n')[0]).toBe('Sketchify: about this window');
    expect(text).toMatch(/\nEngine worker: not asked \(no answer in 15 s\)\n/);
    expect(text).toMatch(/\nUI build: unbuilt, size unknown\n/);
    expect(text.endsWith('\nEngine backend: CPU: you chose the CPU')).toBe(true);
  });

  it('says which window this is, and why the built-in one replaced a hosted one', () => {
    const line = (mode: 'bundled' | 'hosted', note: string | null) =>
      reportLines({ window: srcdocWindow, worker: blobWorker, build: uiBuild(undefined), backend: null, mode: { mode, note } })[0];
    expect(line('hosted', null)).toEqual({ label: 'Window', value: expect.stringMatching(/^hosted: the plugin’s own https page/) });
    expect(line('bundled', null).value).toMatch(/^built-in \(the plugin’s single file/);
    expect(
      line(
        'bundled',
        'The hosted window (https://a.example) did not answer within 8 s (offline, blocked or not found): using the built-in window instead.',
      ).value,
    ).toBe(
      'built-in, since the hosted window (https://a.example) did not answer within 8 s (offline, blocked or not found): using the built-in window instead.',
    );
  });

  it('reads the build stamp build.mjs writes, and nothing else', () => {
    expect(uiBuild('sketchify-ui:0123456789ab:0039384371')).toEqual({ id: '0123456789ab', bytes: 39_384_371 });
    expect(uiBuild(`sketchify-ui:${'x'.repeat(12)}:${'0'.repeat(10)}`)).toEqual({ id: 'unbuilt', bytes: null });
  });
});
