/** The `result` output of a run that did what it planned. */
export type Result = 'created' | 'rotated' | 'refreshed' | 'replaced' | 'rolled' | 'unchanged' | 'checked';

/** What the report needs of either credential's plan. */
export interface PlanHeader {
  readonly action: string;
  readonly result: Result;
  readonly reasons: readonly string[];
}

/**
 * GitHub reports secret times in whole seconds, and its clock and Cloudflare's are not the same clock: a
 * secret written right after a rotation may carry a slightly earlier time. Within this margin it still counts
 * as written after the rotation. Only a concurrent run could write an old secret inside it.
 */
export const CLOCK_TOLERANCE_MS = 5000;

/** Whether a token expiring at `expiresAt` (null: never) is due for renewal. */
export function isExpiring(expiresAt: Date | null, now: Date, windowMs: number): boolean {
  return expiresAt !== null && expiresAt.getTime() - now.getTime() <= windowMs;
}

/** A token's expiry in words, for plans and checks of either kind of token (null: never expires). */
export function describeExpiry(expiresAt: Date | null, now: Date): string {
  if (expiresAt === null) return 'never expires';
  const days = (expiresAt.getTime() - now.getTime()) / 86_400_000;
  if (days <= 0) return `expired at ${expiresAt.toISOString()}`;
  return `expires at ${expiresAt.toISOString()} (in ${days.toFixed(1)} days)`;
}
