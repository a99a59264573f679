// One line under the progress on what the strokes draw, when the user should know it or can
// do something about it.
import type { WireSubject } from './engine/protocol.ts';

export function focusHint(focus: WireSubject | null): string | null {
  if (!focus) return null;
  if (focus.source === 'alpha') return 'Only the subject is sketched: the transparent background is left out.';
  if (focus.busy) return 'Busy background: removing it first (Figma’s Remove background) gives cleaner sketches.';
  return null;
}
