import { InputError } from '../../errors.js';
import type { ApiTokenSpec } from './model.js';
import type { ApiTokenPlan } from './plan.js';
import type { ApiTokenPorts } from './ports.js';
import type { ApiTokenRunSettings } from './settings.js';
import { expiryFrom, specFromPolicy, specFromToken } from './spec.js';

/** What a new token is made of, resolved (permission group names included) before anything changes. */
export async function specFor(
  plan: ApiTokenPlan,
  settings: ApiTokenRunSettings,
  ports: ApiTokenPorts
): Promise<ApiTokenSpec | undefined> {
  const expiry = expiryFrom(settings.duration, ports.now());
  const { policy } = settings.apiToken;
  if (plan.action === 'replace' && plan.current) {
    let template = plan.current;
    // The list may leave policies out; the token itself has them.
    if (!template.policies.length) template = await ports.apiTokens.get(template.id);
    return specFromToken(template, expiry);
  }
  if (plan.action !== 'create') return undefined;
  if (!policy) {
    throw new InputError(
      'api-token-policy',
      `is not set, and no API token named '${settings.tokenName}' exists for ${ports.apiTokens.ownerLabel} to copy`,
      'Describe the token to create in api-token-policy (policies, and optionally condition and dates), or fix token-name and account-id.'
    );
  }
  const groups = await ports.apiTokens.permissionGroups();
  return specFromPolicy(settings.tokenName as string, policy, groups, ports.apiTokens.ownerLabel, expiry);
}
