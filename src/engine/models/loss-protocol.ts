// The messages between the engine and a loss worker (remote-loss-model.ts), with their schemas:
// the engine asks, the loss worker answers. The server checks requests against its model's
// exact sizes and tap names (lossRequests(model)); the client, which learns them only from the
// handshake, checks replies against the same table without a shape, then each reply's sizes
// against its request (remote-loss-model.ts).

import type { MapOf } from '../../common/rpc/endpoint.ts';
import { anyNumber, array, empty, float32, num, object, optional, record, str, type Schema } from '../../common/rpc/schema.ts';
import type { LossResult, LossWeights, TargetFeatures } from './types.ts';

export const LOSS_PROTOCOL = 'sketchify-loss/1';

/** Most images in one request: seeds x (1 + views) is at most 8 x 17. */
const MAX_BATCH = 256;
const MAX_SIZE = 4096;
const MAX_TENSORS = 64;
const MAX_NAME = 200;
/** Most values in one tensor: a batch of the largest images. */
const MAX_VALUES = MAX_BATCH * 3 * MAX_SIZE * MAX_SIZE;

/** What the client learns of the model from the handshake. */
export interface ModelInfo {
  id: string;
  size: number;
  taps: string[];
  defaultWeights: LossWeights;
  runtime?: string;
}

/** The sizes and names a server checks requests against. */
type Shape = Pick<ModelInfo, 'size'> & { taps: readonly string[] };

const finite = num({ min: -Infinity, max: Infinity });
const batchSchema = num({ min: 1, max: MAX_BATCH, integer: true });
const values = (length?: number) => (length === undefined ? float32({ max: MAX_VALUES }) : float32({ length }));

function weightsSchema(taps?: readonly string[]): Schema<LossWeights> {
  return object({ geometric: record(finite, { max: MAX_TENSORS, keys: taps }), semantic: finite });
}

/** Target features: every tensor holds a positive multiple of the batch's values. */
const targetsByBatch = new Map<number, Schema<TargetFeatures>>();
const targetsSchema: Schema<TargetFeatures> = (v, path) => {
  const batch = typeof v === 'object' && v !== null ? (v as { batch?: unknown }).batch : undefined;
  // A bad batch is reported by its own field, checked first.
  const b = typeof batch === 'number' && Number.isInteger(batch) && batch >= 1 && batch <= MAX_BATCH ? batch : 1;
  let schema = targetsByBatch.get(b);
  if (!schema)
    targetsByBatch.set(
      b,
      (schema = object({ batch: batchSchema, tensors: record(float32({ min: b, max: MAX_VALUES, multipleOf: b }), { max: MAX_TENSORS }) })),
    );
  return schema(v, path);
};

function targetFeaturesRequest(shape?: Shape): Schema<{ batch: number; images: Float32Array }> {
  const fields = object({ batch: batchSchema, images: values() });
  return (v, path) => {
    const m = fields(v, path);
    if (shape) values(m.batch * 3 * shape.size * shape.size)(m.images, `${path}.images`);
    return m;
  };
}

function lossRequest(shape?: Shape): Schema<{ views: Float32Array; targets: TargetFeatures; weights: LossWeights }> {
  const fields = object({ views: values(), targets: targetsSchema, weights: weightsSchema(shape?.taps) });
  return (v, path) => {
    const m = fields(v, path);
    if (shape) values(m.targets.batch * shape.size * shape.size)(m.views, `${path}.views`);
    return m;
  };
}

const infoSchema: Schema<ModelInfo> = object({
  id: str({ max: MAX_NAME, min: 1 }),
  size: num({ min: 1, max: MAX_SIZE, integer: true }),
  taps: array(str({ max: MAX_NAME, min: 1 }), { max: MAX_TENSORS }),
  defaultWeights: weightsSchema(),
  runtime: optional(str({ max: MAX_NAME })),
});

/** A loss may be NaN or infinite (a diverged run): it still crosses. */
const lossResultSchema: Schema<LossResult> = object({
  loss: anyNumber,
  terms: record(anyNumber, { max: MAX_TENSORS + 1 }),
  grad: values(),
});

/** The engine's requests of a loss worker; given the model's shape, checked exactly against it. */
export function lossRequests(shape?: Shape) {
  const plane = shape ? shape.size * shape.size : undefined;
  return {
    /** The handshake: the model's description. */
    hello: { request: empty, response: infoSchema },
    targetFeatures: { request: targetFeaturesRequest(shape), response: targetsSchema },
    lossAndGradient: { request: lossRequest(shape), response: lossResultSchema },
    saliency: { request: object({ image: values(plane === undefined ? undefined : 3 * plane) }), response: values(plane) },
    dispose: { request: empty, response: empty },
  };
}

export type LossRequests = MapOf<ReturnType<typeof lossRequests>>;
