// Builds the 'selection' payload the sandbox would send for a fixture image placed in a node:
// the encoded bytes plus the paint geometry (FILL: the whole image scaled to the node; CROP:
// a centred crop of the image, as the user would set with the crop tool).
import type { Affine } from '../../src/common/affine.ts';
import type { ImageSource } from '../../src/common/protocol.ts';

export interface FixtureSelection {
  /** File name under test/harness/fixtures without '.png'. */
  fixture: string;
  scaleMode?: 'FILL' | 'CROP';
  /** CROP only: the visible fraction of the image on each axis, centred. */
  crop?: number;
}

export async function buildImageSource({ fixture, scaleMode = 'FILL', crop = 0.6 }: FixtureSelection): Promise<ImageSource> {
  const response = await fetch(`/test/harness/fixtures/${fixture}.png`);
  if (!response.ok) throw new Error(`no fixture ${fixture}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const { width, height } = bitmap;
  bitmap.close();
  const nodeId = `fixture:${fixture}${scaleMode === 'CROP' ? ':crop' : ''}`;
  if (scaleMode === 'CROP') {
    const margin = (1 - crop) / 2;
    // Node unit square -> image unit square (Figma's imageTransform for a centred crop).
    const imageTransform: Affine = [crop, 0, margin, 0, crop, margin];
    const unitToImage: Affine = [crop * width, 0, margin * width, 0, crop * height, margin * height];
    return {
      nodeId,
      nodeName: `${fixture} (cropped)`,
      bytes,
      imageWidth: width,
      imageHeight: height,
      nodeWidth: crop * width,
      nodeHeight: crop * height,
      paint: { scaleMode: 'CROP', rotation: 0, scalingFactor: 1, imageTransform },
      subjectWidth: crop * width,
      subjectHeight: crop * height,
      unitToImage,
    };
  }
  return {
    nodeId,
    nodeName: fixture,
    bytes,
    imageWidth: width,
    imageHeight: height,
    nodeWidth: width,
    nodeHeight: height,
    paint: { scaleMode: 'FILL', rotation: 0, scalingFactor: 1 },
    subjectWidth: width,
    subjectHeight: height,
    unitToImage: [width, 0, 0, 0, height, 0],
  };
}
