import type { PermissionGroup } from '../../cloudflare/api-token-store.js';
import { InputError } from '../../errors.js';
import type { ApiTokenPolicy, PermissionGroupRef } from './policy.js';
import type { TokenDuration } from '../../settings/duration.js';
import type { ApiTokenPolicyJson, ApiTokenSpec, ApiTokenState } from './model.js';

/** A created or replacing token is valid for `duration` from now (no expiry for `forever`). */
export function expiryFrom(duration: TokenDuration, now: Date): Date | undefined {
  // Whole seconds, as Cloudflare stores it.
  return duration.forever ? undefined : new Date(Math.floor((now.getTime() + duration.ms) / 1000) * 1000);
}

function resolveGroup(
  ref: PermissionGroupRef,
  where: string,
  groups: readonly PermissionGroup[],
  ownerLabel: string
): { id: string } {
  const found =
    'id' in ref
      ? groups.find((group) => group.id === ref.id.toLowerCase())
      : groups.find((group) => group.name.toLowerCase() === ref.name.toLowerCase());
  if (found) return { id: found.id };
  const what = 'id' in ref ? `id ${ref.id}` : `'${ref.name}'`;
  throw new InputError(
    'api-token-policy',
    `${where}: ${what} is not a permission group that API tokens of ${ownerLabel} can have`,
    "Use a name as the dashboard's token editor shows it (for example 'DNS Write' or 'Zone Read'; case does not matter)."
  );
}

/** What creating the token sends: api-token-policy with permission group names resolved to ids. */
export function specFromPolicy(
  name: string,
  policy: ApiTokenPolicy,
  groups: readonly PermissionGroup[],
  ownerLabel: string,
  defaultExpiry: Date | undefined
): ApiTokenSpec {
  const policies: ApiTokenPolicyJson[] = policy.policies.map((rule, index) => ({
    effect: rule.effect,
    permission_groups: rule.permissionGroups.map((ref, refIndex) =>
      resolveGroup(ref, `policies[${index}].permission_groups[${refIndex}]`, groups, ownerLabel)
    ),
    resources: rule.resources
  }));
  const requestIp = policy.requestIp;
  return {
    name,
    policies,
    condition: requestIp
      ? {
          request_ip: {
            ...(requestIp.in.length && { in: requestIp.in }),
            ...(requestIp.notIn.length && { not_in: requestIp.notIn })
          }
        }
      : undefined,
    expiresOn: policy.expiresOn ?? defaultExpiry,
    notBefore: policy.notBefore
  };
}

/** A replacement has the old token's name, policies and condition, and a new expiry. */
export function specFromToken(token: ApiTokenState, expiresOn: Date | undefined): ApiTokenSpec {
  return {
    name: token.name,
    policies: token.policies,
    condition: token.condition,
    expiresOn,
    notBefore: undefined
  };
}
