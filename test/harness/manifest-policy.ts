// manifest.json's networkAccess.allowedDomains as Figma enforces it: the plugin window's
// Content-Security-Policy, checked on every request and every redirect hop. The harness
// (host.ts) puts this policy on the UI document, read from the manifest file itself; the Node
// tests use the same matcher to check which hosts the manifest lets through.

export interface ManifestNetworkAccess {
  allowedDomains: string[];
  reasoning?: string;
}

/** The manifest's allowedDomains, checked: a list of strings, or ['none']. */
export function readAllowedDomains(manifest: unknown): string[] {
  const domains = (manifest as { networkAccess?: Partial<ManifestNetworkAccess> } | null)?.networkAccess?.allowedDomains;
  if (!Array.isArray(domains) || !domains.every((d) => typeof d === 'string' && d.length > 0)) {
    throw new Error('manifest.json has no networkAccess.allowedDomains list of strings');
  }
  return domains;
}

/**
 * The `connect-src` directive Figma derives from allowedDomains ("none" allows nothing). Only
 * connect-src: fetches are what the list governs; the UI's own bundle loads no other URL.
 */
export function connectSrcPolicy(domains: readonly string[]): string {
  const sources = domains.includes('none') ? ["'none'"] : domains;
  return `connect-src ${sources.join(' ')}`;
}

/**
 * Whether `url` matches one allowedDomains entry, by CSP host-source rules: an optional scheme,
 * a host whose leading `*.` matches one or more labels (not the bare domain), and an optional
 * path (a trailing `/` matches the prefix, otherwise the exact path).
 */
export function allowedBy(domains: readonly string[], url: string): boolean {
  const target = new URL(url);
  return domains.some((entry) => {
    const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^/:*]+)(\/.*)?$/i.exec(entry);
    if (!m) return false;
    const [, scheme, wildcard, host, path] = m;
    if (scheme ? `${scheme.toLowerCase()}:` !== target.protocol : target.protocol !== 'https:') return false;
    const hostOk = wildcard ? target.hostname.endsWith(`.${host.toLowerCase()}`) : target.hostname === host.toLowerCase();
    const pathOk = !path || (path.endsWith('/') ? target.pathname.startsWith(path) : target.pathname === path);
    return hostOk && pathOk;
  });
}
