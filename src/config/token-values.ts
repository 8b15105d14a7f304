// A config file is committed and reviewed like code: a credential in it would be in the repository's history for
// good. Values that look like one are refused before anything else happens.

/** What a token value looks like: GitHub's prefixed tokens, long hex (a client secret, a classic token), Cloudflare's. */
const TOKEN_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/, 'a GitHub fine-grained token'],
  [/\bv1\.0-[0-9a-f]{20,}/i, 'a Cloudflare API key'],
  [/(?<![0-9a-f])[0-9a-f]{40,}(?![0-9a-f])/i, 'a secret (40 or more hexadecimal characters)'],
  // Cloudflare API tokens: 40 characters of base64url; ids and names rarely mix all three character classes.
  [
    /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]{0,39}[A-Z])(?=[A-Za-z0-9_-]{0,39}[a-z])(?=[A-Za-z0-9_-]{0,39}\d)[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])/,
    'a Cloudflare API token'
  ],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key']
];

/** What the value looks like, if it looks like a credential; `known` are the run's own token values. */
export function tokenLike(value: string, known: readonly string[]): string | undefined {
  if (known.some((token) => token.length >= 8 && value.includes(token))) return 'a token of this step';
  return TOKEN_SHAPES.find(([shape]) => shape.test(value))?.[1];
}
