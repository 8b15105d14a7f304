import * as core from '@actions/core';
import { ExpiryCheckError, InputError } from '../../errors.js';
import type { RunRecord } from '../../run/record.js';
import type { FanOut } from '../../targets/fan-out.js';
import type { ApiTokenPlan } from './plan.js';

/** The plan in the log. */
export function describe(plan: ApiTokenPlan): void {
  core.info(`Plan: ${plan.action}, because ${plan.reasons.join('; ')}.`);
  if (plan.writes.length) core.info(`Writes: the API token to ${plan.writes.length} target(s).`);
  if (plan.obsolete.length) {
    core.info(
      `Tokens no target holds (deleted by the run): ${plan.obsolete.map((token) => token.id).join(', ')}.`
    );
  }
}

/**
 * The workflow feeds cloudflare-api-token from a secret. When that token is one the run would replace,
 * roll or delete, the secret must be a target, or the next run starts with a dead token: refuse first.
 */
export function assertRunningTokenHeld(plan: ApiTokenPlan, runningId: string, secretName: string): void {
  const running = [plan.current, ...plan.obsolete].find((token) => token?.id === runningId);
  const changes =
    plan.action === 'replace' ||
    plan.action === 'roll' ||
    plan.obsolete.some((token) => token.id === runningId);
  if (!running || !changes) return;
  if ([...plan.holders.values()].some((held) => held.includes(runningId))) return;
  throw new InputError(
    'targets',
    `cloudflare-api-token is the API token '${running.name}' (${running.id}) that this run would ${plan.action === 'roll' ? 'roll' : 'replace or delete'}, but no target holds it in ${secretName}`,
    'Add the target whose secret feeds cloudflare-api-token (with the name in api-token-secret-name), or run the action with a separate token that has API Tokens Write.'
  );
}

/** Check mode: report, change nothing, fail only when the token is expiring or not active. */
export function check(plan: ApiTokenPlan): void {
  for (const stale of plan.staleTargets) {
    core.warning(`Target ${stale} does not hold the current API token; a run in mode auto will heal it.`);
  }
  if (plan.expiryAlert) {
    throw new ExpiryCheckError(plan.expiryAlert, "Run the action with mode 'auto' or 'rotate' to renew it.");
  }
}

/** Marks what a dry run would write and delete; nothing is changed. */
export function recordDryRun(plan: ApiTokenPlan, fanOut: FanOut, record: RunRecord): void {
  record.dryRun = true;
  for (const target of plan.writes) fanOut.get(target).setStatus('apiToken', 'planned');
  if (plan.obsolete.length) {
    record.steps.push(
      `Would delete API token(s) no target holds: ${plan.obsolete.map((token) => token.id).join(', ')}.`
    );
  }
  record.steps.push('Dry run: nothing was changed.');
}
