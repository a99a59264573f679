// Shape helpers shared by the primitives.
import type { Shape, Tensor } from '../graph.ts';

/** Numpy-style broadcast of two shapes; throws naming the op on a mismatch. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    }
    out.push(Math.max(da, db));
  }
  return out;
}

export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${op}: axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** The int64 values of a constant input (shapes, axes); ops need them for static shapes. */
export function constInts(op: string, t: Tensor | null, what: string): number[] {
  if (!t) throw new Error(`${op}: missing ${what}`);
  if (t.dtype !== 'int64' || !(t.value instanceof BigInt64Array)) {
    throw new Error(`${op}: ${what} must be an int64 constant (static shapes), got ${t}`);
  }
  return Array.from(t.value, Number);
}

export function requireFloat(op: string, ...ts: (Tensor | null)[]): void {
  for (const t of ts) {
    if (t && t.dtype !== 'float32') throw new Error(`${op}: expects float32 tensors, got ${t}`);
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
