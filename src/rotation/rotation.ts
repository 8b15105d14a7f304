import * as core from '@actions/core';
import { DistributionError, ExpiryCheckError, VerificationError } from '../errors.js';
import type { IssuedCredential, TokenState } from '../model.js';
import { plan as decide, type Plan, type PlannedWrite } from '../plan.js';
import type { Settings } from '../settings/settings.js';
import { targetLabel } from '../settings/targets.js';
import { distribute } from './distribute.js';
import { extendGrace, revokePrevious } from './finish.js';
import { findToken, observeTargets, type SecretNames } from './observe.js';
import { preflight } from './preflight.js';
import type { RotationPorts } from './ports.js';
import { failedOutcomes, type RunRecord } from './record.js';
import { stage } from './stage.js';
import type { PublicKey } from '../github/secret-targets.js';

/** An annotation when the token that runs the action expires soon: the next rotation would fail. */
function warnIfExpiring(what: string, expiresOn: Date | undefined, windowMs: number, now: Date): void {
  if (!expiresOn || expiresOn.getTime() - now.getTime() > windowMs) return;
  core.warning(
    `${what} expires at ${expiresOn.toISOString()}: replace it before then, or rotations will fail.`
  );
}

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
  for (const stale of plan.staleTargets) {
    core.warning(
      `Target ${stale} does not hold the current secret; a run in mode auto will rotate and heal it.`
    );
  }
  if (plan.expiryProblem) {
    core.warning(plan.expiryProblem);
    throw new ExpiryCheckError(
      plan.expiryProblem,
      "Run the action with mode 'auto' or 'rotate' to renew it."
    );
  }
}

function outcomeOf(record: RunRecord, write: PlannedWrite) {
  return record.outcomes.find((candidate) => candidate.label === targetLabel(write.target));
}

/** Marks what a dry run would write; nothing is changed. */
function recordDryRun(plan: Plan, record: RunRecord): void {
  record.dryRun = true;
  for (const write of plan.writes) {
    const outcome = outcomeOf(record, write);
    if (!outcome) continue;
    if (write.clientSecret) outcome.clientSecret = 'planned';
    if (write.clientId) outcome.clientId = 'planned';
  }
  record.steps.push('Dry run: nothing was changed.');
}

function distributionError(record: RunRecord, failed: ReturnType<typeof failedOutcomes>): DistributionError {
  const list = failed
    .map(
      (outcome) =>
        `${outcome.label} (${outcome.clientSecret.startsWith('failed') ? outcome.clientSecret : outcome.clientId})`
    )
    .join(', ');
  return new DistributionError(
    `${failed.length} of ${record.outcomes.length} target(s) did not receive the new secret: ${list}.`,
    record.previousSecretValidUntil
      ? `Each keeps what it held; the previous secret works until ${record.previousSecretValidUntil.toISOString()}: fix the cause and re-run before then (mode auto rewrites every target).`
      : 'Fix the cause and re-run (mode auto writes the missing targets).'
  );
}

/**
 * The rotation protocol: observe (read-only) → plan → preflight (read-only) → stage (create, renew, rotate
 * with a grace) → distribute (write each target) → test (verify-url) → finish (end or extend the grace).
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
  record.outcomes = ports.targets.map((target) => ({
    label: target.label,
    clientIdAs: names.clientIdAsVariable && target.variables ? 'variable' : 'secret',
    clientId: 'unchanged',
    clientSecret: 'unchanged'
  }));

  const { token, targets } = await core.group('Observe the token and the targets', async () => {
    const [apiToken, found, states] = await Promise.all([
      ports.checkApiToken(),
      findToken(settings, ports.tokens),
      observeTargets(ports.targets, names)
    ]);
    warnIfExpiring('cloudflare-api-token', apiToken.expiresOn, settings.renewalWindowMs, ports.now());
    record.token = found;
    core.info(
      found
        ? `Found service token '${found.name}' (${found.id}) in ${ports.tokens.scopeLabel}.`
        : `No service token named '${settings.tokenName}' in ${ports.tokens.scopeLabel}.`
    );
    return { token: found, targets: states };
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

  const { writes, keys } = plan.writes.length
    ? await core.group('Preflight: repositories, access, public keys and write permission', () =>
        preflight(plan, token, targets, names, ports, record)
      )
    : { writes: [], keys: new Map<string, PublicKey>() };
  if (plan.writes.length && !writes.length) throw distributionError(record, failedOutcomes(record));

  let issued: IssuedCredential | undefined;
  if (plan.action !== 'none')
    issued = await core.group('Stage the credential', () => stage(plan, token, settings, ports, record));
  if (plan.action === 'refresh') return;

  const current = (issued?.token ?? token) as TokenState;
  if (writes.length) {
    await core.group('Distribute to the targets', () =>
      distribute(
        writes,
        { clientId: current.clientId, clientSecret: issued?.clientSecret },
        keys,
        targets,
        names,
        ports,
        record
      )
    );
  }

  let verification: Error | undefined;
  if (issued && settings.verifyUrl) {
    const secret = issued.clientSecret;
    verification = await core.group('Test the new credential', () =>
      ports.verify(current.clientId, secret).then(
        () => undefined,
        (error: Error) => error
      )
    );
  }

  const failed = failedOutcomes(record);
  if (issued) {
    await core.group('Finish', async () => {
      if (failed.length === 0 && !verification) {
        if (settings.revokePrevious && plan.action === 'rotate') await revokePrevious(current, ports, record);
        else record.steps.push('Every target holds the new secret.');
        return;
      }
      if (plan.action === 'rotate') await extendGrace(record.token as TokenState, settings, ports, record);
    });
  }

  if (failed.length) throw distributionError(record, failed);
  if (verification) {
    if (verification instanceof VerificationError) throw verification;
    throw new VerificationError(
      `verify-url failed: ${verification.message}.`,
      'Check the URL and its Access policy.'
    );
  }
}
