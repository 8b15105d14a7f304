import { CLOCK_TOLERANCE_MS } from '../../run/plan-header.js';
import type { Target } from '../../settings/targets.js';
import type { TargetState, TokenState } from './model.js';

export type Freshness = 'current' | 'stale' | 'missing' | 'unknown';

export interface PlannedWrite {
  readonly target: Target;
  readonly clientId: boolean;
  readonly clientSecret: boolean;
}

export function secretFreshness(
  written: { updatedAt: Date } | undefined,
  since: Date | undefined
): Freshness {
  if (!written) return 'missing';
  if (!since) return 'unknown';
  return written.updatedAt.getTime() + CLOCK_TOLERANCE_MS >= since.getTime() ? 'current' : 'stale';
}

/**
 * Every target gets the new secret; those holding an out-of-date secret come first. Cloudflare keeps one
 * previous secret, so a rotation ends an older one at once: the sooner such a target is written, the shorter
 * the time it has no working secret.
 */
export function allWrites(
  targets: readonly TargetState[],
  clientId: (state: TargetState) => boolean,
  since?: Date
): PlannedWrite[] {
  const rank = { stale: 0, unknown: 1, missing: 2, current: 3 };
  const order = (state: TargetState): number => rank[secretFreshness(state.clientSecret, since)];
  return [...targets]
    .sort((a, b) => order(a) - order(b))
    .map((state) => ({ target: state.target, clientId: clientId(state), clientSecret: true }));
}

/**
 * A client id variable is compared by value. A client id secret cannot be read: it needs writing when missing
 * or written before the record's client_id_since (then it may hold an older token's id); without a record,
 * always.
 */
export function clientIdNeedsWrite(state: TargetState, token: TokenState, since: Date | undefined): boolean {
  if (state.clientIdVariable !== undefined) return state.clientIdVariable !== token.clientId;
  return !since || secretFreshness(state.clientId, since) !== 'current';
}
