// Modules that build.mjs provides: binary assets inlined as bytes (esbuild `binary` loader)
// and the engine worker bundled to a string (see build.mjs, plugin engine-worker).
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module '*.bin' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module 'sketchify:engine-worker' {
  const source: string;
  export default source;
}
