// The hosted window's first script (inlined in dist/web/index.html, before the UI bundle
// loads): it tells the sandbox at once that the page is up, so a slow first download of the
// bundle is not taken for a dead window (src/plugin/window-mode.ts).
import { hostedWindowFromHash, WINDOW_LOADING_SIGNAL } from '../common/iframe-transport.ts';

const hosted = hostedWindowFromHash(location.hash);
if (hosted && window.parent !== window) {
  window.parent.postMessage({ pluginMessage: { signal: WINDOW_LOADING_SIGNAL }, pluginId: hosted.pluginId }, hosted.parentOrigin);
}
