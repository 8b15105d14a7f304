import { ArchivedTargetError, InputError } from '../../errors.js';
import type { PublicKey, SecretTarget } from '../../github/secret-targets.js';
import { findArchived, prepareWrites, readPublicKeys } from '../../targets/observe.js';
import { markArchived, onlyForArchived } from '../../targets/preflight.js';
import type { RunRecord } from '../../run/record.js';
import type { ApiTokenSettings, Settings } from '../../settings/settings.js';
import type { ApiTokenSpec, ApiTokenState } from './model.js';
import type { ApiTokenPlan } from './plan.js';
import type { ApiTokenPorts } from './ports.js';
import { expiryFrom, specFromPolicy, specFromToken } from './spec.js';
import { probeWriteAccess } from '../../targets/write-probe.js';

/** What a new token is made of, resolved (permission group names included) before anything changes. */
export async function specFor(
  plan: ApiTokenPlan,
  settings: Settings,
  apiToken: ApiTokenSettings,
  ports: ApiTokenPorts
): Promise<ApiTokenSpec | undefined> {
  const expiry = expiryFrom(settings.duration, ports.now());
  if (plan.action === 'replace') {
    let template = plan.current as ApiTokenState;
    // The list may leave policies out; the token itself has them.
    if (!template.policies.length) template = await ports.apiTokens.get(template.id);
    return specFromToken(template, expiry);
  }
  if (plan.action !== 'create') return undefined;
  if (!apiToken.policy) {
    throw new InputError(
      'api-token-policy',
      `is not set, and no API token named '${settings.tokenName}' exists for ${ports.apiTokens.ownerLabel} to copy`,
      'Describe the token to create in api-token-policy (policies, and optionally condition and dates), or fix token-name and account-id.'
    );
  }
  const groups = await ports.apiTokens.permissionGroups();
  return specFromPolicy(
    settings.tokenName as string,
    apiToken.policy,
    groups,
    ports.apiTokens.ownerLabel,
    expiry
  );
}

/**
 * Archived repositories are left out (reported as failed); a change wanted only for them is refused.
 * Before a roll, which cannot be undone, github-token must prove it can write.
 */
export async function preflight(
  plan: ApiTokenPlan,
  secretName: string,
  ports: ApiTokenPorts,
  record: RunRecord
): Promise<{ writing: SecretTarget[]; keys: Map<string, PublicKey> }> {
  // In the plan's order: targets without a working value first.
  const wanted = plan.writes.flatMap((write) => ports.targets.filter((target) => target.target === write));
  const archived = await findArchived(wanted, (owner, repo) => ports.isArchived(owner, repo));
  markArchived(archived, record);
  if (onlyForArchived(plan.rotationOnlyFor, archived)) {
    throw new ArchivedTargetError(
      `Not rotated: the only targets without the current API token are in archived (read-only) repositories: ${plan.staleTargets.join(', ')}.`,
      'Remove them from targets, or unarchive the repositories.'
    );
  }
  const writing = wanted.filter((target) => !archived.has(target));
  await prepareWrites(writing, [secretName]);
  const keys = await readPublicKeys(writing);
  if (plan.action === 'roll') await probeWriteAccess(writing, keys, ports, record);
  return { writing, keys };
}
