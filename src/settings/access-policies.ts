import { InputError } from '../errors.js';
import type { ServiceTokenScope } from './settings.js';

/**
 * An Access policy whose `include` must hold the managed service token: a reusable policy of the account, or
 * a policy of one application (`APP_ID/POLICY_ID`), at the scope of the token (zone apps for zone-id).
 */
export type AccessPolicyRef =
  | { readonly kind: 'reusable'; readonly policyId: string; readonly label: string }
  | { readonly kind: 'app'; readonly appId: string; readonly policyId: string; readonly label: string };

/** Access ids are UUIDs (policies, applications). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INPUT = 'access-policy-id';
const FORMAT =
  'Give one policy per line: the id of a reusable policy (Zero Trust → Access → Policies), or APP_ID/POLICY_ID for a policy of one application; both are UUIDs.';

function uuid(value: string, line: string): string {
  if (!UUID.test(value)) throw new InputError(INPUT, `'${line}' is not a policy id`, FORMAT);
  return value.toLowerCase();
}

/** Parses the lines of access-policy-id; rejects malformed ids and duplicates before any request. */
export function parseAccessPolicies(text: string, scope: ServiceTokenScope): AccessPolicyRef[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const refs = lines.map((line): AccessPolicyRef => {
    const parts = line.split('/');
    if (parts.length > 2) throw new InputError(INPUT, `'${line}' is not a policy id`, FORMAT);
    if (parts.length === 2) {
      const [app, policy] = parts as [string, string];
      const appId = uuid(app, line);
      const policyId = uuid(policy, line);
      return { kind: 'app', appId, policyId, label: `${appId}/${policyId}` };
    }
    if (scope.kind === 'zone') {
      throw new InputError(
        INPUT,
        `'${line}' names a reusable policy, but reusable policies belong to an account and zone-id is set`,
        'For a zone-scoped token, give the policy of a zone application as APP_ID/POLICY_ID, or use account-id.'
      );
    }
    const policyId = uuid(line, line);
    return { kind: 'reusable', policyId, label: policyId };
  });
  const seen = new Set<string>();
  for (const ref of refs) {
    if (seen.has(ref.label))
      throw new InputError(INPUT, `'${ref.label}' is listed twice`, 'List each policy once.');
    seen.add(ref.label);
  }
  return refs;
}

/** max-idle-days: a whole number of days, or undefined (no warning) when empty. */
export function parseMaxIdleDays(text: string): number | undefined {
  const value = text.trim();
  if (!value) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 3650) {
    throw new InputError(
      'max-idle-days',
      `'${value}' is not a number of days`,
      'Use a whole number from 1 to 3650, or leave it empty for no warning.'
    );
  }
  return Number(value);
}
