// The live preview: the strokes over a faint copy of the photo (toggleable), redrawn whenever
// new strokes arrive. Strokes are in subject units; the 224 canvas spans the longer side.
import { useEffect, useRef } from 'preact/hooks';
import { colorHex, live, showPhoto, strokeWidth, subject } from '../state.ts';

const PHOTO_ALPHA = 0.22;
const CANVAS_SIZE = 224;

export function drawSketch(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  unitPoints: Float32Array | null,
  photo: OffscreenCanvas | null,
  color: string,
  width: number,
): void {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  if (photo) {
    ctx.globalAlpha = PHOTO_ALPHA;
    ctx.drawImage(photo, 0, 0, w, h);
    ctx.globalAlpha = 1;
  }
  if (!unitPoints) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = (width * Math.max(w, h)) / CANVAS_SIZE;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  for (let i = 0; i + 7 < unitPoints.length; i += 8) {
    const p = (k: number): [number, number] => [unitPoints[i + 2 * k] * w, unitPoints[i + 2 * k + 1] * h];
    ctx.moveTo(...p(0));
    ctx.bezierCurveTo(...p(1), ...p(2), ...p(3));
  }
  ctx.stroke();
}

export function Preview() {
  const ref = useRef<HTMLCanvasElement>(null);
  const subj = subject.value;
  const sketch = live.value;
  const photo = showPhoto.value;
  const color = `#${colorHex.value}`;
  const width = strokeWidth.value;
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !subj) return;
    // Drawn on the next frame: progress that arrives faster than frames costs one draw, and
    // the canvas is only resized (which reallocates it) when its size changes.
    const frame = requestAnimationFrame(() => {
      const ratio = window.devicePixelRatio || 1;
      const cssWidth = canvas.clientWidth || 320;
      const aspect = subj.image.width / subj.image.height;
      const w = Math.round(cssWidth * ratio),
        h = Math.round((cssWidth / aspect) * ratio);
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
      const ctx = canvas.getContext('2d');
      if (ctx) drawSketch(ctx, w, h, sketch?.unitPoints ?? null, photo ? subj.canvas : null, color, width);
    });
    return () => cancelAnimationFrame(frame);
  }, [subj, sketch, photo, color, width]);
  if (!subj) return null;
  return (
    <canvas
      ref={ref}
      class="preview"
      data-testid="preview"
      data-strokes={sketch ? sketch.unitPoints.length / 8 : 0}
      data-iteration={sketch?.iteration ?? -1}
    />
  );
}
