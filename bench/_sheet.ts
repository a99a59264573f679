// Contact sheets: rows of size x size cells (3 CHW planes = colour, 1 plane = gray) as one PNG.
import { PNG } from 'pngjs';

export function sheetPng(cells: Float32Array[][], size: number, gap = 4): Uint8Array {
  const cols = Math.max(...cells.map((r) => r.length));
  const width = cols * size + (cols + 1) * gap,
    height = cells.length * size + (cells.length + 1) * gap;
  const png = new PNG({ width, height });
  png.data.fill(255);
  cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      const channels = cell.length / (size * size);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const o = 4 * ((gap + r * (size + gap) + y) * width + gap + c * (size + gap) + x);
          for (let k = 0; k < 3; k++) png.data[o + k] = Math.round(255 * cell[(channels === 3 ? k * size * size : 0) + y * size + x]);
        }
      }
    }),
  );
  return new Uint8Array(PNG.sync.write(png));
}
