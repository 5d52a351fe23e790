export type ConfigErrorKind = 'invalid' | 'unreadable' | 'syntax';

/**
 * Why a config could not be used. `message` is the first problem, ready to show a person;
 * `problems` lists all of them (one line each) so an operator can fix a file in one pass.
 */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(
    readonly kind: ConfigErrorKind,
    problems: string[],
    readonly file?: string,
  ) {
    super(problems[0] ?? 'config error');
    this.name = 'ConfigError';
    this.problems = problems.length > 0 ? problems : [this.message];
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}
