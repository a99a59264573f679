// Where a run computes: WebGPU when a hardware adapter opens a device (or the user forces the
// GPU), else the CPU path, with the reason the UI shows. One GPU probe per session.
import { probeWebGpu, type BackendProbe } from '../backend.ts';
import type { RunRequest, WireBackend } from '../engine/protocol.ts';

/** This bundle runs as a worker (else on the iframe's main thread, see engine-worker.ts). */
export const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

let gpu: Promise<BackendProbe> | null = null;

/** One GPU probe per session; forgotten when the device is lost so the next run probes again. */
export function gpuProbe(): Promise<BackendProbe> {
  const api = (navigator as Navigator & { gpu?: GPU }).gpu;
  // A blob worker of an opaque-origin iframe may be no secure context even where the iframe
  // is one: then it has no navigator.gpu (nor crypto.subtle), whatever the host offers.
  if (!api && !self.isSecureContext) {
    return (gpu ??= Promise.resolve({
      device: null,
      software: false,
      label: 'CPU',
      reason: "the plugin's engine worker is not a secure context here, so it gets no WebGPU",
    }));
  }
  gpu ??= probeWebGpu(api).then((probe) => {
    // The next run probes again; the run that had it falls back inside the engine.
    void probe.device?.lost.then(() => (gpu = null));
    // Exposed for diagnostics (and the device-lost test): the current engine device.
    (globalThis as { __sketchifyDevice?: GPUDevice | null }).__sketchifyDevice = probe.device;
    return probe;
  });
  return gpu;
}

export async function chooseBackend(req: RunRequest): Promise<{ info: WireBackend; device?: GPUDevice }> {
  const cpu = (reason: string) => ({ info: { backend: 'cpu' as const, label: 'CPU', reason } });
  if (req.backend === 'cpu') return cpu(req.cpuReason ?? 'you chose the CPU');
  if (req.webgpuUnavailable) return cpu(req.webgpuUnavailable);
  const probe = await gpuProbe();
  if (!probe.device) return cpu(probe.reason);
  if (probe.software && req.backend === 'auto') return cpu(`${probe.reason}, which is slower than the CPU path`);
  const why = req.backend === 'webgpu' ? 'you chose the GPU' : probe.reason;
  // engine-client.ts sends a run here only when its worker has no WebGPU: say so.
  // Setup there is seconds of main-thread work (bundle, model, targets: bench/ui.ts): warn.
  const where = inWorker
    ? ''
    : "; it runs beside the UI, since the plugin's engine worker gets no WebGPU on this host (the panel may pause while it prepares)";
  return { info: { backend: 'webgpu', label: probe.label, reason: why + where }, device: probe.device };
}
