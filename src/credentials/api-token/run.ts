import * as core from '@actions/core';
import type { PublicKey } from '../../github/secret-targets.js';
import { unchangedOutcomes, type RunRecord } from '../../run/record.js';
import type { ApiTokenSettings, Settings } from '../../settings/settings.js';
import type { Target } from '../../settings/targets.js';
import { distribute, mayHaveLanded } from './distribute.js';
import { apiTokenDistributionError, cleanUp } from './finish.js';
import type { ApiTokenSpec } from './model.js';
import { observeApiToken } from './observe.js';
import { planApiToken, type ApiTokenMode } from './plan.js';
import { assertRunningTokenHeld, check, describe, recordDryRun } from './plan-outcome.js';
import type { ApiTokenPorts } from './ports.js';
import { preflight, specFor } from './preflight.js';
import { checkRolledValue, createToken, rollToken, type Staged } from './stage.js';

/**
 * The API token protocol: observe → plan → preflight (read-only: permission groups, archived repositories,
 * public keys) → stage (create and verify a new token, or roll) → distribute → clean up (delete what no
 * target holds, the token that runs the action last). A replacement never deletes a token a target holds.
 */
export async function runApiTokenRotation(
  settings: Settings,
  ports: ApiTokenPorts,
  record: RunRecord
): Promise<void> {
  const apiToken = settings.apiToken as ApiTokenSettings;
  record.outcomes = unchangedOutcomes(ports.targets, false);
  const observed = await core.group('Observe the API token and the targets', () =>
    observeApiToken(settings, ports)
  );
  const plan = planApiToken({
    mode: settings.mode as ApiTokenMode,
    strategy: apiToken.strategy,
    tokenLabel: settings.tokenName ?? settings.tokenId ?? '',
    family: observed.family,
    targets: observed.targets,
    now: ports.now(),
    renewalWindowMs: settings.renewalWindowMs
  });
  record.plan = plan;
  record.apiToken = plan.current;
  describe(plan);
  if (plan.action === 'check') return check(plan);
  assertRunningTokenHeld(plan, observed.running.id, apiToken.secretName);
  // Read-only, so a dry run also finds a misspelt permission group.
  const spec = await specFor(plan, settings, apiToken, ports);
  if (settings.dryRun) return recordDryRun(plan, record);

  const { writing, keys } = plan.writes.length
    ? await core.group(
        'Preflight: repositories, access, public keys (and, before a roll, write permission)',
        () => preflight(plan, apiToken.secretName, ports, record)
      )
    : { writing: [], keys: new Map<string, PublicKey>() };

  let staged: Staged | undefined;
  if (plan.action === 'create' || plan.action === 'replace') {
    staged = await core.group('Create and verify the new token', () =>
      createToken(spec as ApiTokenSpec, observed.family, settings, ports, record)
    );
  } else if (plan.action === 'roll') {
    staged = await core.group('Roll the token', () =>
      rollToken(plan, observed.running.id, settings, ports, record)
    );
  }
  if (staged) {
    record.apiToken = staged.issued.token;
    record.issuedSecret = staged.issued.value;
    record.staged = true;
  }
  const value = staged?.issued.value;
  const written =
    value !== undefined
      ? await core.group('Distribute to the targets', () =>
          distribute(writing, value, apiToken.secretName, keys, ports, record)
        )
      : new Set<Target>();
  if (staged && plan.action === 'roll') {
    staged = await core.group('Check the rolled value', () =>
      checkRolledValue(staged as Staged, settings, ports, record)
    );
  }
  // A new token that surely reached no target is not in use: deleted below, or kept while a failed write may
  // have delivered it.
  if (staged && plan.action !== 'roll' && !written.size) record.staged = false;

  await core.group('Clean up', () =>
    cleanUp(
      {
        plan,
        family: observed.family,
        issued: staged?.issued.token,
        written,
        failed: new Set(staged ? mayHaveLanded(writing, written, record) : []),
        runningId: observed.running.id
      },
      ports,
      record
    )
  );
  if (record.outcomes.some((outcome) => outcome.clientSecret.startsWith('failed'))) {
    throw apiTokenDistributionError(record, plan.action === 'roll');
  }
  if (staged?.verification) throw staged.verification;
}
