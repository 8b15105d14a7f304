// The API tokens a caller may present (Authorization: Bearer ...), with the permissions that decide 401 vs 403.

import type { Clock } from '../clock.ts';
import { cloudflareTime, parseTimestamp } from '../timestamps.ts';
import { newApiTokenId } from './credentials.ts';
import { CloudflareError, ErrorCode } from './envelope.ts';

export type CloudflarePermission = 'access:service_tokens:read' | 'access:service_tokens:write';

export interface ApiTokenFixture {
  /** The bearer value callers send. */
  value: string;
  /** 32 hex characters; generated when absent. */
  id?: string;
  /** `write` implies `read`. */
  permissions?: CloudflarePermission[];
  status?: 'active' | 'disabled' | 'expired';
  /** RFC 3339; after it the token stops working. */
  expiresOn?: string;
  notBefore?: string;
  /** Account or zone ids the token is limited to; absent = all. */
  resources?: string[];
}

export interface ApiToken {
  id: string;
  value: string;
  permissions: Set<CloudflarePermission>;
  status: 'active' | 'disabled' | 'expired';
  expiresOn: number | undefined;
  notBefore: number | undefined;
  resources: Set<string> | undefined;
}

const authenticationError = (status: 401 | 403): CloudflareError =>
  new CloudflareError(status, ErrorCode.authentication, 'Authentication error');

export class ApiTokenRegistry {
  readonly #clock: Clock;
  readonly #tokens = new Map<string, ApiToken>();

  constructor(clock: Clock, fixtures: ApiTokenFixture[] = []) {
    this.#clock = clock;
    for (const fixture of fixtures) this.add(fixture);
  }

  add(fixture: ApiTokenFixture): void {
    this.#tokens.set(fixture.value, {
      id: fixture.id ?? newApiTokenId(),
      value: fixture.value,
      permissions: new Set(fixture.permissions ?? []),
      status: fixture.status ?? 'active',
      expiresOn: parseTimestamp(fixture.expiresOn),
      notBefore: parseTimestamp(fixture.notBefore),
      resources: fixture.resources && new Set(fixture.resources)
    });
  }

  /** The caller's usable token, or a 401 for a missing, unknown, disabled or expired one. */
  authenticate(authorization: string | undefined): ApiToken {
    const token = this.#lookup(authorization);
    if (!token || !this.#usable(token)) throw authenticationError(401);
    return token;
  }

  /** 403 unless the token holds the permission (write implies read) for this account or zone. */
  authorize(token: ApiToken, needed: CloudflarePermission, resourceId: string): void {
    const granted =
      token.permissions.has(needed) ||
      (needed === 'access:service_tokens:read' && token.permissions.has('access:service_tokens:write'));
    if (!granted || (token.resources && !token.resources.has(resourceId))) throw authenticationError(403);
  }

  /** GET .../tokens/verify: the calling token's status, or 401 "Invalid API Token". */
  verify(authorization: string | undefined): Record<string, unknown> {
    const token = this.#lookup(authorization);
    if (!token || !this.#usable(token)) {
      throw new CloudflareError(401, ErrorCode.invalidApiToken, 'Invalid API Token');
    }
    return {
      id: token.id,
      status: 'active',
      ...(token.expiresOn === undefined ? {} : { expires_on: cloudflareTime(token.expiresOn) }),
      ...(token.notBefore === undefined ? {} : { not_before: cloudflareTime(token.notBefore) })
    };
  }

  #lookup(authorization: string | undefined): ApiToken | undefined {
    const value = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    return value === undefined ? undefined : this.#tokens.get(value);
  }

  #usable(token: ApiToken): boolean {
    const now = this.#clock.nowMs();
    return (
      token.status === 'active' &&
      (token.expiresOn === undefined || now < token.expiresOn) &&
      (token.notBefore === undefined || now >= token.notBefore)
    );
  }
}
