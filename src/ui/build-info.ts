// Which build of the UI this window runs: build.mjs stamps the id (a digest of dist/ui.html)
// and the file's exact size into the bundle, so a user can tell us what Figma loaded.

declare const __SKETCHIFY_UI_BUILD__: string | undefined;

export interface UiBuild {
  /** 12 hex digits of the SHA-256 of dist/ui.html; 'unbuilt' outside build.mjs (tests). */
  id: string;
  /** Bytes of dist/ui.html; null outside build.mjs. */
  bytes: number | null;
}

export function uiBuild(
  stamp: string | undefined = typeof __SKETCHIFY_UI_BUILD__ === 'string' ? __SKETCHIFY_UI_BUILD__ : undefined,
): UiBuild {
  const m = stamp && /^sketchify-ui:([0-9a-f]{12}):(\d{10})$/.exec(stamp);
  return m ? { id: m[1], bytes: Number(m[2]) } : { id: 'unbuilt', bytes: null };
}
