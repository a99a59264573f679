export * from './bezier.ts';
export * from './projective.ts';
export * from './bbox.ts';
