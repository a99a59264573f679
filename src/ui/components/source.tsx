// The source: a thumbnail of exactly what the user sees of the image, or what to select.
import { Text } from '@create-figma-plugin/ui';
import { useEffect, useRef } from 'preact/hooks';
import { selection, subject } from '../state.ts';

function Thumbnail() {
  const ref = useRef<HTMLCanvasElement>(null);
  const subj = subject.value;
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !subj) return;
    const side = 48 * (window.devicePixelRatio || 1);
    const k = side / Math.max(subj.image.width, subj.image.height);
    canvas.width = Math.max(1, Math.round(subj.image.width * k));
    canvas.height = Math.max(1, Math.round(subj.image.height * k));
    canvas.getContext('2d')?.drawImage(subj.canvas, 0, 0, canvas.width, canvas.height);
  }, [subj]);
  return <canvas ref={ref} class="thumb" data-testid="thumbnail" />;
}

export function Source() {
  const sel = selection.value;
  const subj = subject.value;
  if (!sel) return <div class="source muted">Waiting for Figma…</div>;
  if (sel.status === 'problem' || !subj) {
    const message = sel.status === 'problem' ? sel.message : 'Reading the image…';
    return (
      <div class="source empty" data-testid="empty-state">
        <div class="empty-art" aria-hidden="true">
          <svg viewBox="0 0 40 32" width="40" height="32">
            <rect x="1" y="1" width="38" height="30" rx="3" fill="none" stroke="currentColor" stroke-dasharray="3 2" />
            <path
              d="M6 25 C 12 12, 18 12, 22 20 S 30 24, 34 8"
              fill="none"
              stroke="currentColor"
              stroke-width="1.5"
              stroke-linecap="round"
            />
          </svg>
        </div>
        <div>
          <Text>
            <strong>{message}</strong>
          </Text>
          <Text>
            Select a layer with an image fill (a photo works best). Sketchify draws it with a few lines and places them over the image.
          </Text>
        </div>
      </div>
    );
  }
  return (
    <div class="source" data-testid="source">
      <Thumbnail />
      <div class="source-text">
        <Text>
          <strong>{subj.source.nodeName || 'Image'}</strong>
        </Text>
        <Text>
          {subj.image.width} × {subj.image.height} px sketched ({subj.source.paint.scaleMode.toLowerCase()})
        </Text>
      </div>
    </div>
  );
}
