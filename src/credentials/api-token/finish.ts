import { CleanupError, DistributionError, errorMessage } from '../../errors.js';
import { logStep } from '../../run/record.js';
import type { Target } from '../../settings/targets.js';
import { archivedAdvice, failedOutcomes, failedTargetList } from '../../targets/failure-report.js';
import type { ApiTokenState } from './model.js';
import { tokensToDelete, type ApiTokenPlan } from './plan.js';
import type { ApiTokenPorts } from './ports.js';
import type { ApiTokenRecord } from './record.js';

export interface CleanupInput {
  readonly plan: ApiTokenPlan;
  readonly family: readonly ApiTokenState[];
  /** The token whose value the run issued (created or rolled), if any. */
  readonly issued: ApiTokenState | undefined;
  /** Targets that received the new value in this run. */
  readonly written: ReadonlySet<Target>;
  /**
   * Targets whose write of the new value failed. A failure may come after the write took effect (GitHub's
   * answer lost: a 5xx, a dropped connection), so they may hold the new token as well as their old one.
   */
  readonly failed: ReadonlySet<Target>;
  /** cloudflare-api-token's id: deleted last, as nothing can be called after it is gone. */
  readonly runningId: string;
}

/**
 * Deletes every token that no target needs any more: the replaced one once all hold the new value,
 * leftovers of failed runs, and a new token that no target received. A token a failed target still
 * holds is kept, so no one is locked out; the next run replaces again and cleans up.
 */
export async function cleanUp(
  input: CleanupInput,
  ports: ApiTokenPorts,
  record: ApiTokenRecord
): Promise<void> {
  const { plan, issued, written } = input;
  const family =
    issued && !input.family.some((token) => token.id === issued.id)
      ? [...input.family, issued]
      : input.family;
  const holders = new Map(plan.holders);
  const now = issued ?? plan.current;
  for (const target of written) holders.set(target, now ? [now.id] : []);
  // Kept while a failed write may have delivered it; a later run tells from the secrets' dates.
  if (issued) {
    for (const target of input.failed) holders.set(target, [...(holders.get(target) ?? []), issued.id]);
  }
  // A new token that surely reached no target is no one's: it goes, and the token in use stays.
  const inUse = issued && written.size ? issued : plan.current;
  record.apiToken = inUse;
  const doomed = tokensToDelete(family, new Set(inUse ? [inUse.id] : []), holders, new Set());
  // The token the action runs with goes last: after that no call can be made.
  doomed.sort((a, b) => Number(a.id === input.runningId) - Number(b.id === input.runningId));
  const failures: string[] = [];
  for (const token of doomed) {
    try {
      await ports.apiTokens.delete(token);
      const why = token.id === issued?.id ? 'no target received it' : 'no target holds it any more';
      logStep(
        record,
        `Deleted API token ${token.id} (issued ${token.issuedOn.toISOString()}): ${why}${token.id === input.runningId ? '; it was cloudflare-api-token, deleted last' : ''}.`
      );
    } catch (error) {
      failures.push(`${token.id} (${errorMessage(error)})`);
    }
  }
  const kept = family.filter((token) => token.id !== inUse?.id && !doomed.includes(token));
  if (kept.length) {
    logStep(
      record,
      `Kept API token(s) ${kept.map((token) => token.id).join(', ')}: targets that were not written still hold them.`
    );
  }
  if (failures.length) {
    throw new CleanupError(
      `Could not delete API token(s) that no target holds any more: ${failures.join(', ')}; they still work.`,
      'Every target holds the token in use; the next run deletes them (or delete them in the dashboard).'
    );
  }
}

/** The run's failure when targets were not written: each named, with what it holds now. */
export function apiTokenDistributionError(record: ApiTokenRecord, rolled: boolean): DistributionError {
  return new DistributionError(
    `${failedOutcomes(record.outcomes).length} of ${record.outcomes.length} target(s) did not receive the new API token: ${failedTargetList(record.outcomes)}.`,
    archivedAdvice(record.outcomes) +
      (rolled
        ? 'Their value was rolled away and no longer works (strategy roll): fix the cause and re-run now.'
        : 'They keep the token they held, which was kept and still works: fix the cause and re-run (mode auto replaces the token again, writes every target, then deletes the older tokens).')
  );
}
