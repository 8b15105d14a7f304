import * as core from '@actions/core';
import { APIError } from 'cloudflare/error';
import { PermissionError } from '../errors.js';
import type { TokenScope } from '../settings/settings.js';
import { toCloudflareError } from './errors.js';
import type { CloudflareClient } from './client.js';

export interface RunningTokenStatus {
  /** The token's own id: an API token run may be rotating the very token it runs with. */
  readonly id: string;
  /** user: a token of a user; account: an account-owned token. */
  readonly owner: 'user' | 'account';
  readonly expiresOn: Date | undefined;
}

/**
 * Preflight of `cloudflare-api-token` through the verify endpoints (no permission needed): a disabled or
 * expired token fails the run before anything changes, and its own expiry can be reported. A user token
 * verifies at /user/tokens/verify, an account-owned one only at /accounts/{id}/tokens/verify.
 */
export async function checkRunningToken(
  client: CloudflareClient,
  scope: TokenScope
): Promise<RunningTokenStatus> {
  const scopeLabel = scope.kind === 'user' ? 'your user' : `${scope.kind} ${scope.id}`;
  let response;
  let owner: RunningTokenStatus['owner'] = 'user';
  try {
    response = await client.user.tokens.verify();
  } catch (error) {
    if (scope.kind !== 'account' || !(error instanceof APIError)) {
      throw toCloudflareError(error, 'verify cloudflare-api-token', scopeLabel);
    }
    owner = 'account';
    try {
      response = await client.accounts.tokens.verify({ account_id: scope.id });
    } catch (accountError) {
      throw toCloudflareError(accountError, 'verify cloudflare-api-token', scopeLabel);
    }
  }
  if (response.status !== 'active') {
    throw new PermissionError(
      `cloudflare-api-token is ${response.status} (token id ${response.id}).`,
      'Create or re-enable the API token and update the secret that holds it.'
    );
  }
  return {
    id: response.id,
    owner,
    expiresOn: response.expires_on ? new Date(response.expires_on) : undefined
  };
}

/** An annotation when the token that runs the action expires soon: the next rotation would fail. */
export function warnIfExpiring(what: string, expiresOn: Date | undefined, windowMs: number, now: Date): void {
  if (!expiresOn || expiresOn.getTime() - now.getTime() > windowMs) return;
  core.warning(
    `${what} expires at ${expiresOn.toISOString()}: replace it before then, or rotations will fail.`
  );
}
