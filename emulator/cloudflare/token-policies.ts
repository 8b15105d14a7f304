// API token policies and conditions as Cloudflare represents them: validation of what a caller sends, and the
// evaluation that decides whether a token may do something to a user, account or zone.
//
// resources: { "com.cloudflare.api.account.<id>|*": "*" | { "com.cloudflare.api.account.zone.<id>|*": "*" },
//              "com.cloudflare.api.account.zone.<id>|*": "*", "com.cloudflare.api.user.<id>|*": "*" }
// The emulator does not know which account a zone belongs to: an account-wide grant ("...account.<id>": "*")
// reaches every zone; the nested form names zones explicitly.

import { randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { CloudflareError, ErrorCode } from './envelope.ts';
import {
  USER_SCOPE,
  permissionGroup,
  permissionGroupsNamed,
  permissionImplies
} from './permission-groups.ts';
import type { PermissionGroup } from './permission-groups.ts';

const USER_PREFIX = 'com.cloudflare.api.user.';
const ACCOUNT_PREFIX = 'com.cloudflare.api.account.';
const ZONE_PREFIX = 'com.cloudflare.api.account.zone.';

/** The address every request to the emulator comes from, as far as token conditions are concerned. */
export const CLIENT_IP = '127.0.0.1';

export type TokenOwner = { kind: 'user' } | { kind: 'account'; account: string };

/** What a permission is checked against. */
export type Target = { kind: 'user' } | { kind: 'account'; id: string } | { kind: 'zone'; id: string };

export type Resources = Record<string, string | Record<string, string>>;

export interface Policy {
  id: string;
  effect: 'allow' | 'deny';
  groups: PermissionGroup[];
  resources: Resources;
}

/** As sent and returned: `request.ip` (the contract) or `request_ip` (the SDK's spelling), kept as given. */
export type Condition = Record<string, { in?: string[]; not_in?: string[] }>;

export interface PolicyContext {
  owner: TokenOwner;
  userId: string;
  accounts: ReadonlySet<string>;
  zones: ReadonlySet<string>;
  /** Policy ids the token already has; a replacement keeps those it sends back. */
  existingPolicyIds?: ReadonlySet<string>;
  /** Seeding may name permission groups instead of giving their ids. */
  allowGroupNames?: boolean;
}

export const badRequest = (message: string): CloudflareError =>
  new CloudflareError(400, ErrorCode.invalidInput, message);

export function newPolicyId(): string {
  return randomBytes(16).toString('hex');
}

/** Validates `policies` from a request body (or a seed); 400 with the first problem found. */
export function parsePolicies(value: unknown, context: PolicyContext): Policy[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw badRequest('policies must be a non-empty array');
  }
  return value.map((item, index) => parsePolicy(item, `policies[${index}]`, context));
}

function parsePolicy(value: unknown, where: string, context: PolicyContext): Policy {
  if (!isRecord(value)) throw badRequest(`${where} must be an object`);
  const effect = value['effect'];
  if (effect !== 'allow' && effect !== 'deny') throw badRequest(`${where}.effect must be "allow" or "deny"`);
  const groupsValue = value['permission_groups'];
  if (!Array.isArray(groupsValue) || groupsValue.length === 0) {
    throw badRequest(`${where}.permission_groups must be a non-empty array`);
  }
  const groups = groupsValue.map((g, i) => parseGroup(g, `${where}.permission_groups[${i}]`, context));
  if (context.owner.kind === 'account') {
    const userGroup = groups.find((g) => g.scope === USER_SCOPE);
    if (userGroup) {
      throw badRequest(`${where}: account-owned tokens cannot hold the user permission "${userGroup.name}"`);
    }
  }
  const resources = parseResources(value['resources'], `${where}.resources`, context);
  const id = value['id'];
  return {
    id: typeof id === 'string' && context.existingPolicyIds?.has(id) ? id : newPolicyId(),
    effect,
    groups,
    resources
  };
}

function parseGroup(value: unknown, where: string, context: PolicyContext): PermissionGroup {
  if (!isRecord(value)) throw badRequest(`${where} must be an object`);
  const id = value['id'];
  if (typeof id === 'string') {
    const found = permissionGroup(id);
    if (!found) throw badRequest(`Invalid permission group id: ${id}`);
    return found;
  }
  const name = value['name'];
  if (context.allowGroupNames && typeof name === 'string') {
    const named = permissionGroupsNamed(name);
    if (named.length === 1 && named[0]) return named[0];
    const scopes = named.map((g) => g.scope).join(', ');
    throw badRequest(
      named.length === 0
        ? `${where}: unknown permission group "${name}"`
        : `${where}: "${name}" exists in several scopes (${scopes}); give its id`
    );
  }
  throw badRequest(`${where}.id is required`);
}

function parseResources(value: unknown, where: string, context: PolicyContext): Resources {
  if (!isRecord(value) || Object.keys(value).length === 0) {
    throw badRequest(`${where} must be a non-empty object`);
  }
  const resources: Resources = {};
  for (const [key, scope] of Object.entries(value)) {
    if (key.startsWith(ZONE_PREFIX)) {
      checkZone(key, where, context);
      resources[key] = star(scope, `${where}["${key}"]`);
    } else if (key.startsWith(ACCOUNT_PREFIX)) {
      const account = key.slice(ACCOUNT_PREFIX.length);
      if (
        context.owner.kind === 'account'
          ? account !== context.owner.account
          : !known(account, context.accounts)
      ) {
        throw badRequest(
          context.owner.kind === 'account'
            ? `${where}: an account-owned token can only grant on its own account, not "${key}"`
            : `${where}: unknown account in "${key}"`
        );
      }
      if (isRecord(scope)) {
        const zones: Record<string, string> = {};
        for (const [zoneKey, zoneScope] of Object.entries(scope)) {
          if (!zoneKey.startsWith(ZONE_PREFIX)) {
            throw badRequest(`${where}["${key}"]: only zone resources may be nested, not "${zoneKey}"`);
          }
          checkZone(zoneKey, where, context);
          zones[zoneKey] = star(zoneScope, `${where}["${key}"]["${zoneKey}"]`);
        }
        if (Object.keys(zones).length === 0) throw badRequest(`${where}["${key}"] names no zones`);
        resources[key] = zones;
      } else {
        resources[key] = star(scope, `${where}["${key}"]`);
      }
    } else if (key.startsWith(USER_PREFIX)) {
      const user = key.slice(USER_PREFIX.length);
      if (context.owner.kind === 'account') {
        throw badRequest(`${where}: an account-owned token cannot grant on a user ("${key}")`);
      }
      if (user !== '*' && user !== context.userId) throw badRequest(`${where}: unknown user in "${key}"`);
      resources[key] = star(scope, `${where}["${key}"]`);
    } else {
      throw badRequest(`${where}: unsupported resource "${key}"`);
    }
  }
  return resources;
}

function checkZone(key: string, where: string, context: PolicyContext): void {
  if (!known(key.slice(ZONE_PREFIX.length), context.zones)) {
    throw badRequest(`${where}: unknown zone in "${key}"`);
  }
}

function known(id: string, ids: ReadonlySet<string>): boolean {
  return id === '*' || ids.has(id);
}

function star(value: unknown, where: string): string {
  if (value !== '*') throw badRequest(`${where} must be "*"`);
  return value;
}

/** Validates a condition; undefined when absent. */
export function parseCondition(value: unknown): Condition | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw badRequest('condition must be an object');
  const condition: Condition = {};
  for (const [key, rule] of Object.entries(value)) {
    if (key !== 'request.ip' && key !== 'request_ip') {
      throw badRequest(`condition.${key} is not supported (only "request.ip")`);
    }
    if (!isRecord(rule)) throw badRequest(`condition["${key}"] must be an object`);
    const parsed: { in?: string[]; not_in?: string[] } = {};
    for (const [list, cidrs] of Object.entries(rule)) {
      if (list !== 'in' && list !== 'not_in')
        throw badRequest(`condition["${key}"].${list} is not supported`);
      if (!Array.isArray(cidrs) || !cidrs.every((c) => typeof c === 'string' && parseCidr(c))) {
        throw badRequest(`condition["${key}"].${list} must be a list of IPv4/IPv6 CIDRs`);
      }
      parsed[list] = [...(cidrs as string[])];
    }
    condition[key] = parsed;
  }
  if (condition['request.ip'] && condition['request_ip']) {
    throw badRequest('condition has both "request.ip" and "request_ip"');
  }
  return Object.keys(condition).length === 0 ? undefined : condition;
}

/** Would a request from `ip` meet the condition? */
export function conditionAllows(condition: Condition | undefined, ip: string = CLIENT_IP): boolean {
  const rule = condition?.['request.ip'] ?? condition?.['request_ip'];
  if (!rule) return true;
  if (rule.in && rule.in.length > 0 && !matchesAny(rule.in, ip)) return false;
  return !(rule.not_in && matchesAny(rule.not_in, ip));
}

function matchesAny(cidrs: string[], ip: string): boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parsed = parseCidr(cidr);
    if (parsed) list.addSubnet(parsed.address, parsed.prefix, parsed.type);
  }
  return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

function parseCidr(text: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, extra] = text.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) return undefined;
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Allowed when some allow policy grants the permission on the target and no deny policy covers it. */
export function policiesGrant(policies: Policy[], needed: string, target: Target, userId: string): boolean {
  let allowed = false;
  for (const policy of policies) {
    if (!policy.groups.some((g) => permissionImplies(g.permission, needed))) continue;
    if (!covers(policy.resources, target, userId)) continue;
    if (policy.effect === 'deny') return false;
    allowed = true;
  }
  return allowed;
}

function covers(resources: Resources, target: Target, userId: string): boolean {
  return Object.entries(resources).some(([key, scope]) => {
    if (key.startsWith(ZONE_PREFIX)) {
      return target.kind === 'zone' && matches(key.slice(ZONE_PREFIX.length), target.id);
    }
    if (key.startsWith(ACCOUNT_PREFIX)) {
      if (target.kind === 'account')
        return scope === '*' && matches(key.slice(ACCOUNT_PREFIX.length), target.id);
      if (target.kind !== 'zone') return false;
      if (scope === '*') return true;
      return (
        typeof scope === 'object' && (`${ZONE_PREFIX}${target.id}` in scope || `${ZONE_PREFIX}*` in scope)
      );
    }
    return (
      key.startsWith(USER_PREFIX) && target.kind === 'user' && matches(key.slice(USER_PREFIX.length), userId)
    );
  });
}

function matches(pattern: string, id: string): boolean {
  return pattern === '*' || pattern === id;
}

/** The API representation of a policy. */
export function policyJson(policy: Policy): Record<string, unknown> {
  return {
    id: policy.id,
    effect: policy.effect,
    permission_groups: policy.groups.map((g) => ({ id: g.id, name: g.name })),
    resources: structuredClone(policy.resources)
  };
}

export function resourceKey(target: Target, userId: string): string {
  if (target.kind === 'user') return `${USER_PREFIX}${userId}`;
  return target.kind === 'account' ? `${ACCOUNT_PREFIX}${target.id}` : `${ZONE_PREFIX}${target.id}`;
}

export const ALL_ACCOUNTS = `${ACCOUNT_PREFIX}*`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
