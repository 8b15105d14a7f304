import { InputError } from '../errors.js';

/** Milliseconds per unit of Go's `time.ParseDuration`, the format Cloudflare uses. */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000
};

const SEGMENT = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go duration (`300ms`, `2h45m`, `8760h`) into milliseconds. Signs are rejected: no input here
 * means anything with a negative duration. Returns undefined when the text is not a duration.
 */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  let total = 0;
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < text.length) {
    const match = SEGMENT.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return total;
}

/** A token validity; `text` is sent to Cloudflare as the user wrote it. */
export type TokenDuration =
  | { readonly forever: true; readonly text: 'forever' }
  | { readonly forever: false; readonly ms: number; readonly text: string };

/** A token validity: a positive Go duration or `forever`. */
export function parseTokenDuration(input: string, value: string): TokenDuration {
  if (value === 'forever') return { forever: true, text: 'forever' };
  const ms = parseGoDuration(value);
  if (ms === undefined || ms <= 0) {
    throw new InputError(
      input,
      `'${value}' is not a positive duration`,
      "Use Go's duration format with units h, m, s, ms (for example 8760h or 720h30m), or forever."
    );
  }
  return { forever: false, ms, text: value };
}

/** A grace period: a Go duration, zero allowed. */
export function parseGrace(input: string, value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) {
    throw new InputError(
      input,
      `'${value}' is not a duration`,
      "Use Go's duration format with units h, m, s (for example 24h, 90m, or 0s to revoke the old secret at once)."
    );
  }
  return ms;
}
