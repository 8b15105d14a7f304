// The Access service-token model: lifecycle, expiry, and the grace period of the previous secret after a
// rotation. It knows nothing about HTTP; routes.ts maps its results and errors onto the API.

import type { Clock } from '../clock.ts';
import { cloudflareTime, parseTimestamp } from '../timestamps.ts';
import { newClientId, newClientSecret, newServiceTokenId } from './credentials.ts';
import { parseDuration } from './duration.ts';
import { CloudflareError, ErrorCode, invalidInput, notFound } from './envelope.ts';

export type TokenScope = { account: string } | { zone: string };

const ONE_YEAR = '8760h';
const ONE_YEAR_MS = 8760 * 3_600_000;

interface ServiceToken {
  id: string;
  scope: TokenScope;
  name: string;
  clientId: string;
  clientSecret: string;
  clientSecretVersion: number;
  previousClientSecret: string | undefined;
  previousClientSecretExpiresAt: number | undefined;
  duration: string;
  createdAt: number;
  updatedAt: number;
  /** undefined = never expires (duration "forever"). */
  expiresAt: number | undefined;
  lastSeenAt: number | undefined;
  /** Referenced by an Access policy, so Cloudflare refuses to delete it. */
  inUse: boolean;
  /** A disabled token authenticates with neither secret (a person, or the inactivity policy, disabled it). */
  enabled: boolean;
}

/**
 * How much of a service token the API answers with: `rich` sends every field Cloudflare's docs show;
 * `minimal` only those its current schema declares (id, name, client_id, duration, enabled, expires_at, and
 * client_secret on create and rotate), serves at most 50 per page, ignores a zone list's name filter and
 * reports a forever token's expiry as Go's zero time.
 */
export type ResponseProfile = 'rich' | 'minimal';
export const RESPONSE_PROFILES: readonly ResponseProfile[] = ['rich', 'minimal'];
/** Go's zero time, which Cloudflare may send as the expiry of a token that never expires. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** What tests see: the API's view plus the plaintext secrets the API never shows again. */
export interface ServiceTokenSnapshot {
  id: string;
  account?: string;
  zone?: string;
  name: string;
  clientId: string;
  clientSecret: string;
  clientSecretVersion: number;
  previousClientSecret?: string;
  previousClientSecretExpiresAt?: string;
  duration: string;
  createdAt: string;
  updatedAt: string;
  expiresAt?: string;
  lastSeenAt?: string;
  inUse: boolean;
  enabled: boolean;
}

/** A token to put in place before a test (fixture `cloudflare.serviceTokens` or `emu.cloudflare.seedToken`). */
export interface ServiceTokenSeed {
  /** Exactly one of account / zone; defaults to the first fixture account. */
  account?: string;
  zone?: string;
  name: string;
  id?: string;
  clientId?: string;
  clientSecret?: string;
  clientSecretVersion?: number;
  previousClientSecret?: string;
  previousClientSecretExpiresAt?: string;
  duration?: string;
  createdAt?: string;
  updatedAt?: string;
  /** Defaults to createdAt + duration; null = never expires. */
  expiresAt?: string | null;
  lastSeenAt?: string;
  inUse?: boolean;
  /** Default true. */
  enabled?: boolean;
}

export interface IssuedSecret {
  id: string;
  clientId: string;
  clientSecret: string;
}

type Body = Record<string, unknown>;

export class ServiceTokenStore {
  readonly #clock: Clock;
  readonly #accounts: Set<string>;
  readonly #zones: Set<string>;
  readonly #tokens = new Map<string, ServiceToken>();
  /** Is the token named by an Access policy? Such a token cannot be deleted (400, code 12139). */
  isReferenced: (id: string) => boolean = () => false;

  constructor(clock: Clock, scopes: { accounts?: string[]; zones?: string[] }) {
    this.#clock = clock;
    this.#accounts = new Set(scopes.accounts ?? []);
    this.#zones = new Set(scopes.zones ?? []);
  }

  hasScope(scope: TokenScope): boolean {
    return 'account' in scope ? this.#accounts.has(scope.account) : this.#zones.has(scope.zone);
  }

  create(scope: TokenScope, body: Body): { token: ServiceToken; secret: string } {
    const name = requireName(body['name']);
    const duration = optionalDuration(body['duration']) ?? { text: ONE_YEAR, ms: ONE_YEAR_MS };
    const version =
      body['client_secret_version'] === undefined ? 1 : positiveInteger(body['client_secret_version']);
    const previousExpiresAt = optionalTimestamp(body['previous_client_secret_expires_at']);
    const now = this.#clock.nowMs();
    const token: ServiceToken = {
      id: newServiceTokenId(),
      scope,
      name,
      clientId: newClientId(),
      clientSecret: newClientSecret(),
      clientSecretVersion: version,
      previousClientSecret: undefined,
      previousClientSecretExpiresAt: previousExpiresAt,
      duration: duration.text,
      createdAt: now,
      updatedAt: now,
      expiresAt: expiry(now, duration.ms),
      lastSeenAt: undefined,
      inUse: false,
      enabled: body['enabled'] !== false
    };
    this.#tokens.set(token.id, token);
    return { token, secret: token.clientSecret };
  }

  /** Tokens of one account or zone; names are not unique, so a name filter may return several. */
  list(scope: TokenScope, filter: { name?: string; search?: string } = {}): ServiceToken[] {
    return [...this.#tokens.values()].filter(
      (token) =>
        sameScope(token.scope, scope) &&
        (filter.name === undefined || token.name === filter.name) &&
        (filter.search === undefined ||
          token.name.includes(filter.search) ||
          token.clientId.includes(filter.search))
    );
  }

  get(scope: TokenScope, id: string): ServiceToken {
    const token = this.#tokens.get(id);
    if (!token || !sameScope(token.scope, scope)) throw notFound(`service token ${id}`);
    return token;
  }

  /**
   * PUT: rename, reset the duration (expiry restarts from now), bump client_secret_version by exactly one to
   * rotate, and move previous_client_secret_expires_at at any time. Everything is validated before anything changes.
   */
  update(scope: TokenScope, id: string, body: Body): { token: ServiceToken; newSecret?: string } {
    const token = this.get(scope, id);
    const name = body['name'] === undefined ? undefined : requireName(body['name']);
    const duration = optionalDuration(body['duration']);
    const previousExpiresAt = optionalTimestamp(body['previous_client_secret_expires_at']);
    const rotates = this.#versionBump(token, body['client_secret_version']);
    const now = this.#clock.nowMs();
    if (name !== undefined) token.name = name;
    if (typeof body['enabled'] === 'boolean') token.enabled = body['enabled'];
    if (duration) {
      token.duration = duration.text;
      token.expiresAt = expiry(now, duration.ms);
    }
    let newSecret: string | undefined;
    if (rotates) newSecret = this.#rotateSecret(token, previousExpiresAt ?? now);
    else if (previousExpiresAt !== undefined) token.previousClientSecretExpiresAt = previousExpiresAt;
    token.updatedAt = now;
    return newSecret === undefined ? { token } : { token, newSecret };
  }

  /** POST .../rotate: new secret; without a grace time the old one stops working at once. Expiry unchanged. */
  rotate(scope: TokenScope, id: string, body: Body): { token: ServiceToken; secret: string } {
    const token = this.get(scope, id);
    const previousExpiresAt = optionalTimestamp(body['previous_client_secret_expires_at']);
    const now = this.#clock.nowMs();
    const secret = this.#rotateSecret(token, previousExpiresAt ?? now);
    token.updatedAt = now;
    return { token, secret };
  }

  /** POST .../refresh: one more year from now; the secret stays the same. */
  refresh(scope: TokenScope, id: string): ServiceToken {
    const token = this.get(scope, id);
    const now = this.#clock.nowMs();
    if (token.duration !== 'forever') token.expiresAt = now + ONE_YEAR_MS;
    token.updatedAt = now;
    return token;
  }

  delete(scope: TokenScope, id: string): ServiceToken {
    const token = this.get(scope, id);
    if (token.inUse || this.isReferenced(id)) {
      throw new CloudflareError(
        400,
        ErrorCode.tokenInUse,
        'access.api.error.service_token_in_use: the service token is still referenced by an Access policy'
      );
    }
    this.#tokens.delete(id);
    return token;
  }

  /**
   * Would Access accept these credentials at `at`? The current secret until the token expires; the previous
   * secret also, but only before previous_client_secret_expires_at.
   */
  authenticates(clientId: string, clientSecret: string, at: Date | number = this.#clock.nowMs()): boolean {
    const when = typeof at === 'number' ? at : at.getTime();
    const token = this.#byClientId(clientId);
    if (!token || !token.enabled || (token.expiresAt !== undefined && when >= token.expiresAt)) return false;
    if (clientSecret === token.clientSecret) return true;
    return (
      token.previousClientSecret !== undefined &&
      clientSecret === token.previousClientSecret &&
      token.previousClientSecretExpiresAt !== undefined &&
      when < token.previousClientSecretExpiresAt
    );
  }

  /** Access updates last_seen_at whenever a token is used successfully. */
  recordUse(clientId: string): void {
    const token = this.#byClientId(clientId);
    if (token) token.lastSeenAt = this.#clock.nowMs();
  }

  snapshots(): ServiceTokenSnapshot[] {
    return [...this.#tokens.values()].map(snapshotOf);
  }

  snapshot(id: string): ServiceTokenSnapshot | undefined {
    const token = this.#tokens.get(id);
    return token && snapshotOf(token);
  }

  seed(seed: ServiceTokenSeed): IssuedSecret {
    const scope = this.#seedScope(seed);
    const now = this.#clock.nowMs();
    const duration = seed.duration ?? ONE_YEAR;
    const durationMs = parseDuration(duration);
    if (durationMs === undefined) throw new Error(`seed ${seed.name}: invalid duration "${duration}"`);
    const createdAt = seedTime(seed.createdAt) ?? now;
    const token: ServiceToken = {
      id: seed.id ?? newServiceTokenId(),
      scope,
      name: seed.name,
      clientId: seed.clientId ?? newClientId(),
      clientSecret: seed.clientSecret ?? newClientSecret(),
      clientSecretVersion: seed.clientSecretVersion ?? 1,
      previousClientSecret: seed.previousClientSecret,
      previousClientSecretExpiresAt: seedTime(seed.previousClientSecretExpiresAt),
      duration,
      createdAt,
      updatedAt: seedTime(seed.updatedAt) ?? createdAt,
      expiresAt:
        seed.expiresAt === null ? undefined : (seedTime(seed.expiresAt) ?? expiry(createdAt, durationMs)),
      lastSeenAt: seedTime(seed.lastSeenAt),
      inUse: seed.inUse ?? false,
      enabled: seed.enabled ?? true
    };
    if (this.#tokens.has(token.id))
      throw new Error(`seed ${seed.name}: duplicate service token id ${token.id}`);
    this.#tokens.set(token.id, token);
    return { id: token.id, clientId: token.clientId, clientSecret: token.clientSecret };
  }

  #versionBump(token: ServiceToken, requested: unknown): boolean {
    if (requested === undefined || requested === token.clientSecretVersion) return false;
    if (requested === token.clientSecretVersion + 1) return true;
    throw invalidInput(
      `client_secret_version must be ${token.clientSecretVersion} (no change) or ${token.clientSecretVersion + 1} (rotate), got ${JSON.stringify(requested)}`
    );
  }

  #rotateSecret(token: ServiceToken, previousExpiresAt: number): string {
    token.previousClientSecret = token.clientSecret;
    token.previousClientSecretExpiresAt = previousExpiresAt;
    token.clientSecret = newClientSecret();
    token.clientSecretVersion += 1;
    return token.clientSecret;
  }

  #byClientId(clientId: string): ServiceToken | undefined {
    return [...this.#tokens.values()].find((token) => token.clientId === clientId);
  }

  #seedScope(seed: ServiceTokenSeed): TokenScope {
    if (seed.account !== undefined && seed.zone !== undefined) {
      throw new Error(`seed ${seed.name}: give account or zone, not both`);
    }
    const account = seed.account ?? (seed.zone === undefined ? [...this.#accounts][0] : undefined);
    const scope: TokenScope | undefined =
      account !== undefined ? { account } : seed.zone !== undefined ? { zone: seed.zone } : undefined;
    if (!scope || !this.hasScope(scope)) {
      throw new Error(
        `seed ${seed.name}: unknown account/zone (list it in the fixture's cloudflare.accounts/zones)`
      );
    }
    return scope;
  }
}

/** The fields Cloudflare's schema declares for a service token read (and, without expires_at, for create/rotate). */
function declaredJson(token: ServiceToken, clientSecret: string | undefined): Record<string, unknown> {
  return {
    id: token.id,
    name: token.name,
    client_id: token.clientId,
    ...(clientSecret === undefined
      ? { expires_at: token.expiresAt === undefined ? GO_ZERO_TIME : cloudflareTime(token.expiresAt) }
      : { client_secret: clientSecret }),
    duration: token.duration,
    enabled: token.enabled
  };
}

/**
 * The API representation; client_secret only where Cloudflare returns it (create and rotations). In the
 * minimal profile a version-bumping PUT (`declaredSecret` false) answers without the secret, as declared.
 */
export function serviceTokenJson(
  token: ServiceToken,
  clientSecret?: string,
  profile: ResponseProfile = 'rich',
  declaredSecret = true
): Record<string, unknown> {
  if (profile === 'minimal') return declaredJson(token, declaredSecret ? clientSecret : undefined);
  return {
    id: token.id,
    name: token.name,
    client_id: token.clientId,
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
    created_at: cloudflareTime(token.createdAt),
    updated_at: cloudflareTime(token.updatedAt),
    ...(token.expiresAt === undefined ? {} : { expires_at: cloudflareTime(token.expiresAt) }),
    duration: token.duration,
    client_secret_version: token.clientSecretVersion,
    previous_client_secret_expires_at: optionalTime(token.previousClientSecretExpiresAt) ?? null,
    last_seen_at: optionalTime(token.lastSeenAt) ?? null,
    enabled: token.enabled
  };
}

function snapshotOf(token: ServiceToken): ServiceTokenSnapshot {
  return {
    id: token.id,
    ...token.scope,
    name: token.name,
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    clientSecretVersion: token.clientSecretVersion,
    ...(token.previousClientSecret === undefined ? {} : { previousClientSecret: token.previousClientSecret }),
    ...optionalField('previousClientSecretExpiresAt', optionalTime(token.previousClientSecretExpiresAt)),
    duration: token.duration,
    createdAt: cloudflareTime(token.createdAt),
    updatedAt: cloudflareTime(token.updatedAt),
    ...optionalField('expiresAt', optionalTime(token.expiresAt)),
    ...optionalField('lastSeenAt', optionalTime(token.lastSeenAt)),
    inUse: token.inUse,
    enabled: token.enabled
  };
}

function sameScope(a: TokenScope, b: TokenScope): boolean {
  return 'account' in a ? 'account' in b && a.account === b.account : 'zone' in b && a.zone === b.zone;
}

function expiry(from: number, durationMs: number | 'forever'): number | undefined {
  return durationMs === 'forever' ? undefined : from + durationMs;
}

function requireName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidInput('name must be a non-empty string');
  return value;
}

function optionalDuration(value: unknown): { text: string; ms: number | 'forever' } | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (typeof value !== 'string' || ms === undefined) {
    throw invalidInput(
      `duration ${JSON.stringify(value)} is not valid; use Go format such as 300ms, 2h45m, 8760h, or forever`
    );
  }
  return { text: value, ms };
}

function optionalTimestamp(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimestamp(value);
  if (ms === undefined) {
    throw invalidInput(
      `previous_client_secret_expires_at ${JSON.stringify(value)} is not an RFC 3339 timestamp`
    );
  }
  return ms;
}

function positiveInteger(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidInput(`client_secret_version must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function seedTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimestamp(value);
  if (ms === undefined) throw new Error(`seed: "${value}" is not an RFC 3339 timestamp`);
  return ms;
}

function optionalTime(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : cloudflareTime(ms);
}

function optionalField<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
