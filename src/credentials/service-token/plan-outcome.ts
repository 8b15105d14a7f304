import * as core from '@actions/core';
import { ExpiryCheckError } from '../../errors.js';
import type { Plan } from './plan.js';

/** The plan in the log; a dry run says what it would do. */
export function describePlan(plan: Plan, dryRun = false): void {
  const action = dryRun && plan.action !== 'check' ? `would ${plan.action}` : plan.action;
  core.info(
    `Plan${dryRun ? ' (dry run)' : ''}: ${action}${plan.renew ? ' (renew the expiry first)' : ''}, because ${plan.reasons.join('; ')}.`
  );
  const secrets = plan.writes.filter((write) => write.clientSecret).length;
  const ids = plan.writes.filter((write) => write.clientId).length;
  const probe =
    plan.action === 'rotate' && !dryRun
      ? ' (and the unchanged client id rewritten as a write check, one target per owner and kind)'
      : '';
  if (plan.writes.length)
    core.info(
      `${dryRun ? 'Would write' : 'Writes'}: the client secret to ${secrets} target(s), the client id to ${ids} target(s)${probe}.`
    );
}

/** Check mode: report, change nothing, fail only when the token is about to expire. */
export function check(plan: Plan): void {
  for (const stale of plan.staleTargets) {
    core.warning(
      `Target ${stale} does not hold the current secret; a run in mode auto will rotate and heal it.`
    );
  }
  if (plan.expiryProblem) {
    throw new ExpiryCheckError(
      plan.expiryProblem,
      "Run the action with mode 'auto' or 'rotate' to renew it."
    );
  }
}
