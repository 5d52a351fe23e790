/** What went wrong with a plugin operation, so the admin API and CLI can answer precisely. */
export type PluginErrorKind = 'not-found' | 'invalid-config' | 'load-failed' | 'already-installed' | 'start-failed' | 'not-loaded' | 'in-use';

export interface ConfigIssue {
  /** Dotted path inside the plugin's config, e.g. "servers.0.port" ("" for the whole config). */
  field: string;
  message: string;
}

export class PluginError extends Error {
  constructor(
    readonly kind: PluginErrorKind,
    message: string,
    readonly issues: ConfigIssue[] = [],
  ) {
    super(message);
    this.name = 'PluginError';
  }
}
