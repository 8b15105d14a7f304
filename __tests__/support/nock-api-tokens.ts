import { randomBytes, randomInt } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { cfError, envelope } from './cloudflare-envelope.js';

/**
 * Cloudflare API tokens for the nock fake (FakeApis delegates /user/tokens/* and /accounts/{id}/tokens/*
 * here): tokens with ids, names, values, policies, `condition.request.ip`, dates to the second from the
 * fake's clock, and failure injection per call. Every request is authenticated by its bearer value, as
 * Cloudflare does; a request to the token routes with an unknown, disabled or expired value answers 401.
 */

export type Reply = [number, unknown?, Record<string, string>?];

export type ApiTokenOwner =
  { readonly kind: 'user' } | { readonly kind: 'account'; readonly accountId: string };

export interface FakePermissionGroup {
  readonly id: string;
  readonly name: string;
  readonly scope:
    'com.cloudflare.api.user' | 'com.cloudflare.api.account' | 'com.cloudflare.api.account.zone';
}

/** A handful of Cloudflare's permission groups, with their real ids, names and scopes. */
export const PERMISSION_GROUPS: readonly FakePermissionGroup[] = [
  { id: '686d18d5ac6c441c867cbf6771e58a0a', name: 'API Tokens Write', scope: 'com.cloudflare.api.user' },
  {
    id: '5bc3f8b21c554832afc660159ab75fa4',
    name: 'Account API Tokens Write',
    scope: 'com.cloudflare.api.account'
  },
  {
    id: 'b05b28e839c54467a7d6cba5d3abb5a3',
    name: 'Access: Audit Logs Read',
    scope: 'com.cloudflare.api.account'
  },
  { id: '4755a26eedb94da69e1066d98aa820be', name: 'DNS Write', scope: 'com.cloudflare.api.account.zone' },
  { id: 'c8fed203ed3043cba015a93ad1616f1f', name: 'Zone Read', scope: 'com.cloudflare.api.account.zone' }
];

/** The group id for a name of PERMISSION_GROUPS (throws for a name the fake does not know). */
export function groupId(name: string): string {
  const group = PERMISSION_GROUPS.find((candidate) => candidate.name === name);
  if (!group) throw new Error(`the fake has no permission group '${name}'`);
  return group.id;
}

export interface FakePolicy {
  /** Assigned by the fake on create and update; what a request sends is ignored. */
  id: string;
  effect: 'allow' | 'deny';
  permission_groups: Array<{ id: string; name: string }>;
  resources: Record<string, unknown>;
}

export interface FakeCondition {
  'request.ip'?: { in?: string[]; not_in?: string[] };
}

export interface FakeApiToken {
  id: string;
  name: string;
  /** The bearer value; returned once by create and by a roll, never by a read. */
  value: string;
  owner: ApiTokenOwner;
  status: 'active' | 'disabled' | 'expired';
  /** RFC 3339 to the second: Cloudflare stores whole seconds. */
  issued_on: string;
  modified_on: string;
  expires_on: string | null;
  not_before: string | null;
  last_used_on: string | null;
  policies: FakePolicy[];
  condition: FakeCondition | undefined;
}

/** One request to the token routes, in order. `at` is its index in FakeApis.calls. */
export interface ApiTokenRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  /** The token whose value the request carried (undefined: none or unknown). */
  readonly caller: string | undefined;
  readonly status: number;
}

/**
 * A failure for the matching calls: `nth` counts from 1 among the calls that match method and path (absent:
 * every matching call). `reply` answers instead of the fake, so nothing happens; with `afterEffect` the fake
 * handles the call first and the answer is lost (a 502 unless `reply` says otherwise).
 */
export interface ApiTokenFault {
  readonly method: string;
  /** A path after /client/v4, e.g. '/user/tokens', or a pattern. */
  readonly path: string | RegExp;
  readonly nth?: number;
  readonly reply?: Reply;
  readonly afterEffect?: boolean;
}

/** The address every request to the fake comes from, as far as `condition.request.ip` is concerned. */
export const CLIENT_IP = '127.0.0.1';
/** The largest page the token list allows (and the smallest). */
const MAX_PER_PAGE = 50;
const MIN_PER_PAGE = 5;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const badRequest = (message: string): Reply => [400, cfError(1001, message)];

/** RFC 3339 UTC to the second, as Cloudflare writes token times. */
export const stamp = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function newTokenValue(owner: ApiTokenOwner['kind']): string {
  let body = '';
  for (let i = 0; i < 43; i++) body += BASE62[randomInt(BASE62.length)];
  return `${owner === 'user' ? 'cfut' : 'cfat'}_${body}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface SeedApiToken extends Partial<Omit<FakeApiToken, 'policies' | 'issued_on' | 'modified_on'>> {
  /** Permission group names (one allow policy on `resources`), or full policies. */
  groups?: string[];
  policies?: FakePolicy[];
  resources?: Record<string, unknown>;
  issued_on?: Date | string;
  modified_on?: Date | string;
}

export class FakeApiTokens {
  readonly tokens = new Map<string, FakeApiToken>();
  /** Tokens deleted through the API, in order. */
  readonly deleted: FakeApiToken[] = [];
  readonly requests: ApiTokenRequest[] = [];
  readonly faults: ApiTokenFault[] = [];
  /** The fake's clock; token times are taken from it, cut to the second. */
  clock: () => Date = () => new Date();

  private readonly faultCounts = new Map<ApiTokenFault, number>();

  // ---- seeding, failure injection and inspection ----

  seed(seed: SeedApiToken = {}): FakeApiToken {
    const owner = seed.owner ?? { kind: 'user' };
    const issued = new Date(seed.issued_on ?? new Date(this.now().getTime() - 100 * 86_400_000));
    const { groups, resources, ...fields } = seed;
    const token: FakeApiToken = {
      id: randomBytes(16).toString('hex'),
      name: 'seeded',
      value: newTokenValue(owner.kind),
      status: 'active',
      expires_on: null,
      not_before: null,
      last_used_on: null,
      condition: undefined,
      ...fields,
      owner,
      issued_on: stamp(issued),
      modified_on: stamp(new Date(seed.modified_on ?? issued)),
      policies:
        seed.policies ??
        (groups
          ? [
              {
                id: randomBytes(16).toString('hex'),
                effect: 'allow',
                permission_groups: groups.map((name) => ({ id: groupId(name), name })),
                resources: resources ?? { 'com.cloudflare.api.account.*': '*' }
              }
            ]
          : [])
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /** Answers `reply` (or loses the answer, see ApiTokenFault) to the matching calls. */
  inject(fault: ApiTokenFault): void {
    this.faults.push(fault);
  }

  /** The call takes effect, its answer is lost (502). */
  loseAnswer(method: string, path: string | RegExp, nth = 1): void {
    this.inject({ method, path, nth, afterEffect: true });
  }

  named(name: string): FakeApiToken[] {
    return [...this.tokens.values()].filter((token) => token.name === name);
  }

  byValue(value: string): FakeApiToken | undefined {
    return [...this.tokens.values()].find((token) => token.value === value);
  }

  /** The verify calls in order: whose value was sent (caller), and the status answered. */
  verifications(): ApiTokenRequest[] {
    return this.requests.filter((request) => request.path.endsWith('/tokens/verify'));
  }

  // ---- the routes ----

  /** The answer to a request on a token route, or undefined for any other path. */
  handle(request: {
    method: string;
    path: string;
    query: Record<string, string>;
    body: unknown;
    authorization: string | null;
    at: number;
  }): Reply | undefined {
    const route =
      /^\/(?:user|accounts\/([0-9a-f]{32}))\/tokens(?:\/(verify|permission_groups|[0-9a-f]{32}))?(\/value)?$/.exec(
        request.path
      );
    if (!route) return undefined;
    const [, accountId, id, value] = route;
    const owner: ApiTokenOwner = accountId ? { kind: 'account', accountId } : { kind: 'user' };
    const caller = this.lookup(request.authorization);
    const fault = this.fault(request.method, request.path);
    let reply: Reply;
    if (fault && !fault.afterEffect) {
      reply = fault.reply ?? [500, cfError(10001, 'Internal server error')];
    } else {
      reply = this.route(request, owner, id, Boolean(value), caller);
      if (fault) reply = fault.reply ?? [502, cfError(10001, 'Bad gateway')];
    }
    this.requests.push({
      at: request.at,
      method: request.method,
      path: request.path,
      query: request.query,
      caller: caller?.id,
      status: reply[0]
    });
    return reply;
  }

  private route(
    request: { method: string; query: Record<string, string>; body: unknown },
    owner: ApiTokenOwner,
    id: string | undefined,
    value: boolean,
    caller: FakeApiToken | undefined
  ): Reply {
    const { method, query, body } = request;
    if (id === 'verify') return method === 'GET' ? this.verify(caller, owner) : noRoute();
    if (!caller || this.statusOf(caller) !== 'active' || !this.valid(caller)) {
      return [401, cfError(10000, 'Authentication error')];
    }
    if (!this.fromHere(caller)) return wrongLocation();
    caller.last_used_on = stamp(this.now());
    if (id === 'permission_groups') {
      if (method !== 'GET') return noRoute();
      const groups = PERMISSION_GROUPS.filter(
        (group) => owner.kind === 'user' || group.scope !== 'com.cloudflare.api.user'
      );
      return [
        200,
        envelope(groups.map((group) => ({ id: group.id, name: group.name, scopes: [group.scope] })))
      ];
    }
    if (!id) {
      if (method === 'GET') return this.list(owner, query);
      if (method === 'POST') return this.create(owner, body);
      return noRoute();
    }
    const token = this.tokens.get(id);
    if (!token || !sameOwner(token.owner, owner)) {
      return [404, cfError(7003, 'Could not route to the token, perhaps your object identifier is invalid?')];
    }
    if (value) return method === 'PUT' ? this.roll(token) : noRoute();
    if (method === 'GET') return [200, envelope(this.json(token))];
    if (method === 'PUT') return this.update(token, body);
    if (method === 'DELETE') {
      this.tokens.delete(token.id);
      this.deleted.push(token);
      return [200, envelope({ id: token.id })];
    }
    return noRoute();
  }

  /** By bearer value: 401 for a value the fake does not know, or one that does not verify here. */
  private verify(caller: FakeApiToken | undefined, at: ApiTokenOwner): Reply {
    const here =
      caller?.owner.kind === 'user' ||
      (caller?.owner.kind === 'account' && at.kind === 'account' && caller.owner.accountId === at.accountId);
    if (!caller || !here || !this.valid(caller)) return [401, cfError(1000, 'Invalid API Token')];
    if (!this.fromHere(caller)) return wrongLocation();
    caller.last_used_on = stamp(this.now());
    const status = this.statusOf(caller);
    return [
      200,
      envelope(
        {
          id: caller.id,
          status,
          ...(caller.expires_on && { expires_on: caller.expires_on }),
          ...(caller.not_before && { not_before: caller.not_before })
        },
        {
          messages:
            status === 'active' ? [{ code: 10000, message: 'This API Token is valid and active' }] : []
        }
      )
    ];
  }

  private list(owner: ApiTokenOwner, query: Record<string, string>): Reply {
    const page = Number(query.page ?? 1);
    const perPage = Number(query.per_page ?? 20);
    if (!Number.isInteger(page) || page < 1) return badRequest('page must be a positive integer');
    if (!Number.isInteger(perPage) || perPage < MIN_PER_PAGE || perPage > MAX_PER_PAGE) {
      return badRequest(`per_page must be between ${MIN_PER_PAGE} and ${MAX_PER_PAGE}`);
    }
    const all = [...this.tokens.values()]
      .filter((token) => sameOwner(token.owner, owner))
      .filter((token) => query.include_expired === 'true' || this.statusOf(token) !== 'expired')
      .sort((a, b) => Date.parse(a.issued_on) - Date.parse(b.issued_on));
    if (query.direction === 'desc') all.reverse();
    const slice = all.slice((page - 1) * perPage, page * perPage);
    return [
      200,
      envelope(
        slice.map((token) => this.json(token)),
        {
          result_info: {
            page,
            per_page: perPage,
            count: slice.length,
            total_count: all.length,
            total_pages: Math.max(1, Math.ceil(all.length / perPage))
          }
        }
      )
    ];
  }

  private create(owner: ApiTokenOwner, body: unknown): Reply {
    const fields = this.fields(owner, body);
    if (!Array.isArray(fields)) return fields.error;
    const [name, policies, condition, notBefore, expiresOn] = fields;
    const now = stamp(this.now());
    const token: FakeApiToken = {
      id: randomBytes(16).toString('hex'),
      name,
      value: newTokenValue(owner.kind),
      owner,
      status: 'active',
      issued_on: now,
      modified_on: now,
      expires_on: expiresOn,
      not_before: notBefore,
      last_used_on: null,
      policies,
      condition
    };
    this.tokens.set(token.id, token);
    return [200, envelope({ ...this.json(token), value: token.value })];
  }

  /** PUT replaces the whole token: name, policies, condition and dates (absent ones are removed). */
  private update(token: FakeApiToken, body: unknown): Reply {
    const fields = this.fields(token.owner, body);
    if (!Array.isArray(fields)) return fields.error;
    const status = isRecord(body) ? body.status : undefined;
    if (
      status !== undefined &&
      status !== 'active' &&
      status !== 'disabled' &&
      status !== this.statusOf(token)
    )
      return badRequest('status must be "active" or "disabled"');
    [token.name, token.policies, token.condition, token.not_before, token.expires_on] = fields;
    if (status === 'active' || status === 'disabled') token.status = status;
    token.modified_on = stamp(this.now());
    return [200, envelope(this.json(token))];
  }

  /** PUT .../value: a new value, the old one stops working at once; modified_on moves. */
  private roll(token: FakeApiToken): Reply {
    token.value = newTokenValue(token.owner.kind);
    token.modified_on = stamp(this.now());
    return [200, envelope(token.value)];
  }

  /** Validates what a create or an update sends; policy ids are assigned here, group names filled in. */
  private fields(
    owner: ApiTokenOwner,
    body: unknown
  ): [string, FakePolicy[], FakeCondition | undefined, string | null, string | null] | { error: Reply } {
    const fail = (message: string) => ({ error: badRequest(message) });
    if (!isRecord(body)) return fail('the body must be an object');
    const { name, policies, condition } = body;
    if (typeof name !== 'string' || !name.trim() || name.length > 120)
      return fail('name must be a non-empty string of at most 120 characters');
    if (!Array.isArray(policies) || !policies.length) return fail('policies must be a non-empty array');
    const parsed: FakePolicy[] = [];
    for (const [index, policy] of policies.entries()) {
      if (!isRecord(policy)) return fail(`policies[${index}] must be an object`);
      if (policy.effect !== 'allow' && policy.effect !== 'deny')
        return fail(`policies[${index}].effect must be "allow" or "deny"`);
      if (!isRecord(policy.resources) || !Object.keys(policy.resources).length)
        return fail(`policies[${index}].resources must be a non-empty object`);
      const groups = Array.isArray(policy.permission_groups) ? policy.permission_groups : [];
      if (!groups.length) return fail(`policies[${index}].permission_groups must be a non-empty array`);
      const resolved: Array<{ id: string; name: string }> = [];
      for (const group of groups) {
        const found = PERMISSION_GROUPS.find((candidate) => isRecord(group) && candidate.id === group.id);
        if (!found) return fail(`Invalid permission group id: ${isRecord(group) ? String(group.id) : '?'}`);
        if (owner.kind === 'account' && found.scope === 'com.cloudflare.api.user')
          return fail(`account-owned tokens cannot hold the user permission "${found.name}"`);
        resolved.push({ id: found.id, name: found.name });
      }
      parsed.push({
        id: randomBytes(16).toString('hex'),
        effect: policy.effect,
        permission_groups: resolved,
        resources: structuredClone(policy.resources)
      });
    }
    let parsedCondition: FakeCondition | undefined;
    if (condition !== undefined) {
      const rule = isRecord(condition) ? condition['request.ip'] : undefined;
      if (!isRecord(rule)) return fail('condition must hold "request.ip"');
      const lists = { in: rule.in, not_in: rule.not_in };
      for (const [key, list] of Object.entries(lists)) {
        if (list === undefined) continue;
        if (!Array.isArray(list) || list.some((cidr) => typeof cidr !== 'string' || !isCidr(cidr)))
          return fail(`condition.request.ip.${key} must be a list of CIDRs`);
      }
      parsedCondition = { 'request.ip': structuredClone(rule) };
    }
    const date = (key: 'not_before' | 'expires_on'): string | null | false => {
      const raw = body[key];
      if (raw === undefined || raw === null) return null;
      if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) return false;
      return stamp(new Date(raw));
    };
    const notBefore = date('not_before');
    const expiresOn = date('expires_on');
    if (notBefore === false) return fail('not_before must be an RFC 3339 date-time');
    if (expiresOn === false) return fail('expires_on must be an RFC 3339 date-time');
    if (notBefore && expiresOn && Date.parse(expiresOn) <= Date.parse(notBefore))
      return fail('expires_on must be later than not_before');
    return [name, parsed, parsedCondition, notBefore, expiresOn];
  }

  /** The API representation (never the value). */
  json(token: FakeApiToken): Record<string, unknown> {
    return {
      id: token.id,
      name: token.name,
      status: this.statusOf(token),
      issued_on: token.issued_on,
      modified_on: token.modified_on,
      ...(token.last_used_on && { last_used_on: token.last_used_on }),
      ...(token.not_before && { not_before: token.not_before }),
      ...(token.expires_on && { expires_on: token.expires_on }),
      policies: structuredClone(token.policies),
      ...(token.condition && { condition: structuredClone(token.condition) })
    };
  }

  // ---- internals ----

  private now(): Date {
    return this.clock();
  }

  private lookup(authorization: string | null): FakeApiToken | undefined {
    const value = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    return value === undefined ? undefined : this.byValue(value);
  }

  /** What the API reports: 'expired' once expires_on has passed. */
  private statusOf(token: FakeApiToken): FakeApiToken['status'] {
    if (token.status !== 'active' || !token.expires_on) return token.status;
    return this.now().getTime() >= Date.parse(token.expires_on) ? 'expired' : 'active';
  }

  /** Inside its validity window (a disabled or expired token still verifies, with that status). */
  private valid(token: FakeApiToken): boolean {
    return !token.not_before || this.now().getTime() >= Date.parse(token.not_before);
  }

  private fromHere(token: FakeApiToken): boolean {
    const rule = token.condition?.['request.ip'];
    if (!rule) return true;
    const matches = (cidrs: string[] | undefined) => {
      if (!cidrs?.length) return undefined;
      const list = new BlockList();
      for (const cidr of cidrs) {
        const [address = '', prefix] = cidr.split('/');
        const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
        if (prefix === undefined) list.addAddress(address, type);
        else list.addSubnet(address, Number(prefix), type);
      }
      return list.check(CLIENT_IP, 'ipv4');
    };
    return matches(rule.in) !== false && matches(rule.not_in) !== true;
  }

  private fault(method: string, path: string): ApiTokenFault | undefined {
    for (const fault of this.faults) {
      const matches =
        fault.method === method &&
        (typeof fault.path === 'string' ? fault.path === path : fault.path.test(path));
      if (!matches) continue;
      const count = (this.faultCounts.get(fault) ?? 0) + 1;
      this.faultCounts.set(fault, count);
      if (fault.nth === undefined || fault.nth === count) return fault;
    }
    return undefined;
  }
}

const noRoute = (): Reply => [404, cfError(7003, 'No route for the URI')];
const wrongLocation = (): Reply => [
  403,
  cfError(9109, `Cannot use the access token from location: ${CLIENT_IP}`)
];

function sameOwner(a: ApiTokenOwner, b: ApiTokenOwner): boolean {
  return a.kind === 'user' ? b.kind === 'user' : b.kind === 'account' && a.accountId === b.accountId;
}

function isCidr(text: string): boolean {
  const [address = '', prefix, extra] = text.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}
