import { step } from '../../../run/step.js';
import type { TokenState } from '../model.js';
import type { ServiceTokenPorts } from '../ports.js';
import type { ServiceTokenRecord } from '../record.js';
import type { ServiceTokenRunSettings } from '../settings.js';
import { inactivityNotes, warnInactivity } from './inactivity.js';
import { AccessMembership } from './membership.js';

/**
 * The Access side of the observe step (read-only): the configured policies, and the account's inactivity
 * policy where the caller may read it. Returns what keeps the token in the policies later in the run.
 */
export async function observeAccess(
  settings: ServiceTokenRunSettings,
  ports: ServiceTokenPorts,
  token: TokenState | undefined,
  record: ServiceTokenRecord
): Promise<AccessMembership> {
  return step('Observe the Access policies', () => observeWith(settings, ports, token, record));
}

async function observeWith(
  settings: ServiceTokenRunSettings,
  ports: ServiceTokenPorts,
  token: TokenState | undefined,
  record: ServiceTokenRecord
): Promise<AccessMembership> {
  const { accessPolicies = [] } = settings.serviceToken;
  const { maxIdleDays } = settings;
  record.access = { policies: [], notes: [] };
  const [membership, setting] = await Promise.all([
    AccessMembership.observe(accessPolicies, ports.accessPolicies, token?.id, record.access),
    ports.readInactivity ? ports.readInactivity() : Promise.resolve(undefined)
  ]);
  const input = {
    setting,
    token,
    tokenName: settings.tokenName,
    policies: accessPolicies.length,
    maxIdleDays,
    now: ports.now()
  };
  record.access.notes.push(...inactivityNotes(input));
  warnInactivity(input);
  return membership;
}
