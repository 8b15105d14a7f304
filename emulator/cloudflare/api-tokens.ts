// The API tokens a caller may present (Authorization: Bearer ...): seeded from the fixture or created, updated,
// rolled and deleted through /user/tokens and /accounts/{id}/tokens. A token's permissions come from its policies
// (or, in the simple fixture form, from a list of permission strings), and its status, validity window and
// `condition.request.ip` decide whether it authenticates at all.

import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { parseTimestamp } from '../timestamps.ts';
import { newApiTokenId, newApiTokenValue } from './credentials.ts';
import { CloudflareError, ErrorCode } from './envelope.ts';
import { PERMISSION_GROUPS, USER_SCOPE, permissionImplies } from './permission-groups.ts';
import {
  ALL_ACCOUNTS,
  CLIENT_IP,
  badRequest,
  conditionAllows,
  parseCondition,
  parsePolicies,
  policiesGrant,
  policyJson,
  resourceKey
} from './token-policies.ts';
import type { Condition, Policy, PolicyContext, Resources, Target, TokenOwner } from './token-policies.ts';

export type { Target, TokenOwner } from './token-policies.ts';

/** A permission string, e.g. 'access:service_tokens:write' (see permission-groups.ts); write implies read. */
export type CloudflarePermission = string;

export type ApiTokenStatus = 'active' | 'disabled' | 'expired';

/** A policy as Cloudflare represents it; seeds may name a permission group instead of giving its id. */
export interface ApiTokenPolicyInput {
  id?: string;
  effect: 'allow' | 'deny';
  permission_groups: Array<{ id?: string; name?: string }>;
  resources: Resources;
}

export interface ApiTokenFixture {
  /** The bearer value callers send. */
  value: string;
  /** 32 hex characters; generated when absent. */
  id?: string;
  name?: string;
  /** Default 'user'. An account-owned token verifies only at /accounts/{id}/tokens/verify. */
  owner?: 'user' | 'account';
  /** The owning account of an account-owned token; default: the first fixture account. */
  account?: string;
  /** The simple form: permission strings (write implies read), optionally limited to `resources`. */
  permissions?: CloudflarePermission[];
  /** Account or zone ids the simple form is limited to; absent = all. */
  resources?: string[];
  /** The Cloudflare form (instead of permissions/resources). */
  policies?: ApiTokenPolicyInput[];
  /** e.g. { "request.ip": { "in": ["10.0.0.0/8"], "not_in": [] } }; requests come from 127.0.0.1. */
  condition?: Condition;
  status?: ApiTokenStatus;
  /** RFC 3339; from then on the token stops working. */
  expiresOn?: string;
  notBefore?: string;
  issuedOn?: string;
}

/** For emu.cloudflare.seedApiToken: the value is generated in the current format when absent. */
export type ApiTokenSeed = Omit<ApiTokenFixture, 'value'> & { value?: string };

export interface IssuedApiToken {
  id: string;
  value: string;
}

/** What tests see through emu.cloudflare.apiTokens(). */
export interface ApiTokenSnapshot {
  id: string;
  name: string;
  owner: 'user' | 'account';
  account?: string;
  /** As the API reports it: 'expired' once expiresOn has passed. */
  status: ApiTokenStatus;
  value: string;
  /** As the API returns them (synthesised from permissions for the simple fixture form). */
  policies: Array<Record<string, unknown>>;
  /** The simple fixture form only. */
  permissions?: string[];
  resources?: string[];
  condition?: Condition;
  issuedOn: string;
  modifiedOn: string;
  lastUsedOn?: string;
  expiresOn?: string;
  notBefore?: string;
}

export interface ApiToken {
  id: string;
  value: string;
  name: string;
  owner: TokenOwner;
  status: ApiTokenStatus;
  issuedOn: number;
  modifiedOn: number;
  lastUsedOn: number | undefined;
  expiresOn: number | undefined;
  notBefore: number | undefined;
  /** undefined for the simple fixture form, which uses permissions/resources instead. */
  policies: Policy[] | undefined;
  permissions: Set<CloudflarePermission>;
  resources: Set<string> | undefined;
  condition: Condition | undefined;
}

export interface ApiTokenRegistryOptions {
  userId: string;
  accounts?: string[];
  zones?: string[];
}

const authenticationError = (status: 401 | 403): CloudflareError =>
  new CloudflareError(status, ErrorCode.authentication, 'Authentication error');
const invalidApiToken = (): CloudflareError =>
  new CloudflareError(401, ErrorCode.invalidApiToken, 'Invalid API Token');
const wrongLocation = (): CloudflareError =>
  new CloudflareError(
    403,
    ErrorCode.tokenLocation,
    `Cannot use the access token from location: ${CLIENT_IP}`
  );
const MAX_NAME = 120;

/** Token times as Cloudflare writes them: RFC 3339 UTC to the second. */
export function tokenTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ApiTokenRegistry {
  readonly #clock: Clock;
  readonly userId: string;
  readonly #accounts: Set<string>;
  readonly #zones: Set<string>;
  readonly #byId = new Map<string, ApiToken>();
  readonly #byValue = new Map<string, ApiToken>();

  constructor(clock: Clock, options: ApiTokenRegistryOptions, fixtures: ApiTokenFixture[] = []) {
    this.#clock = clock;
    this.userId = options.userId;
    this.#accounts = new Set(options.accounts ?? []);
    this.#zones = new Set(options.zones ?? []);
    fixtures.forEach((fixture, index) => {
      try {
        this.seed(fixture, `emulator token ${index + 1}`);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new Error(`fixture cloudflare.apiTokens[${index}]: ${detail}`, { cause: error });
      }
    });
  }

  hasAccount(id: string): boolean {
    return this.#accounts.has(id);
  }

  /** Puts a token in place as the fixture describes it (no permission checks). */
  seed(seed: ApiTokenSeed, defaultName = 'seeded token'): IssuedApiToken {
    const owner = this.#seedOwner(seed);
    if (seed.policies && (seed.permissions || seed.resources)) {
      throw new Error('give either policies or permissions/resources, not both');
    }
    const value = seed.value ?? newApiTokenValue(owner.kind);
    const id = seed.id ?? newApiTokenId();
    if (this.#byValue.has(value)) throw new Error('another API token has this value');
    if (this.#byId.has(id)) throw new Error(`another API token has the id ${id}`);
    const issuedOn = seedTime(seed.issuedOn, 'issuedOn') ?? this.#clock.nowMs();
    const token: ApiToken = {
      id,
      value,
      name: seed.name ?? defaultName,
      owner,
      status: seed.status ?? 'active',
      issuedOn,
      modifiedOn: issuedOn,
      lastUsedOn: undefined,
      expiresOn: seedTime(seed.expiresOn, 'expiresOn'),
      notBefore: seedTime(seed.notBefore, 'notBefore'),
      policies:
        seed.policies &&
        this.#fromCloudflareError(() =>
          parsePolicies(seed.policies, {
            ...this.#policyContext(owner),
            allowGroupNames: true,
            // A seed's own policy ids are kept, so fixtures can be exact.
            existingPolicyIds: new Set(seed.policies?.flatMap((p) => (p.id === undefined ? [] : [p.id])))
          })
        ),
      permissions: new Set(seed.permissions ?? []),
      resources: seed.resources && new Set(seed.resources),
      condition: this.#fromCloudflareError(() => parseCondition(seed.condition))
    };
    this.#store(token);
    return { id, value };
  }

  // ---- authentication and authorization ----

  /** The caller's usable token: 401 for a missing, unknown, disabled, expired or not-yet-valid one, 403 for a
   * request from a location its condition excludes. */
  authenticate(authorization: string | undefined): ApiToken {
    const token = this.#lookup(authorization);
    if (!token || !this.#usable(token)) throw authenticationError(401);
    if (!conditionAllows(token.condition)) throw wrongLocation();
    token.lastUsedOn = this.#clock.nowMs();
    return token;
  }

  /** 403 unless the token holds the permission (write implies read) for this user, account or zone. */
  authorize(token: ApiToken, needed: CloudflarePermission, target: Target): void {
    if (!this.can(token, needed, target)) throw authenticationError(403);
  }

  can(token: ApiToken, needed: CloudflarePermission, target: Target): boolean {
    if (token.policies) return policiesGrant(token.policies, needed, target, this.userId);
    const held = [...token.permissions].some((p) => permissionImplies(p, needed));
    if (!held) return false;
    if (target.kind === 'user') return token.owner.kind === 'user';
    return !token.resources || token.resources.has(target.id);
  }

  /**
   * GET .../tokens/verify: the calling token's status, or 401 "Invalid API Token". A user-owned token verifies
   * at both endpoints, an account-owned one only at its own account's.
   */
  verify(authorization: string | undefined, at: { kind: 'user' } | { kind: 'account'; id: string }): object {
    const token = this.#lookup(authorization);
    const here =
      token?.owner.kind === 'user' ||
      (token?.owner.kind === 'account' && at.kind === 'account' && token.owner.account === at.id);
    if (!token || !here || !this.#usable(token)) throw invalidApiToken();
    if (!conditionAllows(token.condition)) throw wrongLocation();
    token.lastUsedOn = this.#clock.nowMs();
    return {
      id: token.id,
      status: 'active',
      ...(token.expiresOn === undefined ? {} : { expires_on: tokenTime(token.expiresOn) }),
      ...(token.notBefore === undefined ? {} : { not_before: tokenTime(token.notBefore) })
    };
  }

  /** Inspection for tests: does this value authenticate right now (status, validity window, condition)? */
  authenticates(value: string): boolean {
    const token = this.#byValue.get(value);
    return token !== undefined && this.#usable(token) && conditionAllows(token.condition);
  }

  // ---- the /user/tokens and /accounts/{id}/tokens collections ----

  list(
    owner: TokenOwner,
    options: { includeExpired?: boolean; direction?: 'asc' | 'desc' } = {}
  ): ApiToken[] {
    const tokens = [...this.#byId.values()]
      .filter((t) => sameOwner(t.owner, owner))
      .filter((t) => options.includeExpired || this.#status(t) !== 'expired')
      .sort((a, b) => a.issuedOn - b.issuedOn);
    return options.direction === 'desc' ? tokens.reverse() : tokens;
  }

  get(owner: TokenOwner, id: string): ApiToken {
    const token = this.#byId.get(id);
    if (!token || !sameOwner(token.owner, owner)) {
      const where = owner.kind === 'user' ? '/user/tokens' : `/accounts/${owner.account}/tokens`;
      throw new CloudflareError(
        404,
        ErrorCode.noRoute,
        `Could not route to ${where}/${id}, perhaps your object identifier is invalid?`
      );
    }
    return token;
  }

  create(owner: TokenOwner, body: Record<string, unknown>): { token: ApiToken; value: string } {
    const now = this.#clock.nowMs();
    const fields = this.#fields(owner, body, new Set());
    const token: ApiToken = {
      id: newApiTokenId(),
      value: newApiTokenValue(owner.kind),
      ...fields,
      owner,
      status: 'active',
      issuedOn: now,
      modifiedOn: now,
      lastUsedOn: undefined,
      permissions: new Set(),
      resources: undefined
    };
    this.#store(token);
    return { token, value: token.value };
  }

  /** PUT: replaces name, policies, condition, not_before and expires_on (absent ones are removed); status
   * stays unless given. */
  update(owner: TokenOwner, id: string, body: Record<string, unknown>): ApiToken {
    const token = this.get(owner, id);
    if (body['id'] !== undefined && body['id'] !== id)
      throw badRequest('id does not match the token in the path');
    const current = new Set(this.#policiesOf(token).map((p) => p.id));
    const fields = this.#fields(owner, body, current);
    const status = body['status'];
    if (
      status !== undefined &&
      status !== 'active' &&
      status !== 'disabled' &&
      status !== this.#status(token)
    ) {
      throw badRequest('status must be "active" or "disabled"');
    }
    Object.assign(token, fields, { permissions: new Set(), resources: undefined });
    if (status === 'active' || status === 'disabled') token.status = status;
    token.modifiedOn = this.#clock.nowMs();
    return token;
  }

  delete(owner: TokenOwner, id: string): ApiToken {
    const token = this.get(owner, id);
    this.#byId.delete(token.id);
    this.#byValue.delete(token.value);
    return token;
  }

  /** PUT .../value: a new value; the old one stops authenticating at once. */
  roll(owner: TokenOwner, id: string): string {
    const token = this.get(owner, id);
    this.#byValue.delete(token.value);
    token.value = newApiTokenValue(token.owner.kind);
    token.modifiedOn = this.#clock.nowMs();
    this.#byValue.set(token.value, token);
    return token.value;
  }

  /** The API representation; `value` only in the answer to create. */
  json(token: ApiToken, value?: string): Record<string, unknown> {
    return {
      id: token.id,
      name: token.name,
      status: this.#status(token),
      issued_on: tokenTime(token.issuedOn),
      modified_on: tokenTime(token.modifiedOn),
      ...(token.lastUsedOn === undefined ? {} : { last_used_on: tokenTime(token.lastUsedOn) }),
      ...(token.notBefore === undefined ? {} : { not_before: tokenTime(token.notBefore) }),
      ...(token.expiresOn === undefined ? {} : { expires_on: tokenTime(token.expiresOn) }),
      policies: this.#policiesOf(token).map(policyJson),
      ...(token.condition === undefined ? {} : { condition: structuredClone(token.condition) }),
      ...(value === undefined ? {} : { value })
    };
  }

  snapshots(): ApiTokenSnapshot[] {
    return [...this.#byId.values()].map((token) => ({
      id: token.id,
      name: token.name,
      owner: token.owner.kind,
      ...(token.owner.kind === 'account' ? { account: token.owner.account } : {}),
      status: this.#status(token),
      value: token.value,
      policies: this.#policiesOf(token).map(policyJson),
      ...(token.policies ? {} : { permissions: [...token.permissions] }),
      ...(token.policies || !token.resources ? {} : { resources: [...token.resources] }),
      ...(token.condition === undefined ? {} : { condition: structuredClone(token.condition) }),
      issuedOn: tokenTime(token.issuedOn),
      modifiedOn: tokenTime(token.modifiedOn),
      ...(token.lastUsedOn === undefined ? {} : { lastUsedOn: tokenTime(token.lastUsedOn) }),
      ...(token.expiresOn === undefined ? {} : { expiresOn: tokenTime(token.expiresOn) }),
      ...(token.notBefore === undefined ? {} : { notBefore: tokenTime(token.notBefore) })
    }));
  }

  // ---- internals ----

  /** The fields a create or a replacement sets, validated (400 with the first problem). */
  #fields(owner: TokenOwner, body: Record<string, unknown>, existingPolicyIds: ReadonlySet<string>) {
    const name = body['name'];
    if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) {
      throw badRequest(`name must be a non-empty string of at most ${MAX_NAME} characters`);
    }
    const policies = parsePolicies(body['policies'], { ...this.#policyContext(owner), existingPolicyIds });
    const condition = parseCondition(body['condition']);
    const notBefore = bodyTime(body['not_before'], 'not_before');
    const expiresOn = bodyTime(body['expires_on'], 'expires_on');
    if (notBefore !== undefined && expiresOn !== undefined && expiresOn <= notBefore) {
      throw badRequest('expires_on must be later than not_before');
    }
    return { name, policies, condition, notBefore, expiresOn };
  }

  #policyContext(owner: TokenOwner): PolicyContext {
    return { owner, userId: this.userId, accounts: this.#accounts, zones: this.#zones };
  }

  /** The stored policies, or for the simple fixture form the policies its permissions amount to. */
  #policiesOf(token: ApiToken): Policy[] {
    if (token.policies) return token.policies;
    const groups = [...token.permissions].flatMap((p) => {
      const found = PERMISSION_GROUPS.find((g) => g.permission === p);
      return found ? [found] : [];
    });
    const policyId = (n: number) =>
      createHash('sha256').update(`${token.id}/${n}`).digest('hex').slice(0, 32);
    const policies: Policy[] = [];
    const userGroups = groups.filter((g) => g.scope === USER_SCOPE);
    const otherGroups = groups.filter((g) => g.scope !== USER_SCOPE);
    if (userGroups.length > 0 && token.owner.kind === 'user') {
      const resources = { [resourceKey({ kind: 'user' }, this.userId)]: '*' };
      policies.push({ id: policyId(0), effect: 'allow', groups: userGroups, resources });
    }
    if (otherGroups.length > 0) {
      const resources: Resources = token.resources
        ? Object.fromEntries(
            [...token.resources].map((id) => [
              resourceKey(this.#zones.has(id) ? { kind: 'zone', id } : { kind: 'account', id }, this.userId),
              '*'
            ])
          )
        : { [ALL_ACCOUNTS]: '*' };
      policies.push({ id: policyId(1), effect: 'allow', groups: otherGroups, resources });
    }
    return policies;
  }

  #store(token: ApiToken): void {
    this.#byId.set(token.id, token);
    this.#byValue.set(token.value, token);
  }

  #seedOwner(seed: ApiTokenSeed): TokenOwner {
    if ((seed.owner ?? 'user') === 'user') {
      if (seed.account !== undefined) throw new Error('account is only for owner "account"');
      return { kind: 'user' };
    }
    const account = seed.account ?? [...this.#accounts][0];
    if (account === undefined || !this.#accounts.has(account)) {
      throw new Error('an account-owned token needs an account listed in cloudflare.accounts');
    }
    return { kind: 'account', account };
  }

  #fromCloudflareError<T>(parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof CloudflareError) throw new Error(error.message, { cause: error });
      throw error;
    }
  }

  #lookup(authorization: string | undefined): ApiToken | undefined {
    const value = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    return value === undefined ? undefined : this.#byValue.get(value);
  }

  /** The status the API reports: 'expired' once expires_on has passed. */
  #status(token: ApiToken): ApiTokenStatus {
    if (token.status !== 'active') return token.status;
    return token.expiresOn !== undefined && this.#clock.nowMs() >= token.expiresOn ? 'expired' : 'active';
  }

  #usable(token: ApiToken): boolean {
    return (
      this.#status(token) === 'active' &&
      (token.notBefore === undefined || this.#clock.nowMs() >= token.notBefore)
    );
  }
}

function sameOwner(a: TokenOwner, b: TokenOwner): boolean {
  return a.kind === 'user' ? b.kind === 'user' : b.kind === 'account' && a.account === b.account;
}

function bodyTime(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = parseTimestamp(value);
  if (ms === undefined) throw badRequest(`${name} must be an RFC 3339 date-time`);
  return ms;
}

function seedTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimestamp(value);
  if (ms === undefined) throw new Error(`${name} is not an RFC 3339 time: ${value}`);
  return ms;
}
