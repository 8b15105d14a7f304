import * as core from '@actions/core';
import type { PublicKey } from '../../github/secret-targets.js';
import type { IssuedCredential, TokenState } from './model.js';
import { plan as decide } from './plan.js';
import type { Settings } from '../../settings/settings.js';
import { distribute } from '../../targets/distribute.js';
import { distributionError, finish } from './finish.js';
import { observe, type SecretNames } from '../../targets/observe.js';
import { check, describePlan, recordDryRun } from './plan-outcome.js';
import type { RotationPorts } from './ports.js';
import { preflight } from '../../targets/preflight.js';
import { failedOutcomes, unchangedOutcomes, type RunRecord } from '../../run/record.js';
import { stage } from './stage.js';

/**
 * The rotation protocol: observe (read-only) → plan → preflight (read-only) → stage (create, renew, rotate
 * with a grace) → distribute (write each target) → test (verify-url) → finish (end or extend the grace).
 * Each step records what it did in `record`, which the report reads even when a step throws.
 */
export async function runRotation(
  settings: Settings,
  ports: RotationPorts,
  record: RunRecord
): Promise<void> {
  const names: SecretNames = {
    clientId: settings.clientIdSecretName,
    clientSecret: settings.clientSecretSecretName,
    clientIdAsVariable: settings.clientIdAsVariable
  };
  record.outcomes = unchangedOutcomes(ports.targets, names.clientIdAsVariable);

  const { token, targets } = await core.group('Observe the token and the targets', () =>
    observe(settings, ports, names)
  );
  record.token = token;

  const plan = decide({
    mode: settings.mode,
    tokenName: settings.tokenName,
    renewalWindowMs: settings.renewalWindowMs,
    token,
    targets,
    now: ports.now()
  });
  record.plan = plan;
  describePlan(plan);
  if (plan.action === 'check') return check(plan);
  if (settings.dryRun) return recordDryRun(plan, record);

  const { writes, keys } = plan.writes.length
    ? await core.group('Preflight: repositories, access, public keys and write permission', () =>
        preflight(plan, token, targets, names, ports, record)
      )
    : { writes: [], keys: new Map<string, PublicKey>() };
  if (plan.writes.length && !writes.length) throw distributionError(record, ports.now());

  let issued: IssuedCredential | undefined;
  if (plan.action !== 'none') {
    issued = await core.group('Stage the credential', () => stage(plan, token, settings, ports, record));
  }
  if (plan.action === 'refresh') return;

  const current = (issued?.token ?? token) as TokenState;
  if (writes.length) {
    const credential = { clientId: current.clientId, clientSecret: issued?.clientSecret };
    await core.group('Distribute to the targets', () =>
      distribute(writes, credential, keys, targets, names, ports, record)
    );
  }
  if (!issued) {
    if (failedOutcomes(record).length) throw distributionError(record, ports.now());
    return;
  }

  const secret = issued.clientSecret;
  const verification = settings.verifyUrl
    ? await core.group('Test the new credential', () =>
        ports.verify(current.clientId, secret).then(
          () => void record.steps.push('verify-url accepted the new credential.'),
          (error: Error) => error
        )
      )
    : undefined;
  await finish({ rotated: plan.action === 'rotate', token: current, verification }, settings, ports, record);
}
