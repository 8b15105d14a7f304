import { CloudflareApiError } from '../errors.js';
import type { TokenState, UndeclaredHints } from '../credentials/service-token/model.js';

/** A timestamp from the API, or undefined when it is missing or not a date. */
export function date(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/**
 * Cloudflare's `forever` tokens come with no expires_at, one far in the future, or Go's zero time
 * (0001-01-01T00:00:00Z). Anything before the Unix epoch is such a placeholder, not an expiry.
 */
export function expiryOf(record: Record<string, unknown>): Date | null {
  if (record.duration === 'forever') return null;
  const expiresAt = date(record.expires_at);
  return expiresAt && expiresAt.getTime() > 0 ? expiresAt : null;
}

function hintsOf(record: Record<string, unknown>): UndeclaredHints {
  const previous = record.previous_client_secret_expires_at;
  const updatedAt = date(record.updated_at);
  const lastSeenAt = date(record.last_seen_at);
  const previousAt = previous === null ? null : date(previous);
  return {
    ...(updatedAt && { updatedAt }),
    ...(typeof record.client_secret_version === 'number' && {
      clientSecretVersion: record.client_secret_version
    }),
    ...(previousAt !== undefined && { previousSecretExpiresAt: previousAt }),
    ...(lastSeenAt && { lastSeenAt })
  };
}

/** The declared fields the run cannot do without: the token's id and client id. */
export function hasIdentity(raw: unknown): boolean {
  const record = (raw ?? {}) as Record<string, unknown>;
  return typeof record.id === 'string' && !!record.id && typeof record.client_id === 'string';
}

/**
 * Maps a service token object from the API to the state the plan needs. Only id and client_id are required;
 * every other field has a safe reading when it is missing.
 */
export function toTokenState(raw: unknown): TokenState {
  const record = (raw ?? {}) as Record<string, unknown>;
  if (!hasIdentity(record)) {
    throw new CloudflareApiError(
      'Cloudflare returned a service token without id or client_id.',
      'Check that cloudflare-api-url points at the Cloudflare API v4 (https://api.cloudflare.com/client/v4).'
    );
  }
  return {
    id: record.id as string,
    name: typeof record.name === 'string' ? record.name : '',
    clientId: record.client_id as string,
    enabled: record.enabled !== false,
    duration: typeof record.duration === 'string' ? record.duration : undefined,
    expiresAt: expiryOf(record),
    hints: hintsOf(record)
  };
}
