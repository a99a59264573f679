// Every size limit of Sketchify in one place: the plugin sandbox, the UI, the engine and the
// CLI all read these, so one limit cannot mean two numbers.

/** px per side, at least: a smaller image holds nothing to sketch. */
export const MIN_IMAGE_SIDE = 16;

/**
 * px per side the engine works on, at most. Figma keeps images at most 4096 px a side, so the
 * plugin refuses larger ones; the CLI downscales a larger photo to this right after decoding,
 * before anything else allocates a full-size buffer.
 */
export const MAX_IMAGE_SIDE = 4096;

/**
 * Pixels the CLI decodes, at most (before downscaling). A decoder holds the whole RGBA image
 * (4 bytes a pixel), so this bounds the CLI's peak memory to a few hundred MB.
 */
export const MAX_DECODE_PIXELS = 50_000_000;

/** Bytes of an encoded image: the plugin's message limit and the largest file the CLI reads. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

/** Strokes in one sketch. */
export const MAX_STROKES = 128;

/** Sketches in one abstraction series (4, 8, 16, 32 needs 4). */
export const MAX_SERIES = 8;
