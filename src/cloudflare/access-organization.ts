import type { ServiceTokenScope } from '../settings/settings.js';
import type { CloudflareClient } from './client.js';
import * as core from '@actions/core';
import { errorMessage } from '../errors.js';
import { statusOf } from './errors.js';

/** The account's enforcement for service tokens no policy references and nobody used for a while. */
export interface InactivitySetting {
  readonly enabled: boolean;
  readonly action: 'disable' | 'delete';
  readonly thresholdDays: number;
}

/** undefined: not configured; 'unreadable': the organization could not be read (no permission, none, or an error): skipped. */
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
    // Only informational: no rotation fails because the organization could not be read.
    core.info(
      `Access organization of ${scope.kind} ${scope.id} not read (${statusOf(error) ?? errorMessage(error)}): the inactivity check is skipped.`
    );
    return 'unreadable';
  }
}
