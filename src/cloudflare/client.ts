import * as core from '@actions/core';
import { createClient } from 'cloudflare/tree-shakable';
import { BasePermissionGroups as AccountPermissionGroups } from 'cloudflare/resources/accounts/tokens/permission-groups';
import { BaseTokens as AccountTokens } from 'cloudflare/resources/accounts/tokens/tokens';
import { BaseValue as AccountTokenValue } from 'cloudflare/resources/accounts/tokens/value';
import { BasePermissionGroups as UserPermissionGroups } from 'cloudflare/resources/user/tokens/permission-groups';
import { BaseTokens as UserTokens } from 'cloudflare/resources/user/tokens/tokens';
import { BaseValue as UserTokenValue } from 'cloudflare/resources/user/tokens/value';
import { ServiceTokens } from 'cloudflare/resources/zero-trust/access/service-tokens';
import { BasePolicies as AccessPolicies } from 'cloudflare/resources/zero-trust/access/policies';
import { BasePolicies as AccessAppPolicies } from 'cloudflare/resources/zero-trust/access/applications/policies';
import { BaseOrganizations as AccessOrganizations } from 'cloudflare/resources/zero-trust/organizations/organizations';

export interface CloudflareClientOptions {
  readonly apiToken: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

/** Reads are retried by the SDK (honouring Retry-After); create and rotate opt out per call. */
export const READ_RETRIES = 3;

const toDebug = (message: string, ...rest: unknown[]): void =>
  core.debug(
    `cloudflare sdk: ${message}${rest.length ? ` ${rest.map((item) => (typeof item === 'string' ? item : '[object]')).join(' ')}` : ''}`
  );

/** The one place that builds the Cloudflare client: only the resources used here are bundled. */
export function createCloudflareClient(options: CloudflareClientOptions) {
  return createClient({
    apiToken: options.apiToken,
    // Credentials from the runner's environment (CLOUDFLARE_API_KEY, ...) must never join the request.
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: options.baseUrl,
    maxRetries: READ_RETRIES,
    timeout: options.timeoutMs,
    logger: { debug: toDebug, info: toDebug, warn: toDebug, error: toDebug },
    resources: [
      ServiceTokens,
      UserTokens,
      UserTokenValue,
      UserPermissionGroups,
      AccountTokens,
      AccountTokenValue,
      AccountPermissionGroups,
      AccessPolicies,
      AccessAppPolicies,
      AccessOrganizations
    ]
  });
}

export type CloudflareClient = ReturnType<typeof createCloudflareClient>;
