// OpenAPI-style path templates ("/repos/{owner}/{repo}"), shared by the contract checker and the emulator's router
// so both agree on which operation a request path means.

type Segment = { literal: string } | { param: string };

export interface PathTemplate {
  readonly text: string;
  readonly segments: readonly Segment[];
}

export function compileTemplate(text: string): PathTemplate {
  const segments = splitPath(text).map((part): Segment => {
    const param = /^\{([^}]+)\}$/.exec(part)?.[1];
    return param === undefined ? { literal: part } : { param };
  });
  return { text, segments };
}

/** Raw (still URL-encoded) segments of a path, without the query string. */
export function splitPath(path: string): string[] {
  const withoutQuery = path.split('?')[0] ?? '';
  return withoutQuery.replace(/^\/+/, '').split('/');
}

/** Decoded parameter values when the path fits the template, else undefined. */
export function matchTemplate(template: PathTemplate, path: string): Record<string, string> | undefined {
  const parts = splitPath(path);
  if (parts.length !== template.segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of template.segments.entries()) {
    const part = parts[index] ?? '';
    if ('literal' in segment) {
      if (part !== segment.literal) return undefined;
      continue;
    }
    // Environment and secret names arrive percent-encoded; a malformed escape simply does not match.
    const decoded = safeDecode(part);
    if (decoded === undefined || decoded === '') return undefined;
    params[segment.param] = decoded;
  }
  return params;
}

/**
 * The most specific template that fits: at the first segment where two candidates differ, a literal beats a
 * parameter, so "/tokens/verify" wins over "/tokens/{token_id}" whatever the declaration order.
 */
export function bestMatch<T>(
  candidates: Iterable<T>,
  templateOf: (candidate: T) => PathTemplate,
  path: string
): { candidate: T; params: Record<string, string> } | undefined {
  let best: { candidate: T; params: Record<string, string> } | undefined;
  for (const candidate of candidates) {
    const params = matchTemplate(templateOf(candidate), path);
    if (!params) continue;
    if (!best || moreSpecific(templateOf(candidate), templateOf(best.candidate)))
      best = { candidate, params };
  }
  return best;
}

function moreSpecific(a: PathTemplate, b: PathTemplate): boolean {
  for (const [index, segment] of a.segments.entries()) {
    const other = b.segments[index];
    if (!other) return false;
    const aLiteral = 'literal' in segment;
    const bLiteral = 'literal' in other;
    if (aLiteral !== bLiteral) return aLiteral;
  }
  return false;
}

function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
