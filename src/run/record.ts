import * as core from '@actions/core';
import type { TargetOutcome } from '../targets/slots.js';
import type { PlanHeader } from './plan-header.js';

/**
 * What a run has learned and done so far, for either credential. The run fills it step by step; the report
 * reads it after success or failure alike, so partial results are never lost. Each credential extends it
 * with the state of its token.
 */
export interface RunRecord {
  plan: PlanHeader | undefined;
  /** The secret or API token value issued by this run (kept only for the optional output). */
  issuedSecret: string | undefined;
  /** One per target, in the order of the `targets` input. */
  outcomes: readonly TargetOutcome[];
  /** True once the token was created, rotated or renewed by this run. */
  staged: boolean;
  /** What the run did, in order, for the summary. */
  readonly steps: string[];
  dryRun: boolean;
}

export function newRunRecord(): RunRecord {
  return { plan: undefined, issuedSecret: undefined, outcomes: [], staged: false, steps: [], dryRun: false };
}

/** Records a step for the summary and prints it in the log. */
export function logStep(record: RunRecord, text: string): void {
  record.steps.push(text);
  core.info(text);
}
