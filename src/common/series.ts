// An abstraction series (Picasso's Bull: the same subject in fewer and fewer strokes), laid
// out side by side. The plugin places the sketches beside the image node; the CLI draws them
// into one SVG. Both use this layout, so a series looks the same in Figma and in a file.

/** The series the plugin's button runs and `sketchify --series` suggests. */
export const SERIES_STROKES = [4, 8, 16, 32] as const;

/** Space between two sketches of a series, in the units of `itemWidth`. */
export function seriesGap(itemWidth: number): number {
  return Math.max(8, itemWidth * 0.05);
}

/** Left edge of slot `slot` (0 = first) for items `itemWidth` wide. */
export function seriesSlotX(slot: number, itemWidth: number): number {
  return slot * (itemWidth + seriesGap(itemWidth));
}

/** Total width of `count` items side by side. */
export function seriesWidth(count: number, itemWidth: number): number {
  return count <= 0 ? 0 : seriesSlotX(count - 1, itemWidth) + itemWidth;
}
