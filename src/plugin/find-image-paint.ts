// The image paint the user sees on a node: the topmost visible IMAGE fill (Figma draws the
// last paint on top), or why there is none.

export type ImagePaintLookup = { kind: 'visible'; paint: ImagePaint } | { kind: 'hidden' } | { kind: 'none' };

export function findImagePaint(node: SceneNode): ImagePaintLookup {
  if (!('fills' in node)) return { kind: 'none' };
  const fills = node.fills;
  if (typeof fills === 'symbol' || !Array.isArray(fills)) return { kind: 'none' }; // figma.mixed (text ranges)
  let hidden = false;
  for (let i = fills.length - 1; i >= 0; i--) {
    const paint = fills[i] as Paint;
    if (paint.type !== 'IMAGE' || !paint.imageHash) continue;
    if (paint.visible === false || paint.opacity === 0) {
      hidden = true;
      continue;
    }
    return { kind: 'visible', paint };
  }
  return hidden ? { kind: 'hidden' } : { kind: 'none' };
}
