// Reverse-mode autodiff over the builder's nodes: the input gradients of a scalar output.
// Rules live with their primitives (ops/*.ts); this driver orders the nodes, calls the rules,
// un-broadcasts once, and accumulates gradients of tensors used more than once.
import { type Graph, type Node, type Shape, type Tensor } from './graph.ts';
import { add, div } from './ops/elementwise.ts';
import { reduceSum } from './ops/reduce.ts';
import { expand, reshape } from './ops/shape.ts';
import { sameShape } from './ops/util.ts';

/** Nodes on a gradient path to `y`, inputs before users (iterative DFS, inputs in order). */
function gradientTape(y: Tensor): Node[] {
  const order: Node[] = [];
  const state = new Map<Node, 'open' | 'done'>();
  if (!y.producer) return order;
  const stack: { node: Node; next: number }[] = [{ node: y.producer, next: 0 }];
  state.set(y.producer, 'open');
  while (stack.length) {
    const top = stack[stack.length - 1];
    const input = top.node.inputs[top.next++];
    if (top.next > top.node.inputs.length) {
      stack.pop();
      state.set(top.node, 'done');
      order.push(top.node);
      continue;
    }
    const p = input?.requiresGrad ? input.producer : null;
    if (p && !state.has(p)) {
      state.set(p, 'open');
      stack.push({ node: p, next: 0 });
    }
  }
  return order;
}

/** Sums a gradient of a broadcast result back to the operand's shape. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const extra = g.rank - shape.length;
  if (extra < 0) throw new Error(`unbroadcast: gradient ${g} has lower rank than [${shape.join(',')}]`);
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    const target = i < extra ? 1 : shape[i - extra];
    if (i < extra || (target === 1 && d !== 1)) axes.push(i);
    else if (target !== d) throw new Error(`unbroadcast: gradient ${g} does not reduce to [${shape.join(',')}]`);
  });
  return reshape(axes.length ? reduceSum(g, axes, true) : g, shape);
}

/**
 * Appends the ops of d`y`/d`wrt` for a scalar float `y`; returns one gradient per `wrt`.
 * `seed` scales them all (seed * dy/dx): loss scaling for half-precision backward passes.
 */
export function gradients(y: Tensor, wrt: readonly Tensor[], seed = 1): Tensor[] {
  if (y.size !== 1 || y.dtype !== 'float32') throw new Error(`gradients: output must be a float32 scalar, got ${y}`);
  for (const x of wrt) {
    if (!x.requiresGrad) throw new Error(`gradients: ${x} was not created with requiresGrad`);
  }
  const graph = y.graph;
  const grads = new Map<Tensor, Tensor>();
  grads.set(y, expand(graph.scalar(seed), y.shape));
  const tape = gradientTape(y);
  for (let n = tape.length - 1; n >= 0; n--) {
    const node = tape[n];
    const gradOut = node.outputs.map((o) => grads.get(o) ?? null);
    if (gradOut.every((g) => g === null)) continue;
    const rule = node.op.backward;
    if (rule === 'none') continue;
    if (!rule) throw new Error(`No gradient rule for op ${node.op.type} (node ${node.name}, output ${node.outputs[0]})`);
    const needs = node.inputs.map((t) => !!t?.requiresGrad);
    const inGrads = rule({ node, inputs: node.inputs, outputs: node.outputs, attrs: node.attrs, needs }, gradOut);
    if (inGrads.length < node.inputs.length) {
      throw new Error(`Gradient rule of ${node.op.type} returned ${inGrads.length} gradients for ${node.inputs.length} inputs`);
    }
    node.inputs.forEach((input, i) => {
      const g = inGrads[i];
      if (!input || !needs[i] || !g) return;
      const shaped = unbroadcast(g, input.shape);
      const prev = grads.get(input);
      grads.set(input, prev ? add(prev, shaped) : shaped);
    });
  }
  return wrt.map((x) => {
    const g = grads.get(x);
    if (!g) throw new Error(`gradients: ${y} does not depend on ${x}`);
    return g;
  });
}

/**
 * Adds outputs `grad_<name>` for every graph input created with requiresGrad. With `scale`,
 * the backward pass carries scale * gradient and the outputs divide it out again (loss
 * scaling: keeps small gradients in float16's range; the division runs in float32).
 */
export function appendInputGradients(graph: Graph, y: Tensor, scale = 1): Tensor[] {
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`appendInputGradients: scale must be a positive number, got ${scale}`);
  const wrt = graph.inputs.filter((t) => t.requiresGrad);
  if (wrt.length === 0) throw new Error('appendInputGradients: no graph input has requiresGrad');
  return gradients(y, wrt, scale).map((g, i) => graph.output(scale === 1 ? g : div(g, scale), `grad_${wrt[i].name}`));
}
