// Tells the UI when the selected sketch group changes under it (a stroke moved, reshaped or
// deleted while the plugin is open), so Refine starts from the drawing as it is. Per page
// ('nodechange'): the plugin's dynamic page access gives no document-wide event without
// loading every page.

import { RECORD_KEY } from './sketch-record.ts';

/** Calls `onChange`, at most once per `delayMs`, after the selected recorded sketch or one of its children changed. */
export function watchSelectedSketch(onChange: () => void, delayMs = 150): () => void {
  let page = figma.currentPage;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onNodeChange = (event: NodeChangeEvent) => {
    const selection = figma.currentPage.selection;
    if (selection.length !== 1 || !selection[0].getPluginData(RECORD_KEY)) return;
    const group = selection[0];
    const ids = new Set([group.id, ...('children' in group ? group.children.map((c) => c.id) : [])]);
    // A deleted stroke is no longer among the children: any deletion may have been one.
    if (!event.nodeChanges.some((c) => ids.has(c.id) || c.type === 'DELETE')) return;
    timer ??= setTimeout(() => {
      timer = undefined;
      onChange();
    }, delayMs);
  };
  const onPageChange = () => {
    page.off('nodechange', onNodeChange);
    page = figma.currentPage;
    page.on('nodechange', onNodeChange);
  };
  page.on('nodechange', onNodeChange);
  figma.on('currentpagechange', onPageChange);
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    page.off('nodechange', onNodeChange);
    figma.off('currentpagechange', onPageChange);
  };
}
