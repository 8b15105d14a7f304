import * as core from '@actions/core';
import type { SecretTarget } from '../github/secret-target.js';
import type { ApiTokenState } from '../credentials/api-token/model.js';
import type { Result, TokenState, WriteStatus } from '../credentials/service-token/model.js';
import type { Target } from '../settings/targets.js';

export interface TargetOutcome {
  readonly label: string;
  readonly kind: Target['kind'];
  /** Where the client id goes: a secret, or an Actions variable (client-id-as-variable). */
  readonly clientIdAs: 'secret' | 'variable';
  clientId: WriteStatus;
  clientSecret: WriteStatus;
}

/**
 * What a run has learned and done so far. The rotation fills it step by step; the report reads it after
 * success or failure alike, so partial results are never lost.
 */
/** What the report needs of either kind of plan. */
export interface PlannedRun {
  readonly action: string;
  readonly result: Result;
  readonly reasons: readonly string[];
}

export interface RunRecord {
  plan: PlannedRun | undefined;
  /** The latest known state of the service token. */
  token: TokenState | undefined;
  /** The API token in use (credential api-token). */
  apiToken: ApiTokenState | undefined;
  /** The secret or API token value issued by this run (kept only for the optional output). */
  issuedSecret: string | undefined;
  outcomes: TargetOutcome[];
  /** Until when the previous secret works, when this run rotated. */
  previousSecretValidUntil: Date | undefined;
  /** True once the token was created, rotated or renewed by this run. */
  staged: boolean;
  /** What the run did, in order, for the summary. */
  readonly steps: string[];
  dryRun: boolean;
}

export function newRunRecord(): RunRecord {
  return {
    plan: undefined,
    token: undefined,
    apiToken: undefined,
    issuedSecret: undefined,
    outcomes: [],
    previousSecretValidUntil: undefined,
    staged: false,
    steps: [],
    dryRun: false
  };
}

/** The status of a target in an archived repository, which is never written. */
export const ARCHIVED = 'failed: archived repository';

export function failedOutcomes(record: RunRecord): TargetOutcome[] {
  return record.outcomes.filter(
    (outcome) =>
      outcome.clientId.startsWith('failed') ||
      outcome.clientSecret.startsWith('failed') ||
      outcome.clientId === 'skipped'
  );
}

/**
 * Every target starts a run unchanged. The client id is reported as a variable where asked and the target
 * has variables (never for an API token, which has no client id).
 */
export function unchangedOutcomes(
  targets: readonly SecretTarget[],
  clientIdAsVariable: boolean
): TargetOutcome[] {
  return targets.map((target) => ({
    label: target.label,
    kind: target.target.kind,
    clientIdAs: clientIdAsVariable && target.variables ? 'variable' : 'secret',
    clientId: 'unchanged',
    clientSecret: 'unchanged'
  }));
}

/** Records a step for the summary and prints it in the log. */
export function logStep(record: RunRecord, text: string): void {
  record.steps.push(text);
  core.info(text);
}

/** The HTTP status of a failed write (`failed: 403 Forbidden`), when the failure had one. */
export function failedStatus(status: WriteStatus): number | undefined {
  const code = /^failed: (\d{3})\b/.exec(status)?.[1];
  return code === undefined ? undefined : Number(code);
}
