import { isIP } from 'node:net';
import { parseDocument } from 'yaml';
import { InputError } from '../../errors.js';

export type PermissionGroupRef = { readonly name: string } | { readonly id: string };
/** Cloudflare's resource map: "com.cloudflare.api.account.<id>|*" → "*" or a nested { "com.cloudflare.api.account.zone.<id>|*": "*" } map, "com.cloudflare.api.account.zone.<id>|*" → "*", "com.cloudflare.api.user.<id>|*" → "*". */
export type PolicyResources = Readonly<Record<string, string | Readonly<Record<string, string>>>>;
export interface TokenPolicyRule {
  readonly effect: 'allow' | 'deny';
  readonly permissionGroups: readonly PermissionGroupRef[];
  readonly resources: PolicyResources;
}
export interface RequestIpCondition {
  readonly in: readonly string[];
  readonly notIn: readonly string[];
}
export interface ApiTokenPolicy {
  readonly policies: readonly TokenPolicyRule[];
  readonly requestIp: RequestIpCondition | undefined;
  readonly notBefore: Date | undefined;
  readonly expiresOn: Date | undefined;
}

type YamlMap = Record<string, unknown>;

const HEX_ID = /^[0-9a-f]{32}$/;
const RESOURCE_KEY = /^com\.cloudflare\.api\.(user|account|account\.zone)\.([0-9a-f]{32}|\*)$/;
/**
 * RFC 3339 (seconds optional, 'T' or space) with a Z or ±hh:mm offset, or a bare date read as UTC midnight.
 * A time without an offset is rejected: the runner's local zone would decide what it means.
 */
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

const HINT = {
  document: 'Write a YAML or JSON document with a policies list, as in the README.',
  policies: 'List one or more policies, each with effect, permission_groups and resources.',
  effect: 'Use allow or deny.',
  groups:
    'List permission group names (for example DNS Write), {name: ...} or {id: <32-character lowercase hex id>}; quote an id that is all digits.',
  resources:
    "Map keys com.cloudflare.api.account.<account id>, com.cloudflare.api.account.zone.<zone id> or com.cloudflare.api.user.<user id> (a 32-character lowercase hex id, or * for all) to '*'.",
  nested:
    "Under an account key, map only com.cloudflare.api.account.zone.<zone id> or com.cloudflare.api.account.zone.* keys to '*'.",
  star: "Write the value as the quoted string '*' (a bare * is a YAML alias).",
  condition:
    'Give condition.request_ip with an in and/or not_in list of CIDRs, for example in: [192.0.2.0/24].',
  cidr: 'Use an IPv4 or IPv6 address with an optional prefix, for example 192.0.2.0/24 or 2001:db8::/32.',
  date: 'Use an RFC 3339 time with a timezone, for example 2027-01-01T00:00:00Z (a bare date means UTC midnight).'
};

/** Thrown by the checks below; parseApiTokenPolicy turns it into an InputError for api-token-policy. */
class Problem extends Error {
  readonly hint: string;
  constructor(problem: string, hint: string) {
    super(problem);
    this.hint = hint;
  }
}

function fail(problem: string, hint: string): never {
  throw new Problem(problem, hint);
}

/** Parses and validates the api-token-policy input; `now` for the date checks. */
export function parseApiTokenPolicy(text: string, now: Date): ApiTokenPolicy {
  try {
    return parsePolicy(readDocument(text), now);
  } catch (error) {
    if (error instanceof Problem) throw new InputError('api-token-policy', error.message, error.hint);
    throw error;
  }
}

function readDocument(text: string): unknown {
  if (text.trim() === '') fail('is empty, nothing to parse', HINT.document);
  // Core schema (the default) keeps dates as strings; uniqueKeys rejects a key given twice.
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, logLevel: 'error' });
  const error = document.errors[0];
  if (error) {
    const before = text.slice(0, error.pos[0]).split('\n');
    const where = `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
    fail(
      `YAML syntax error at ${where}: ${error.message}`,
      error.code === 'BAD_ALIAS' ? HINT.star : HINT.document
    );
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) fail('holds only comments, nothing to parse', HINT.document);
  return value;
}

function parsePolicy(value: unknown, now: Date): ApiTokenPolicy {
  const top = requireMap(value, 'top level', HINT.document);
  checkKeys(top, 'top level', ['policies', 'condition', 'not_before', 'expires_on']);
  const policies = requireList(top.policies, 'policies', HINT.policies).map((rule, i) =>
    parseRule(rule, `policies[${i}]`)
  );
  const requestIp = top.condition === undefined ? undefined : parseCondition(top.condition);
  const notBefore = top.not_before === undefined ? undefined : parseDate(top.not_before, 'not_before');
  const expiresOn = top.expires_on === undefined ? undefined : parseDate(top.expires_on, 'expires_on');

  if (expiresOn && expiresOn <= now) {
    fail(
      `expires_on: ${expiresOn.toISOString()} is not in the future`,
      `Pick a time after ${now.toISOString()}.`
    );
  }
  if (notBefore && expiresOn && notBefore >= expiresOn) {
    fail(
      `not_before: ${notBefore.toISOString()} is not before expires_on ${expiresOn.toISOString()}`,
      'Make not_before earlier than expires_on.'
    );
  }
  // The action verifies a new token before distributing it; a token that is not valid yet cannot be verified.
  if (notBefore && notBefore > now) {
    fail(
      `not_before: ${notBefore.toISOString()} is in the future, so the new token could not be verified`,
      `Remove not_before or set it to a time before ${now.toISOString()}.`
    );
  }
  return { policies, requestIp, notBefore, expiresOn };
}

function parseRule(value: unknown, path: string): TokenPolicyRule {
  const rule = requireMap(value, path, HINT.policies);
  checkKeys(rule, path, ['effect', 'permission_groups', 'resources']);
  const effect = rule.effect;
  if (effect !== 'allow' && effect !== 'deny') {
    fail(`${path}.effect: expected allow or deny, found ${show(effect)}`, HINT.effect);
  }
  const groupsPath = `${path}.permission_groups`;
  const permissionGroups = requireList(rule.permission_groups, groupsPath, HINT.groups).map((group, i) =>
    parseGroup(group, `${groupsPath}[${i}]`)
  );
  return { effect, permissionGroups, resources: parseResources(rule.resources, `${path}.resources`) };
}

function parseGroup(value: unknown, path: string): PermissionGroupRef {
  if (typeof value === 'string') return { name: parseGroupName(value, path) };
  if (!isMap(value)) {
    fail(`${path}: expected a name or a map with name or id, found ${show(value)}`, HINT.groups);
  }
  const group = value;
  checkKeys(group, path, ['name', 'id']);
  if (Object.hasOwn(group, 'name') === Object.hasOwn(group, 'id')) {
    fail(`${path}: give exactly one of name or id`, HINT.groups);
  }
  if (Object.hasOwn(group, 'name')) return { name: parseGroupName(group.name, `${path}.name`) };
  const id = group.id;
  if (typeof id !== 'string' || !HEX_ID.test(id)) {
    fail(`${path}.id: expected a 32-character lowercase hex id, found ${show(id)}`, HINT.groups);
  }
  return { id };
}

function parseGroupName(value: unknown, path: string): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name === '') fail(`${path}: expected a permission group name, found ${show(value)}`, HINT.groups);
  return name;
}

function parseResources(value: unknown, path: string): PolicyResources {
  const entries = Object.entries(requireMap(value, path, HINT.resources));
  if (entries.length === 0) fail(`${path}: is empty`, HINT.resources);
  const resources: Record<string, string | Record<string, string>> = {};
  for (const [key, inner] of entries) {
    const kind = RESOURCE_KEY.exec(key)?.[1];
    if (!kind) fail(`${path}: '${key}' is not a resource key`, HINT.resources);
    const at = `${path}['${key}']`;
    if (!isMap(inner)) {
      resources[key] = requireStar(inner, at);
      continue;
    }
    // Only an account can narrow to its zones (Cloudflare's "all zones of this account" form).
    if (kind !== 'account') fail(`${at}: only an account key can hold a map of zones`, HINT.nested);
    const zones = Object.entries(inner);
    if (zones.length === 0) fail(`${at}: the zone map is empty`, HINT.nested);
    const nested: Record<string, string> = {};
    for (const [zoneKey, leaf] of zones) {
      if (RESOURCE_KEY.exec(zoneKey)?.[1] !== 'account.zone') {
        fail(`${at}: '${zoneKey}' is not a zone resource key`, HINT.nested);
      }
      nested[zoneKey] = requireStar(leaf, `${at}['${zoneKey}']`);
    }
    resources[key] = nested;
  }
  return resources;
}

function requireStar(value: unknown, path: string): string {
  if (value !== '*') fail(`${path}: expected '*', found ${show(value)}`, HINT.star);
  return value;
}

function parseCondition(value: unknown): RequestIpCondition {
  const condition = requireMap(value, 'condition', HINT.condition);
  checkKeys(condition, 'condition', ['request_ip', 'request.ip']);
  const keys = Object.keys(condition);
  if (keys.length !== 1) fail('condition: give exactly one of request_ip or request.ip', HINT.condition);
  const path = keys[0] === 'request_ip' ? 'condition.request_ip' : "condition['request.ip']";
  const requestIp = requireMap(Object.values(condition)[0], path, HINT.condition);
  checkKeys(requestIp, path, ['in', 'not_in']);
  const result = {
    in: parseCidrs(requestIp.in, `${path}.in`),
    notIn: parseCidrs(requestIp.not_in, `${path}.not_in`)
  };
  if (result.in.length + result.notIn.length === 0) fail(`${path}: lists no address`, HINT.condition);
  return result;
}

function parseCidrs(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${path}: expected a list of CIDRs, found ${show(value)}`, HINT.cidr);
  return value.map((cidr: unknown, i) => {
    if (typeof cidr !== 'string' || !isCidr(cidr))
      fail(`${path}[${i}]: ${show(cidr)} is not a CIDR`, HINT.cidr);
    return cidr;
  });
}

/** An address with an optional /prefix; a bare address means /32 or /128. */
function isCidr(text: string): boolean {
  const [address = '', prefix, extra] = text.split('/');
  const version = isIP(address);
  if (version === 0 || address.includes('%') || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^(0|[1-9]\d{0,2})$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function parseDate(value: unknown, path: string): Date {
  const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  if (match) {
    const [, day, time = '00:00:00', zone = 'Z'] = match;
    const local = `${day}T${time.length === 5 ? `${time}:00` : time}`;
    // Date() rolls 2026-02-30 over to March and 24:00 to the next day; a round trip catches that.
    const asUtc = new Date(`${local}Z`);
    if (!Number.isNaN(asUtc.getTime()) && asUtc.toISOString().startsWith(local.slice(0, 19))) {
      return new Date(`${local}${zone.toUpperCase()}`);
    }
  }
  return fail(`${path}: ${show(value)} is not a date and time with a timezone`, HINT.date);
}

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireMap(value: unknown, path: string, hint: string): YamlMap {
  if (!isMap(value)) fail(`${path}: expected a map, found ${show(value)}`, hint);
  return value;
}

function requireList(value: unknown, path: string, hint: string): unknown[] {
  if (!Array.isArray(value)) fail(`${path}: expected a list, found ${show(value)}`, hint);
  if (value.length === 0) fail(`${path}: is empty`, hint);
  return value as unknown[];
}

/** Names unknown keys, so a typo such as `permission_group` is not silently ignored. */
function checkKeys(map: YamlMap, path: string, allowed: readonly string[]): void {
  const unknown = Object.keys(map).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const names = unknown.map((key) => `'${key}'`).join(', ');
    fail(
      `${path}: unknown key${unknown.length > 1 ? 's' : ''} ${names}`,
      `Allowed keys: ${allowed.join(', ')}.`
    );
  }
}

/** A found value for messages: strings quoted, collections by kind, absence as "nothing". */
function show(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
