// The two APIs format times differently; keeping both here stops a handler from mixing them up.

/** Cloudflare: RFC 3339 UTC with milliseconds, e.g. 2026-01-01T00:00:00.000Z. */
export function cloudflareTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** GitHub: ISO 8601 UTC without fractional seconds, e.g. 2026-01-01T00:00:00Z. */
export function githubTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses an RFC 3339 timestamp into epoch ms, or undefined when it is not one. */
export function parseTimestamp(value: unknown): number | undefined {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)
  ) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
