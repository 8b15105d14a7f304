import type { Result } from '../run/plan-header.js';
import type { RunRecord } from '../run/record.js';
import { failedOutcomes } from '../targets/failure-report.js';

/** What a dry run reports as `result`: the change it would make (`would-rotate`), else the plan's result. */
const WOULD: Partial<Record<Result, string>> = {
  created: 'would-create',
  rotated: 'would-rotate',
  refreshed: 'would-refresh',
  replaced: 'would-replace',
  rolled: 'would-roll'
};

/**
 * The `result` output: `failed` after any failure (what was reached is in `progressOf`), `would-*` in a dry
 * run, else the plan's result once the plan is made and, for a change, once the change happened.
 */
export function resultOf(record: RunRecord, failure?: Error): string | undefined {
  const plan = record.plan;
  // A check that fails (the token expires soon) still checked: that is its verdict.
  if (failure) return plan?.action === 'check' ? plan.result : 'failed';
  if (!plan) return undefined;
  if (record.dryRun) return WOULD[plan.result] ?? plan.result;
  if (plan.action === 'none' || plan.action === 'check' || record.staged) return plan.result;
  return undefined;
}

/** How far a failed run got, for the summary: "created, then failed to write 2 of 2 targets". */
export function progressOf(record: RunRecord, failure: Error | undefined): string | undefined {
  if (!failure || record.dryRun) return undefined;
  const plan = record.plan;
  if (!plan) return 'failed before a plan was made; nothing was changed';
  const failed = failedOutcomes(record.outcomes).length;
  const of = `${failed} of ${record.outcomes.length} target(s)`;
  if (!record.staged) {
    return failed
      ? `failed before the token was changed (${of} could not be written)`
      : 'failed before the token was changed';
  }
  return failed ? `${plan.result}, then failed to write ${of}` : `${plan.result}, then failed (see Failure)`;
}
