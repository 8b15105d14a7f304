import * as core from '@actions/core';
import { createClient } from 'cloudflare/tree-shakable';
import { ServiceTokens } from 'cloudflare/resources/zero-trust/access/service-tokens';

export interface CloudflareClientOptions {
  readonly apiToken: string;
  readonly baseUrl: string;
}

/** Reads are retried by the SDK (honouring Retry-After); create and rotate opt out per call. */
export const READ_RETRIES = 3;
const TIMEOUT_MS = 30_000;

const toDebug = (message: string, ...rest: unknown[]): void =>
  core.debug(
    `cloudflare sdk: ${message}${rest.length ? ` ${rest.map((item) => (typeof item === 'string' ? item : '[object]')).join(' ')}` : ''}`
  );

/** The one place that builds the Cloudflare client: only the service-token resource is bundled. */
export function createCloudflareClient(options: CloudflareClientOptions) {
  return createClient({
    apiToken: options.apiToken,
    // Credentials from the runner's environment (CLOUDFLARE_API_KEY, ...) must never join the request.
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: options.baseUrl,
    maxRetries: READ_RETRIES,
    timeout: TIMEOUT_MS,
    logger: { debug: toDebug, info: toDebug, warn: toDebug, error: toDebug },
    resources: [ServiceTokens]
  });
}

export type CloudflareClient = ReturnType<typeof createCloudflareClient>;
