import * as core from '@actions/core';
import { ExpiryCheckError, InputError } from '../../errors.js';
import type { ApiTokenPlan } from './plan.js';

/** The plan in the log. */
export function describe(plan: ApiTokenPlan, dryRun = false): void {
  const action = dryRun && plan.action !== 'check' ? `would ${plan.action}` : plan.action;
  core.info(`Plan${dryRun ? ' (dry run)' : ''}: ${action}, because ${plan.reasons.join('; ')}.`);
  if (plan.writes.length)
    core.info(`${dryRun ? 'Would write' : 'Writes'}: the API token to ${plan.writes.length} target(s).`);
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
