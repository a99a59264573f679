// Every primitive and op function, for `import * as nn from '.../nn/ops/index.ts'`.
export * from './conv.ts';
export * from './elementwise.ts';
export * from './linear.ts';
export * from './reduce.ts';
export * from './shape.ts';
