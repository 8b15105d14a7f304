import { TokenLookupError } from '../../errors.js';
import { CLOCK_TOLERANCE_MS, describeExpiry, isExpiring, type Result } from '../../run/plan-header.js';
import type { Mode } from '../../settings/settings.js';
import type { Target } from '../../settings/targets.js';
import { targetLabel } from '../../settings/targets.js';
import type { TargetState, TokenState } from './model.js';

export type Action = 'create' | 'rotate' | 'refresh' | 'check' | 'none';
export type Freshness = 'current' | 'stale' | 'missing';

export interface PlannedWrite {
  readonly target: Target;
  readonly clientId: boolean;
  readonly clientSecret: boolean;
}

export interface Plan {
  readonly action: Action;
  /** Extend the token's expiry (before rotating, so the rotation stays the token's last change). */
  readonly renew: boolean;
  /** The `result` output this plan leads to when it succeeds. */
  readonly result: Result;
  /** Why, in words, for the log and the summary. */
  readonly reasons: readonly string[];
  readonly writes: readonly PlannedWrite[];
  /** Set in check mode when the token expires within the renewal window. */
  readonly expiryProblem: string | undefined;
  /** Targets whose client secret is missing or older than the last rotation. */
  readonly staleTargets: readonly string[];
  /**
   * When an auto-mode rotation is due only because these targets lack the current secret (the token is not
   * expiring): if none of them can be written, rotating would change nothing for them.
   */
  readonly rotationOnlyFor: readonly Target[];
}

export interface PlanInput {
  readonly mode: Mode;
  readonly tokenName: string | undefined;
  /** undefined: no token was found (only possible when looking up by name). */
  readonly token: TokenState | undefined;
  readonly targets: readonly TargetState[];
  readonly now: Date;
  readonly renewalWindowMs: number;
}

/**
 * When the current secret was issued. `updatedAt` moves on every change, so a later change would make fresh
 * targets look stale; the one change this action makes after its writes is ending the grace, which it does by
 * setting the previous secret's expiry to the rotation time. An expiry at or before `updatedAt` therefore marks
 * the rotation itself.
 */
export function lastRotation(token: TokenState): Date {
  const previous = token.previousSecretExpiresAt;
  if (previous && previous.getTime() <= token.updatedAt.getTime()) return previous;
  return token.updatedAt;
}

export function secretFreshness(written: { updatedAt: Date } | undefined, since: Date): Freshness {
  if (!written) return 'missing';
  return written.updatedAt.getTime() + CLOCK_TOLERANCE_MS >= since.getTime() ? 'current' : 'stale';
}

/**
 * Every target gets the new secret; those holding an out-of-date secret come first. Cloudflare keeps one
 * previous secret, so a rotation ends an older one at once: the sooner such a target is written, the shorter
 * the time it has no working secret.
 */
function allWrites(
  targets: readonly TargetState[],
  clientId: (state: TargetState) => boolean,
  since?: Date
): PlannedWrite[] {
  const order = (state: TargetState): number =>
    since ? { stale: 0, missing: 1, current: 2 }[secretFreshness(state.clientSecret, since)] : 0;
  return [...targets]
    .sort((a, b) => order(a) - order(b))
    .map((state) => ({ target: state.target, clientId: clientId(state), clientSecret: true }));
}

/**
 * A client id variable is compared by value. A client id secret cannot be read: it needs writing when missing
 * or written before this token existed (then it holds an older token's id).
 */
function clientIdNeedsWrite(state: TargetState, token: TokenState): boolean {
  if (state.clientIdVariable !== undefined) return state.clientIdVariable !== token.clientId;
  return secretFreshness(state.clientId, token.createdAt) !== 'current';
}

function planMissingToken(input: PlanInput): Plan {
  if (input.mode !== 'auto') {
    throw new TokenLookupError(
      `No service token named '${input.tokenName}' exists, and mode '${input.mode}' does not create one.`,
      "Check token-name and the account or zone, or run with mode 'auto' to create it."
    );
  }
  return {
    action: 'create',
    renew: false,
    result: 'created',
    reasons: [`no service token named '${input.tokenName}' exists`],
    writes: allWrites(input.targets, () => true),
    expiryProblem: undefined,
    staleTargets: [],
    rotationOnlyFor: []
  };
}

/** What every plan for an existing token starts from. */
interface Assessment {
  readonly input: PlanInput;
  readonly token: TokenState;
  readonly since: Date;
  readonly stale: readonly TargetState[];
  readonly expiring: boolean;
  readonly expiry: string;
  readonly base: Pick<Plan, 'staleTargets' | 'expiryProblem' | 'rotationOnlyFor'>;
}

function assess(input: PlanInput, token: TokenState): Assessment {
  const since = lastRotation(token);
  const stale = input.targets.filter((state) => secretFreshness(state.clientSecret, since) !== 'current');
  const staleTargets = stale.map(
    (state) => `${targetLabel(state.target)} (${secretFreshness(state.clientSecret, since)})`
  );
  return {
    input,
    token,
    since,
    stale,
    expiring: isExpiring(token.expiresAt, input.now, input.renewalWindowMs),
    expiry: describeExpiry(token.expiresAt, input.now),
    base: { staleTargets, expiryProblem: undefined, rotationOnlyFor: [] }
  };
}

function rotationWrites({ input, token, since }: Assessment): PlannedWrite[] {
  return allWrites(input.targets, (state) => clientIdNeedsWrite(state, token), since);
}

/** Auto mode: rotate when the token expires soon or a target lacks the current secret, else only fill in client ids. */
function planAuto(assessment: Assessment): Plan {
  const { input, token, stale, expiring, expiry, base } = assessment;
  const reasons = [
    ...(expiring ? [`the token ${expiry}, within the renewal window`] : []),
    ...(stale.length
      ? [`${stale.length} target(s) lack the current secret: ${base.staleTargets.join(', ')}`]
      : [])
  ];
  if (reasons.length) {
    return {
      ...base,
      rotationOnlyFor: expiring ? [] : stale.map((state) => state.target),
      action: 'rotate',
      renew: expiring,
      result: 'rotated',
      reasons,
      writes: rotationWrites(assessment)
    };
  }
  const clientIdOnly = input.targets
    .filter((state) => clientIdNeedsWrite(state, token))
    .map((state) => ({ target: state.target, clientId: true, clientSecret: false }));
  return {
    ...base,
    action: 'none',
    renew: false,
    result: 'unchanged',
    reasons: [
      `every target holds the current secret and the token ${expiry}`,
      ...(clientIdOnly.length ? [`${clientIdOnly.length} target(s) lack the client id`] : [])
    ],
    writes: clientIdOnly
  };
}

/** Decides what the run does. Pure: no I/O, the clock comes in as `now`. */
export function plan(input: PlanInput): Plan {
  if (!input.token) return planMissingToken(input);
  const assessment = assess(input, input.token);
  const { token, expiring, expiry, base } = assessment;
  switch (input.mode) {
    case 'check':
      return {
        ...base,
        action: 'check',
        renew: false,
        result: 'checked',
        reasons: [`the token ${expiry}`],
        writes: [],
        expiryProblem: expiring ? `Service token '${token.name}' (${token.id}) ${expiry}.` : undefined
      };
    case 'refresh':
      return {
        ...base,
        action: 'refresh',
        renew: true,
        result: 'refreshed',
        reasons: ['mode is refresh'],
        writes: []
      };
    case 'rotate':
      return {
        ...base,
        action: 'rotate',
        renew: expiring,
        result: 'rotated',
        reasons: ['mode is rotate', ...(expiring ? [`the token ${expiry}`] : [])],
        writes: rotationWrites(assessment)
      };
    case 'auto':
      return planAuto(assessment);
  }
}
