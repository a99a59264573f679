// Whether the window's Content-Security-Policy refused a connection while a download ran.
// Figma turns the manifest's allowedDomains into that policy and applies it to every redirect
// hop; a refused hop reaches fetch only as "Failed to fetch", but the scope hears a
// securitypolicyviolation event, so the UI can say that the plugin was not allowed, not that
// the network failed. For a refused redirect Chromium names the URL the request started at
// (not the redirect's target, which it keeps from the page), so that is what is recorded.
import { DownloadError } from '../../engine/index.ts';

export interface RefusedConnections {
  /** Hosts whose requests connect-src refused (at any hop) since the watch began, without repeats. */
  readonly hosts: string[];
  stop(): void;
}

export function watchRefusedConnections(scope: EventTarget = globalThis): RefusedConnections {
  const hosts: string[] = [];
  const onViolation = (event: Event) => {
    const e = event as SecurityPolicyViolationEvent;
    if (!/^connect-src/.test(e.effectiveDirective || e.violatedDirective)) return;
    let host = e.blockedURI;
    try {
      host = new URL(e.blockedURI).host;
    } catch {
      // 'inline' and the like: keep the text as it is
    }
    if (!hosts.includes(host)) hosts.push(host);
  };
  scope.addEventListener('securitypolicyviolation', onViolation);
  return { hosts, stop: () => scope.removeEventListener('securitypolicyviolation', onViolation) };
}

/** A failed connection to a host the policy refused becomes a 'blocked' DownloadError naming it. */
export function explainRefusal(error: unknown, refused: RefusedConnections): unknown {
  const host = refused.hosts[0];
  if (!host || !(error instanceof DownloadError) || error.kind !== 'network') return error;
  return new DownloadError(
    `${error.message} (the window's network policy refused the request to ${host} or a redirect it led to)`,
    'blocked',
    undefined,
    host,
  );
}
