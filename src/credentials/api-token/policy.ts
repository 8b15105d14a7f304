import { parseDocument } from 'yaml';
import { InputError } from '../../errors.js';
import {
  HINT,
  Problem,
  checkKeys,
  fail,
  isMap,
  parseCidrs,
  parseDate,
  requireList,
  requireMap,
  show
} from './policy-checks.js';

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

const HEX_ID = /^[0-9a-f]{32}$/;
const RESOURCE_KEY = /^com\.cloudflare\.api\.(user|account|account\.zone)\.([0-9a-f]{32}|\*)$/;
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
  const value = toValue(document);
  if (value === null || value === undefined) fail('holds only comments, nothing to parse', HINT.document);
  return value;
}

/** Aliases that expand into more than this many nodes are refused (a billion-laughs document). */
const MAX_ALIAS_COUNT = 100;

function toValue(document: ReturnType<typeof parseDocument>): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    // The yaml library's guard against resource exhaustion, or an alias it cannot resolve.
    if (!(error instanceof ReferenceError)) throw error;
    fail(
      'its YAML aliases (*name) expand too far, or name no anchor',
      'Write the policy without aliases and anchors (*name, &name); quote a * that is a value.'
    );
  }
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
  rejectUnquotedName(group, path);
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

/** `- Access: Audit Logs Read` unquoted: YAML reads the colon as a key, making a map of the name. */
function rejectUnquotedName(group: Record<string, unknown>, path: string): void {
  const entries = Object.entries(group);
  const [key, inner] = entries[0] ?? [];
  if (entries.length !== 1 || key === 'name' || key === 'id' || typeof inner !== 'string') return;
  fail(
    `${path}: '${key}: ${inner}' reads as a map (the colon makes YAML see a key), not as a permission group name`,
    `Quote the name: - '${key}: ${inner}'.`
  );
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
