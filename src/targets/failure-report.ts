import { ARCHIVED, failedStatus, isFailed, type TargetOutcome } from './slots.js';
import type { TargetWork } from './target-work.js';

/** Targets with a slot that failed, or a companion skipped because its value failed. */
export function failedOutcomes(outcomes: readonly TargetOutcome[]): TargetOutcome[] {
  return outcomes.filter((outcome) =>
    outcome.slots.some((slot) => isFailed(slot.status) || slot.status === 'skipped')
  );
}

/** Why a target failed: its value's failure, else a companion's. */
function failureReason(outcome: TargetOutcome): string {
  const value = outcome.slots.find((slot) => slot.slot.role === 'value' && isFailed(slot.status));
  const any = value ?? outcome.slots.find((slot) => isFailed(slot.status) || slot.status === 'skipped');
  return (any?.status ?? '').replace(/^failed: /, '');
}

/** Each target that was not written, with its reason: `octo/web (403 Forbidden), octo/api (...)`. */
export function failedTargetList(outcomes: readonly TargetOutcome[]): string {
  return failedOutcomes(outcomes)
    .map((outcome) => `${outcome.label} (${failureReason(outcome)})`)
    .join(', ');
}

/** The first thing to do when archived repositories are among the targets that were not written. */
export function archivedAdvice(outcomes: readonly TargetOutcome[]): string {
  const archived = failedOutcomes(outcomes).some((outcome) =>
    outcome.slots.some((slot) => slot.slot.role === 'value' && slot.status === ARCHIVED)
  );
  return archived ? 'Remove archived repositories from targets. ' : '';
}

/**
 * Targets whose value write failed in a way that may still have taken effect: no answer, a timeout, a 5xx,
 * a rate limit. A 4xx refusal changed nothing.
 */
export function mayHaveLanded(works: readonly TargetWork[]): TargetWork[] {
  return works.filter((work) =>
    work.outcome.slots.some((slot) => {
      if (slot.slot.role !== 'value' || !isFailed(slot.status)) return false;
      const code = failedStatus(slot.status);
      return code === undefined || code < 400 || code >= 500 || code === 408 || code === 429;
    })
  );
}
