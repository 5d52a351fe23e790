/**
 * The names the admin listener answers for. A page on another site whose name was made to
 * resolve to this machine (DNS rebinding) sends its own name in `Host`; refusing it keeps such a
 * page from reading the console or guessing sign-ins from the administrator's own browser.
 */
export interface AllowedHostsOptions {
  domain: string;
  /** The address the listener is bound to; a specific address is a name it answers for. */
  bindHost: string;
  /** Extra names, as `name` (any port) or `name:port` (that port only); `listeners.admin.allowedHosts`. */
  allowedHosts: string[];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** A checker of `Host` headers for a listener bound to `port` (known once it listens). */
export function hostChecker(options: AllowedHostsOptions): (host: string | undefined, port: number) => boolean {
  const ownNames = new Set(['localhost', '127.0.0.1', '[::1]', options.domain.toLowerCase()]);
  if (!WILDCARDS.has(options.bindHost)) ownNames.add(options.bindHost.includes(':') ? `[${options.bindHost.toLowerCase()}]` : options.bindHost.toLowerCase());
  const anyPort = new Set<string>();
  const exact = new Set<string>();
  for (const entry of options.allowedHosts.map((h) => h.toLowerCase())) (/:\d+$/.test(entry) ? exact : anyPort).add(entry);
  return (header, port) => {
    if (!header) return false;
    const host = header.trim().toLowerCase();
    if (exact.has(host)) return true;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    if (!match) return false;
    const [, name, givenPort] = match;
    if (anyPort.has(name)) return true;
    return ownNames.has(name) && (givenPort === undefined || Number(givenPort) === port);
  };
}
