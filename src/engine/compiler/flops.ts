// Floating-point operation count of a graph's live matrix ops (2 per multiply-add), for
// benchmarks. Elementwise ops are ignored: they are memory-bound and small next to these.
import { liveNodes, type Graph, type Node } from './graph.ts';

function nodeFlops(n: Node): number {
  const [a, b] = n.inputs;
  const out = n.outputs[0];
  switch (n.op.type) {
    case 'Conv': {
      const [, cg, kh, kw] = b!.shape;
      return 2 * out.size * cg * kh * kw;
    }
    case 'ConvTranspose': {
      const [, mg, kh, kw] = b!.shape;
      return 2 * a!.size * mg * kh * kw;
    }
    case 'MatMul':
      return 2 * out.size * a!.shape[a!.rank - 1];
    case 'Gemm':
      return 2 * out.size * (n.attrs.transA ? a!.shape[0] : a!.shape[1]);
    default:
      return 0;
  }
}

/** FLOPs of the nodes that feed the graph's outputs. */
export function countFlops(graph: Graph): number {
  let total = 0;
  for (const n of liveNodes(graph)) total += nodeFlops(n);
  return total;
}
