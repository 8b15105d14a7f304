// Go-style durations as Cloudflare accepts them for service tokens: "300ms", "2h45m", "8760h", or "forever".

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek mu; Go accepts both
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000
};

const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds, 'forever', or undefined when the text is not a positive Go duration. */
export function parseDuration(text: string): number | 'forever' | undefined {
  if (text === 'forever') return 'forever';
  if (text === '') return undefined;
  TERM.lastIndex = 0;
  let total = 0;
  while (TERM.lastIndex < text.length) {
    const start = TERM.lastIndex;
    const match = TERM.exec(text);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  }
  // A service token that expires the moment it is created is an input error, not a valid token.
  return Number.isFinite(total) && total >= 1 ? Math.round(total) : undefined;
}
