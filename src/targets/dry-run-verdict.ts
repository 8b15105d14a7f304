import { DistributionError } from '../errors.js';
import { logStep, type RunRecord } from '../run/record.js';
import { archivedAdvice, failedOutcomes, failedTargetList } from './failure-report.js';

/**
 * The end of a dry run's read-only preflight, for either credential: a target the real run could not write
 * fails the dry run as it would fail the real one; otherwise the log says every read-only check passed.
 */
export function concludeDryRunPreflight(record: RunRecord): void {
  const failed = failedOutcomes(record.outcomes);
  if (failed.length) {
    throw new DistributionError(
      `Dry run: a real run would not write ${failed.length} of ${record.outcomes.length} target(s): ${failedTargetList(record.outcomes)}.`,
      `${archivedAdvice(record.outcomes)}Fix the targets named, then run the dry run again.`
    );
  }
  logStep(record, 'Dry run: every read-only check passed; nothing was changed.');
}
