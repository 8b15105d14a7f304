import * as core from '@actions/core';
import { ExpiryCheckError } from '../../errors.js';
import type { Plan } from './plan.js';
import type { RunRecord } from '../../run/record.js';
import type { FanOut } from '../../targets/fan-out.js';

export function describePlan(plan: Plan): void {
  core.info(
    `Plan: ${plan.action}${plan.renew ? ' (renew the expiry first)' : ''}, because ${plan.reasons.join('; ')}.`
  );
  const secrets = plan.writes.filter((write) => write.clientSecret).length;
  const ids = plan.writes.filter((write) => write.clientId).length;
  if (plan.writes.length)
    core.info(`Writes: the client secret to ${secrets} target(s), the client id to ${ids} target(s).`);
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

/** Marks what a dry run would write; nothing is changed. */
export function recordDryRun(plan: Plan, fanOut: FanOut, record: RunRecord): void {
  record.dryRun = true;
  for (const write of plan.writes) {
    const work = fanOut.get(write.target);
    if (write.clientSecret) work.setStatus('clientSecret', 'planned');
    if (write.clientId) work.setStatus('clientId', 'planned');
  }
  record.steps.push('Dry run: nothing was changed.');
}
