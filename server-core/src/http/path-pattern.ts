/** `/plugins/:name/enable` style patterns: literal segments and `:param` segments. */
export interface PathPattern {
  readonly source: string;
  match(path: string): Record<string, string> | undefined;
}

export function compilePath(pattern: string): PathPattern {
  if (!pattern.startsWith('/')) throw new Error(`a route path starts with "/" (got "${pattern}")`);
  const segments = splitPath(pattern);
  return {
    source: pattern,
    match(path) {
      const parts = splitPath(path);
      if (parts.length !== segments.length) return undefined;
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i];
        if (segment.startsWith(':')) params[segment.slice(1)] = parts[i];
        else if (segment !== parts[i]) return undefined;
      }
      return params;
    },
  };
}

/** Decoded segments without empty ones, so `/a//b/` and `/a/b` are the same path. */
export function splitPath(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}
