import * as core from '@actions/core';
import { DistributionError, ExpiryCheckError, VerificationError } from '../errors.js';
import type { IssuedCredential, TokenState } from '../model.js';
import { plan as decide, type Plan } from '../plan.js';
import type { Settings } from '../settings/settings.js';
import { targetLabel } from '../settings/targets.js';
import { distribute } from './distribute.js';
import { extendGrace, revokePrevious } from './finish.js';
import { findToken, observeTargets, readPublicKeys } from './observe.js';
import type { RotationPorts } from './ports.js';
import { failedOutcomes, type RunRecord } from './record.js';
import { stage } from './stage.js';

function describePlan(plan: Plan): void {
  core.info(
    `Plan: ${plan.action}${plan.renew ? ' (renew the expiry first)' : ''}, because ${plan.reasons.join('; ')}.`
  );
  const secrets = plan.writes.filter((write) => write.clientSecret).length;
  const ids = plan.writes.filter((write) => write.clientId).length;
  if (plan.writes.length)
    core.info(`Writes: the client secret to ${secrets} target(s), the client id to ${ids} target(s).`);
}

/** Check mode: report, change nothing, fail only when the token is about to expire. */
function check(plan: Plan): void {
  for (const stale of plan.staleTargets)
    core.warning(
      `Target ${stale} does not hold the current secret; a run in mode auto will rotate and heal it.`
    );
  if (plan.expiryProblem) {
    core.warning(plan.expiryProblem);
    throw new ExpiryCheckError(
      plan.expiryProblem,
      "Run the action with mode 'auto' or 'rotate' to renew it."
    );
  }
}

/** Marks what a dry run would write; nothing is changed. */
function recordDryRun(plan: Plan, record: RunRecord): void {
  record.dryRun = true;
  for (const write of plan.writes) {
    const outcome = record.outcomes.find((candidate) => candidate.label === targetLabel(write.target));
    if (!outcome) continue;
    if (write.clientSecret) outcome.clientSecret = 'planned';
    if (write.clientId) outcome.clientId = 'planned';
  }
  record.steps.push('Dry run: nothing was changed.');
}

/**
 * The rotation protocol: observe (read-only) → plan → stage (create, renew, rotate with a grace) →
 * distribute (write each target) → test (verify-url) → finish (end or extend the grace).
 */
export async function runRotation(
  settings: Settings,
  ports: RotationPorts,
  record: RunRecord
): Promise<void> {
  const names = { clientId: settings.clientIdSecretName, clientSecret: settings.clientSecretSecretName };
  record.outcomes = ports.targets.map((target) => ({
    label: target.label,
    clientId: 'unchanged',
    clientSecret: 'unchanged'
  }));

  const { token, targets } = await core.group('Observe the token and the targets', async () => {
    const found = await findToken(settings, ports.tokens);
    record.token = found;
    core.info(
      found
        ? `Found service token '${found.name}' (${found.id}) in ${ports.tokens.scopeLabel}.`
        : `No service token named '${settings.tokenName}' in ${ports.tokens.scopeLabel}.`
    );
    return { token: found, targets: await observeTargets(ports.targets, names) };
  });

  const plan = decide({
    mode: settings.mode,
    tokenName: settings.tokenName,
    token,
    targets,
    now: ports.now(),
    renewalWindowMs: settings.renewalWindowMs
  });
  record.plan = plan;
  describePlan(plan);

  if (plan.action === 'check') return check(plan);
  if (settings.dryRun) return recordDryRun(plan, record);

  const writing = ports.targets.filter((target) =>
    plan.writes.some((write) => write.target === target.target)
  );
  const keys = writing.length
    ? await core.group("Read the targets' public keys", () => readPublicKeys(writing))
    : new Map();

  let issued: IssuedCredential | undefined;
  if (plan.action !== 'none')
    issued = await core.group('Stage the credential', () => stage(plan, token, settings, ports, record));
  if (plan.action === 'refresh') return;

  const current = (issued?.token ?? token) as TokenState;
  if (plan.writes.length) {
    await core.group('Distribute to the targets', () =>
      distribute(
        plan,
        { clientId: current.clientId, clientSecret: issued?.clientSecret },
        keys,
        names,
        ports,
        record
      )
    );
  }
  if (!issued) return;

  let verification: Error | undefined;
  if (settings.verifyUrl) {
    verification = await core.group('Test the new credential', () =>
      ports.verify(current.clientId, issued.clientSecret).then(
        () => undefined,
        (error: Error) => error
      )
    );
  }

  const failed = failedOutcomes(record);
  await core.group('Finish', async () => {
    if (failed.length === 0 && !verification) {
      if (settings.revokePrevious && plan.action === 'rotate') await revokePrevious(current, ports, record);
      else record.steps.push('Every target holds the new secret.');
      return;
    }
    if (plan.action === 'rotate') await extendGrace(record.token as TokenState, settings, ports, record);
  });

  if (failed.length) {
    throw new DistributionError(
      `${failed.length} of ${record.outcomes.length} target(s) did not receive the new secret: ${failed.map((outcome) => `${outcome.label} (${outcome.clientSecret.startsWith('failed') ? outcome.clientSecret : outcome.clientId})`).join(', ')}.`,
      record.previousSecretValidUntil
        ? `They still hold the previous secret, which works until ${record.previousSecretValidUntil.toISOString()}: fix the cause and re-run before then (mode auto rewrites every target).`
        : 'Fix the cause and re-run (mode auto writes the missing targets).'
    );
  }
  if (verification) {
    if (verification instanceof VerificationError) throw verification;
    throw new VerificationError(
      `verify-url failed: ${verification.message}.`,
      'Check the URL and its Access policy.'
    );
  }
}
