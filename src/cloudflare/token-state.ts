import { CloudflareApiError } from '../errors.js';
import type { TokenState } from '../credentials/service-token/model.js';

/** A timestamp from the API, or undefined when it is missing or not a date. */
export function date(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** Maps a service token object from the API to the state the plan needs, rejecting what it cannot use. */
export function toTokenState(raw: unknown): TokenState {
  const record = (raw ?? {}) as Record<string, unknown>;
  const id = record.id;
  const clientId = record.client_id;
  const updatedAt = date(record.updated_at);
  if (typeof id !== 'string' || typeof clientId !== 'string' || !updatedAt) {
    throw new CloudflareApiError(
      'Cloudflare returned a service token without id, client_id or updated_at.',
      'Check cloudflare-api-url points at the Cloudflare API v4.'
    );
  }
  const previous = record.previous_client_secret_expires_at;
  return {
    id,
    name: typeof record.name === 'string' ? record.name : '',
    clientId,
    createdAt: date(record.created_at) ?? updatedAt,
    updatedAt,
    expiresAt: date(record.expires_at) ?? null,
    clientSecretVersion:
      typeof record.client_secret_version === 'number' ? record.client_secret_version : undefined,
    previousSecretExpiresAt: previous === null ? null : date(previous)
  };
}
