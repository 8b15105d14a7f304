import { isIP } from 'node:net';

/** A YAML mapping as parsed. */
export type YamlMap = Record<string, unknown>;

/**
 * RFC 3339 (seconds optional, 'T' or space) with a Z or ±hh:mm offset, or a bare date read as UTC midnight.
 * A time without an offset is rejected: the runner's local zone would decide what it means.
 */
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/** The hint of each kind of mistake in api-token-policy. */
export const HINT = {
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
export class Problem extends Error {
  readonly hint: string;
  constructor(problem: string, hint: string) {
    super(problem);
    this.hint = hint;
  }
}

export function fail(problem: string, hint: string): never {
  throw new Problem(problem, hint);
}

export function parseCidrs(value: unknown, path: string): string[] {
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

export function parseDate(value: unknown, path: string): Date {
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

export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireMap(value: unknown, path: string, hint: string): YamlMap {
  if (!isMap(value)) fail(`${path}: expected a map, found ${show(value)}`, hint);
  return value;
}

export function requireList(value: unknown, path: string, hint: string): unknown[] {
  if (!Array.isArray(value)) fail(`${path}: expected a list, found ${show(value)}`, hint);
  if (value.length === 0) fail(`${path}: is empty`, hint);
  return value as unknown[];
}

/** Names unknown keys, so a typo such as `permission_group` is not silently ignored. */
export function checkKeys(map: YamlMap, path: string, allowed: readonly string[]): void {
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
export function show(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
