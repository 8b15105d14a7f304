/** Sets the action's inputs the way the runner does (`INPUT_<NAME>` variables), replacing earlier ones. */
export function setInputs(inputs: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
}

export const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
export const ZONE_ID = 'fedcba9876543210fedcba9876543210';

/** A valid set of inputs; tests override one at a time. */
export function validInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'cloudflare-api-token': 'cf-test-token',
    'github-token': 'gh-test-token',
    'account-id': ACCOUNT_ID,
    'token-name': 'svc',
    targets: 'octo/web\nocto/web@production',
    ...overrides
  };
}
