import * as core from '@actions/core';
import { createClient } from 'cloudflare/tree-shakable';
import { BaseTokens as AccountTokens } from 'cloudflare/resources/accounts/tokens/tokens';
import { BaseTokens as UserTokens } from 'cloudflare/resources/user/tokens/tokens';
import { ServiceTokens } from 'cloudflare/resources/zero-trust/access/service-tokens';

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
    resources: [ServiceTokens, UserTokens, AccountTokens]
  });
}

export type CloudflareClient = ReturnType<typeof createCloudflareClient>;
