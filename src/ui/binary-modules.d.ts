// Binary assets inlined by build.mjs (esbuild `binary` loader): the import is the file's bytes.
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module '*.bin' {
  const bytes: Uint8Array;
  export default bytes;
}
