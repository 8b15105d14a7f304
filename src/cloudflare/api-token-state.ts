import type {
  ApiTokenConditionJson,
  ApiTokenPolicyJson,
  ApiTokenState
} from '../credentials/api-token/model.js';
import { CloudflareApiError } from '../errors.js';
import { date } from './token-state.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keeps what a replacement copies: the effect, the permission group ids and the resources. */
function policy(raw: unknown): ApiTokenPolicyJson {
  const record = isRecord(raw) ? raw : {};
  const groups = Array.isArray(record.permission_groups) ? record.permission_groups : [];
  return {
    effect: record.effect === 'deny' ? 'deny' : 'allow',
    permission_groups: groups
      .map((group) => (isRecord(group) && typeof group.id === 'string' ? { id: group.id } : undefined))
      .filter((group) => group !== undefined),
    resources: (isRecord(record.resources) ? record.resources : {}) as ApiTokenPolicyJson['resources']
  };
}

/** Cloudflare spells the IP condition `request.ip`; the SDK's types say `request_ip`. Either is read. */
function condition(raw: unknown): ApiTokenConditionJson | undefined {
  if (!isRecord(raw)) return undefined;
  const rule = raw['request.ip'] ?? raw['request_ip'];
  if (!isRecord(rule)) return undefined;
  const list = (value: unknown): string[] | undefined =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
  const inList = list(rule.in);
  const notIn = list(rule.not_in);
  if (!inList?.length && !notIn?.length) return undefined;
  return { request_ip: { ...(inList?.length && { in: inList }), ...(notIn?.length && { not_in: notIn }) } };
}

/** Maps an API token object from the API to the state the plan needs, rejecting what it cannot use. */
export function toApiTokenState(raw: unknown): ApiTokenState {
  const record = isRecord(raw) ? raw : {};
  const id = record.id;
  const issuedOn = date(record.issued_on);
  if (typeof id !== 'string' || !issuedOn) {
    throw new CloudflareApiError(
      'Cloudflare returned an API token without id or issued_on.',
      'Check cloudflare-api-url points at the Cloudflare API v4.'
    );
  }
  const lastUsedOn = date(record.last_used_on);
  return {
    ...(lastUsedOn && { lastUsedOn }),
    id,
    name: typeof record.name === 'string' ? record.name : '',
    status: typeof record.status === 'string' ? record.status : 'active',
    issuedOn,
    modifiedOn: date(record.modified_on) ?? issuedOn,
    expiresOn: date(record.expires_on) ?? null,
    notBefore: date(record.not_before),
    policies: Array.isArray(record.policies) ? record.policies.map(policy) : [],
    condition: condition(record.condition)
  };
}
