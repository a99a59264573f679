// The contract between the optimizer and every rasterizer backend.
// Coordinates are canvas pixels of the square working canvas (224 for the loss);
// pixel (i, j) has its centre at (i + 0.5, j + 0.5).

export interface RasterScene {
  /** N strokes x 4 cubic control points x (x, y), canvas pixels: length N*8. */
  points: Float32Array;
  /** B views x 9: row-major 3x3 projective maps from canvas to view pixels. Identity = clean view. */
  views: Float32Array;
  /** Output images are size x size. */
  size: number;
  /** Full stroke width in canvas pixels (CLIPasso: 3 at 224). Scaled per view by the map's local scale. */
  width: number;
  /** Half-width in px of the smooth coverage ramp around the stroke edge; default
   * DEFAULT_FALLOFF (1) from scene.ts. Wider = larger basin of attraction, blurrier image. */
  falloff?: number;
}

// Backends: cpu.ts (reference, fallback) and webgpu.ts, which adds a GPU-buffer API for the
// one-device pipeline (forwardToBuffer / backwardFromBuffer, points from a GPUBuffer);
// index.ts re-exports both and picks one (createRasterizer).
export interface Rasterizer {
  readonly backend: 'cpu' | 'webgpu';
  /** Renders B grayscale images, B*size*size, row-major, 1 = white paper, 0 = full ink. */
  forward(scene: RasterScene): Promise<Float32Array>;
  /** dLoss/dPoints (length N*8) for the scene of the last forward(), given dLoss/dImages (B*size*size). */
  backward(gradImages: Float32Array): Promise<Float32Array>;
  /** Releases GPU resources; the rasterizer is unusable afterwards. */
  dispose(): void;
}

export const IDENTITY_VIEW: readonly number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1];
