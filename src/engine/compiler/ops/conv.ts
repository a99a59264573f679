// Conv (incl. grouped/depthwise) and ConvTranspose with their input gradients. The two are
// one module because each one's gradient is the other (or itself): Conv's backward is the
// adjoint below, built from Conv and ConvTranspose nodes. Weights are frozen: asking for a
// Conv weight gradient is an error.
import { castPrimitive, ONNX_DTYPE, type Attrs, type BackwardContext, type ConstData, type Primitive, type Tensor } from '../graph.ts';
import { reshape, slice, transpose } from './shape.ts';
import { requireFloat } from './util.ts';

export interface ConvOptions {
  strides?: readonly number[];
  /** [top, left, bottom, right] */
  pads?: readonly number[];
  dilations?: readonly number[];
  group?: number;
}

export interface ConvGeometry {
  strides: number[];
  pads: number[];
  dilations: number[];
  group: number;
}

/** Strides, pads, dilations and group of a Conv, ConvTranspose or pool node, checked for 2-D. */
export function convGeometry(op: string, attrs: Attrs): ConvGeometry {
  const strides = (attrs.strides as number[] | undefined) ?? [1, 1];
  const pads = (attrs.pads as number[] | undefined) ?? [0, 0, 0, 0];
  const dilations = (attrs.dilations as number[] | undefined) ?? [1, 1];
  const group = (attrs.group as number | undefined) ?? 1;
  if (strides.length !== 2 || pads.length !== 4 || dilations.length !== 2) {
    throw new Error(`${op}: 2-D only (strides [sh,sw], pads [t,l,b,r], dilations [dh,dw])`);
  }
  return { strides, pads, dilations, group };
}

export const Conv: Primitive = {
  type: 'Conv',
  attrs: { strides: 'ints', pads: 'ints', dilations: 'ints', group: 'int', kernel_shape: 'ints' },
  infer([x, w, b], attrs) {
    requireFloat('Conv', x, w, b);
    const { strides, pads, dilations, group } = convGeometry('Conv', attrs);
    if (x!.rank !== 4 || w!.rank !== 4) throw new Error(`Conv: expects NCHW input and OIHW weight, got ${x} and ${w}`);
    const [n, c, h, wd] = x!.shape;
    const [m, cg, kh, kw] = w!.shape;
    if (c % group || m % group || cg !== c / group) {
      throw new Error(`Conv: input ${x} with group ${group} does not fit weight ${w}`);
    }
    if (b && (b.rank !== 1 || b.shape[0] !== m)) throw new Error(`Conv: bias ${b} must be [${m}]`);
    const ho = Math.floor((h + pads[0] + pads[2] - ((kh - 1) * dilations[0] + 1)) / strides[0]) + 1;
    const wo = Math.floor((wd + pads[1] + pads[3] - ((kw - 1) * dilations[1] + 1)) / strides[1]) + 1;
    if (ho < 1 || wo < 1) throw new Error(`Conv: kernel ${w} larger than padded input ${x}`);
    return [{ shape: [n, m, ho, wo], dtype: 'float32' }];
  },
  // dX = the adjoint conv; see convInputGradient.
  backward({ inputs: [x, w, b], attrs, needs }: BackwardContext, [g]) {
    if (needs[1] || (b && needs[2])) throw new Error('Conv: weight/bias gradients are not supported (weights are frozen)');
    return [convInputGradient(g!, w!, convGeometry('Conv', attrs), x!.shape), null, null];
  },
};

export function conv(x: Tensor, w: Tensor, b: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return x.graph.apply(Conv, b ? [x, w, b] : [x, w], convAttrs(options))[0];
}

function convAttrs(o: ConvOptions & { outputPadding?: readonly number[] }): Attrs {
  const attrs: Attrs = {};
  if (o.strides) attrs.strides = [...o.strides];
  if (o.pads) attrs.pads = [...o.pads];
  if (o.dilations) attrs.dilations = [...o.dilations];
  if (o.group && o.group !== 1) attrs.group = o.group;
  if (o.outputPadding && o.outputPadding.some((p) => p !== 0)) attrs.output_padding = [...o.outputPadding];
  return attrs;
}

export const ConvTranspose: Primitive = {
  type: 'ConvTranspose',
  attrs: { strides: 'ints', pads: 'ints', dilations: 'ints', group: 'int', output_padding: 'ints', kernel_shape: 'ints' },
  infer([x, w, b], attrs) {
    requireFloat('ConvTranspose', x, w, b);
    const { strides, pads, dilations, group } = convGeometry('ConvTranspose', attrs);
    const op = (attrs.output_padding as number[] | undefined) ?? [0, 0];
    if (x!.rank !== 4 || w!.rank !== 4) throw new Error(`ConvTranspose: expects NCHW input and IOHW weight, got ${x} and ${w}`);
    const [n, c, h, wd] = x!.shape;
    const [ci, mg, kh, kw] = w!.shape;
    if (ci !== c || c % group) throw new Error(`ConvTranspose: input ${x} does not fit weight ${w} with group ${group}`);
    if (op[0] >= Math.max(strides[0], dilations[0]) || op[1] >= Math.max(strides[1], dilations[1])) {
      throw new Error(`ConvTranspose: output_padding [${op.join(',')}] must be below stride or dilation`);
    }
    const ho = strides[0] * (h - 1) + op[0] + (kh - 1) * dilations[0] + 1 - pads[0] - pads[2];
    const wo = strides[1] * (wd - 1) + op[1] + (kw - 1) * dilations[1] + 1 - pads[1] - pads[3];
    return [{ shape: [n, mg * group, ho, wo], dtype: 'float32' }];
  },
  // The adjoint of ConvTranspose is Conv with the same weight and geometry.
  backward({ inputs: [, w, b], attrs, needs }, [g]) {
    if (needs[1] || (b && needs[2])) throw new Error('ConvTranspose: weight/bias gradients are not supported (weights are frozen)');
    const { strides, pads, dilations, group } = convGeometry('ConvTranspose', attrs);
    return [conv(g!, w!, null, { strides, pads, dilations, group }), null, null];
  },
};

export function convTranspose(
  x: Tensor,
  w: Tensor,
  options: ConvOptions & { outputPadding?: readonly number[] } = {},
  b: Tensor | null = null,
): Tensor {
  return x.graph.apply(ConvTranspose, b ? [x, w, b] : [x, w], convAttrs(options))[0];
}

// The input gradient (adjoint) of a 2-D convolution with a frozen weight, as ordinary Convs
// (ORT's Conv kernels are much faster than its ConvTranspose, above all for depthwise):
// - stride 1: Conv of the gradient with the spatially flipped, in/out-swapped weight;
// - stride s > 1 (dilation 1, not depthwise): sub-pixel form. Input row i receives gradient only from taps
//   t = r + s*j of phase r = (i + pad) mod s, so each of the s*s phases is a stride-1 Conv of
//   the small gradient with a ceil(k/s)-tap sub-kernel; one Conv computes all phases as
//   extra channels and DepthToSpace (Reshape-Transpose-Reshape) interleaves them.
// Strided depthwise convs, non-constant weights, and stride-1 padding beyond the kernel's
// reach use ConvTranspose with output_padding restoring rows a strided conv never read.
export function convInputGradient(g: Tensor, w: Tensor, geo: ConvGeometry, inputShape: readonly number[]): Tensor {
  const [, , h, wd] = inputShape;
  const [, , kh, kw] = w.shape;
  const [n, , ho, wo] = g.shape;
  const [sh, sw] = geo.strides;
  const [dh, dw] = geo.dilations;
  const reachH = (kh - 1) * dh;
  const reachW = (kw - 1) * dw;
  const outputPadding = [
    h - (sh * (ho - 1) + reachH + 1 - geo.pads[0] - geo.pads[2]),
    wd - (sw * (wo - 1) + reachW + 1 - geo.pads[1] - geo.pads[3]),
  ];
  const fallback = (): Tensor => convTranspose(g, w, { ...geo, outputPadding });
  const source = frozenSource(w);
  if (!source) return fallback();

  if (sh === 1 && sw === 1) {
    const pads = [
      reachH - geo.pads[0],
      reachW - geo.pads[1],
      reachH - geo.pads[2] + outputPadding[0],
      reachW - geo.pads[3] + outputPadding[1],
    ];
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
  const dst: Float32Array | Uint16Array =
    src instanceof Float32Array ? new Float32Array(shape[0] * mg * jh * jw) : new Uint16Array(shape[0] * mg * jh * jw);
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
