// Modules that build.mjs provides: binary assets (the single-file window inlines their bytes
// with esbuild's `binary` loader; the dist/web site makes them hashed files and the import a
// descriptor: src/ui/worker/assets.ts) and the engine worker bundled to a string.
declare module '*.wasm' {
  const asset: Uint8Array | { file: string; sha256: string; bytes: number };
  export default asset;
}
declare module '*.bin' {
  const asset: Uint8Array | { file: string; sha256: string; bytes: number };
  export default asset;
}
declare module 'sketchify:engine-worker' {
  const source: string;
  export default source;
}
