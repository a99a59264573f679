// The input gradient (adjoint) of a 2-D convolution with a frozen weight, as ordinary Convs
// (ORT's Conv kernels are much faster than its ConvTranspose, above all for depthwise):
// - stride 1: Conv of the gradient with the spatially flipped, in/out-swapped weight;
// - stride s > 1 (dilation 1, not depthwise): sub-pixel form. Input row i receives gradient only from taps
//   t = r + s*j of phase r = (i + pad) mod s, so each of the s*s phases is a stride-1 Conv of
//   the small gradient with a ceil(k/s)-tap sub-kernel; one Conv computes all phases as
//   extra channels and DepthToSpace (Reshape-Transpose-Reshape) interleaves them.
// Strided depthwise convs, non-constant weights, and stride-1 padding beyond the kernel's
// reach use ConvTranspose with output_padding restoring rows a strided conv never read.
import { castPrimitive, ONNX_DTYPE, type ConstData, type Tensor } from '../graph.ts';
import { conv, convTranspose, type ConvGeometry } from './linear.ts';
import { reshape, slice, transpose } from './shape.ts';

export function convInputGradient(g: Tensor, w: Tensor, geo: ConvGeometry, inputShape: readonly number[]): Tensor {
  const [, , h, wd] = inputShape;
  const [, , kh, kw] = w.shape;
  const [n, , ho, wo] = g.shape;
  const [sh, sw] = geo.strides;
  const [dh, dw] = geo.dilations;
  const reachH = (kh - 1) * dh;
  const reachW = (kw - 1) * dw;
  const outputPadding = [h - (sh * (ho - 1) + reachH + 1 - geo.pads[0] - geo.pads[2]), wd - (sw * (wo - 1) + reachW + 1 - geo.pads[1] - geo.pads[3])];
  const fallback = (): Tensor => convTranspose(g, w, { ...geo, outputPadding });
  const source = frozenSource(w);
  if (!source) return fallback();

  if (sh === 1 && sw === 1) {
    const pads = [reachH - geo.pads[0], reachW - geo.pads[1], reachH - geo.pads[2] + outputPadding[0], reachW - geo.pads[3] + outputPadding[1]];
    if (pads.some((p) => p < 0)) return fallback();
    const flipped = adjointWeight(w, source, geo.group, 1, 1);
    return conv(g, flipped, null, { pads, dilations: geo.dilations, group: geo.group });
  }
  // Depthwise: the sub-pixel form would be a channel-multiplier-s*s grouped conv, which ORT
  // runs slower than its ConvTranspose (measured on the MobileNetV2-shaped bench net).
  const depthwise = w.shape[0] === geo.group && w.shape[1] === 1;
  if (dh !== 1 || dw !== 1 || depthwise) return fallback();
  // Phase (rh, rw) of output q holds dX[s*q + r - pad]; q runs over [0, Q) with s*Q >= pad + H.
  const jh = Math.ceil(kh / sh);
  const jw = Math.ceil(kw / sw);
  const qh = Math.ceil((geo.pads[0] + h) / sh);
  const qw = Math.ceil((geo.pads[1] + wd) / sw);
  const padEnd = [qh - ho, qw - wo];
  let gIn = g;
  if (padEnd[0] < 0 || padEnd[1] < 0) {
    gIn = slice(g, [0, 0], [ho + Math.min(0, padEnd[0]), wo + Math.min(0, padEnd[1])], [2, 3]);
  }
  const phases = conv(gIn, adjointWeight(w, source, geo.group, sh, sw), null, {
    pads: [jh - 1, jw - 1, Math.max(0, padEnd[0]), Math.max(0, padEnd[1])],
    group: geo.group,
  });
  const c = inputShape[1];
  const interleaved = reshape(transpose(reshape(phases, [n, c, sh, sw, qh, qw]), [0, 1, 4, 2, 5, 3]), [n, c, qh * sh, qw * sw]);
  return slice(interleaved, [geo.pads[0], geo.pads[1]], [geo.pads[0] + h, geo.pads[1] + wd], [2, 3]);
}

/** The constant initializer behind a weight (directly, or through a Cast from fp16). */
function frozenSource(w: Tensor): Tensor | null {
  const source = w.value ? w : w.producer?.op.type === 'Cast' && w.producer.inputs[0]?.value ? w.producer.inputs[0] : null;
  return source && (source.dtype === 'float32' || source.dtype === 'float16') ? source : null;
}

/**
 * Adjoint weight for strides (sh, sw): shape [C*sh*sw, Mg, ceil(kh/sh), ceil(kw/sw)] with
 * W'[(gi*Cg + c)*sh*sw + rh*sw + rw, m, a, b] = W[gi*Mg + m, c, rh + sh*(Jh-1-a), rw + sw*(Jw-1-b)]
 * (zero where that tap is outside the kernel). For stride 1 this is the flipped, swapped W.
 */
function adjointWeight(w: Tensor, source: Tensor, group: number, sh: number, sw: number): Tensor {
  const [m, cg, kh, kw] = w.shape;
  const mg = m / group;
  const jh = Math.ceil(kh / sh);
  const jw = Math.ceil(kw / sw);
  const src = source.value as Float32Array | Uint16Array;
  const shape = [group * cg * sh * sw, mg, jh, jw];
  const dst: Float32Array | Uint16Array = src instanceof Float32Array ? new Float32Array(shape[0] * mg * jh * jw) : new Uint16Array(shape[0] * mg * jh * jw);
  for (let gi = 0; gi < group; gi++)
    for (let c = 0; c < cg; c++)
      for (let rh = 0; rh < sh; rh++)
        for (let rw = 0; rw < sw; rw++) {
          const outC = ((gi * cg + c) * sh + rh) * sw + rw;
          for (let mo = 0; mo < mg; mo++)
            for (let a = 0; a < jh; a++) {
              const ty = rh + sh * (jh - 1 - a);
              if (ty >= kh) continue;
              for (let b = 0; b < jw; b++) {
                const tx = rw + sw * (jw - 1 - b);
                if (tx >= kw) continue;
                dst[((outC * mg + mo) * jh + a) * jw + b] = src[(((gi * mg + mo) * cg + c) * kh + ty) * kw + tx];
              }
            }
        }
  const g = w.graph;
  const name = `${source.name}_adjoint`;
  if (source.dtype === 'float32') return g.initializer(name, dst as ConstData, shape, 'float32');
  return g.apply(castPrimitive, [g.initializer(name, dst as ConstData, shape, 'float16')], { to: ONNX_DTYPE.float32 })[0];
}
