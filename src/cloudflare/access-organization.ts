import type { ServiceTokenScope } from '../settings/settings.js';
import type { CloudflareClient } from './client.js';
import { statusOf, toCloudflareError } from './errors.js';

/** The account's enforcement for service tokens no policy references and nobody used for a while. */
export interface InactivitySetting {
  readonly enabled: boolean;
  readonly action: 'disable' | 'delete';
  readonly thresholdDays: number;
}

/** undefined: not configured; 'unreadable': the caller may not read the organization (or there is no Zero Trust organization): skipped. */
export type InactivityReading = InactivitySetting | 'unreadable' | undefined;

/** Reads service_token_inactivity from the Access organization of the account or zone. */
export async function readInactivity(
  client: CloudflareClient,
  scope: ServiceTokenScope
): Promise<InactivityReading> {
  const params = scope.kind === 'account' ? { account_id: scope.id } : { zone_id: scope.id };
  try {
    const organization = await client.zeroTrust.organizations.list(params);
    const setting = organization.service_token_inactivity;
    if (!setting || typeof setting.inactivity_threshold_days !== 'number') return undefined;
    return {
      enabled: setting.enabled === true,
      action: setting.action === 'delete' ? 'delete' : 'disable',
      thresholdDays: setting.inactivity_threshold_days
    };
  } catch (error) {
    const status = statusOf(error);
    if (status === 403 || status === 404) return 'unreadable';
    throw toCloudflareError(
      error,
      `read the Access organization of ${scope.kind} ${scope.id}`,
      `${scope.kind} ${scope.id}`,
      'Access: Organizations, Identity Providers, and Groups Read'
    );
  }
}
