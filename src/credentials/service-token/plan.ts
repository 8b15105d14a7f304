import { TokenDisabledError, TokenLookupError } from '../../errors.js';
import { describeExpiry, isExpiring, type Result } from '../../run/plan-header.js';
import type { Mode } from '../../settings/settings.js';
import type { Target } from '../../settings/targets.js';
import { targetLabel } from '../../settings/targets.js';
import type { TargetState, TokenState } from './model.js';
import { allWrites, clientIdNeedsWrite, secretFreshness, type PlannedWrite } from './plan-writes.js';
import type { RecordEvidence } from './record-evidence.js';

export type { Freshness, PlannedWrite } from './plan-writes.js';
export { secretFreshness } from './plan-writes.js';

export type Action = 'create' | 'rotate' | 'refresh' | 'check' | 'none';

export interface Plan {
  readonly action: Action;
  /** Extend the token's expiry (before rotating). */
  readonly renew: boolean;
  /** The `result` output this plan leads to when it succeeds. */
  readonly result: Result;
  /** Why, in words, for the log and the summary. */
  readonly reasons: readonly string[];
  readonly writes: readonly PlannedWrite[];
  /** Set in check mode when the token expires within the renewal window. */
  readonly expiryProblem: string | undefined;
  /** Targets whose client secret is missing, older than the last rotation, or not known to be current. */
  readonly staleTargets: readonly string[];
  /**
   * When an auto-mode rotation is due only because these targets lack the current secret (the token is not
   * expiring): if none of them can be written, rotating would change nothing for them.
   */
  readonly rotationOnlyFor: readonly Target[];
  /** The record says the last rotation had not finished, but every target holds its secret: mark it complete. */
  readonly completeRecord: boolean;
  /** No record ties the targets to this token: the rotation adopts it (and writes every client id). */
  readonly adopting: boolean;
}

export interface PlanInput {
  readonly mode: Mode;
  readonly tokenName: string | undefined;
  /** undefined: no token was found (only possible when looking up by name). */
  readonly token: TokenState | undefined;
  readonly targets: readonly TargetState[];
  readonly record: RecordEvidence;
  readonly now: Date;
  readonly renewalWindowMs: number;
}

const EMPTY = { expiryProblem: undefined, staleTargets: [], rotationOnlyFor: [], completeRecord: false };

function planMissingToken(input: PlanInput): Plan {
  if (input.mode !== 'auto') {
    throw new TokenLookupError(
      `No service token named '${input.tokenName}' exists, and mode '${input.mode}' does not create one.`,
      "Check token-name and the account or zone, or run with mode 'auto' to create it."
    );
  }
  return {
    ...EMPTY,
    action: 'create',
    renew: false,
    result: 'created',
    reasons: [`no service token named '${input.tokenName}' exists`],
    // In the order of the targets input: no target holds anything of a token that does not exist yet.
    writes: input.targets.map((state) => ({ target: state.target, clientId: true, clientSecret: true })),
    adopting: false
  };
}

/** What every plan for an existing token starts from. */
interface Assessment {
  readonly input: PlanInput;
  readonly token: TokenState;
  /** When the current secret was issued, as the record says; undefined: not known. */
  readonly since: Date | undefined;
  /** Why the targets' state is not known, when it is not. */
  readonly unknownWhy: string | undefined;
  readonly stale: readonly TargetState[];
  readonly expiring: boolean;
  readonly expiry: string;
  readonly base: Pick<
    Plan,
    'staleTargets' | 'expiryProblem' | 'rotationOnlyFor' | 'completeRecord' | 'adopting'
  >;
}

/**
 * The record says when the current secret was issued. Cloudflare's undeclared client_secret_version, when it
 * is sent, can only add doubt: a version other than the recorded one means a rotation outside this action.
 */
function issuedSince(input: PlanInput, token: TokenState): { since?: Date; unknownWhy?: string } {
  const evidence = input.record;
  if (evidence.kind === 'none') return { unknownWhy: `${evidence.why} (${evidence.label})` };
  const recorded = evidence.record.clientSecretVersion;
  const reported = token.hints.clientSecretVersion;
  if (recorded !== undefined && reported !== undefined && recorded !== reported) {
    return {
      unknownWhy: `Cloudflare reports client_secret_version ${reported} where the rotation record says ${recorded}: the token was rotated outside this action`
    };
  }
  return { since: evidence.record.issuedAt };
}

function assess(input: PlanInput, token: TokenState): Assessment {
  if (!token.enabled) {
    throw new TokenDisabledError(
      `Service token '${token.name}' (${token.id}) is disabled: Access accepts neither its current nor its previous secret${input.mode === 'check' ? '' : ', so nothing was changed'}.`,
      'Re-enable it (Zero Trust → Access → Service credentials → the token → Enable, or PUT enabled: true); if the account disabled it for inactivity, add it to an Access policy that uses it.'
    );
  }
  const { since, unknownWhy } = issuedSince(input, token);
  const stale = input.targets.filter((state) => secretFreshness(state.clientSecret, since) !== 'current');
  const staleTargets = stale.map(
    (state) => `${targetLabel(state.target)} (${secretFreshness(state.clientSecret, since)})`
  );
  return {
    input,
    token,
    since,
    unknownWhy,
    stale,
    expiring: isExpiring(token.expiresAt, input.now, input.renewalWindowMs),
    expiry: describeExpiry(token.expiresAt, input.now),
    base: {
      staleTargets,
      expiryProblem: undefined,
      rotationOnlyFor: [],
      completeRecord: false,
      adopting: unknownWhy !== undefined
    }
  };
}

const clientIdSince = (input: PlanInput): Date | undefined =>
  input.record.kind === 'own' ? input.record.record.clientIdSince : undefined;

function rotationWrites({ input, token, since }: Assessment): PlannedWrite[] {
  return allWrites(input.targets, (state) => clientIdNeedsWrite(state, token, clientIdSince(input)), since);
}

function rotateReasons({ expiring, expiry, stale, base, unknownWhy, since }: Assessment): string[] {
  return [
    ...(expiring ? [`the token ${expiry}, within the renewal window`] : []),
    ...(unknownWhy
      ? [`${unknownWhy}: rotating once so that every target provably holds the current secret`]
      : []),
    ...(since && stale.length
      ? [`${stale.length} target(s) lack the current secret: ${base.staleTargets.join(', ')}`]
      : [])
  ];
}

/** Auto mode: rotate when the token expires soon or a target lacks the current secret, else only fill in client ids. */
function planAuto(assessment: Assessment): Plan {
  const { input, token, stale, expiring, expiry, base } = assessment;
  const reasons = rotateReasons(assessment);
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
    .filter((state) => clientIdNeedsWrite(state, token, clientIdSince(input)))
    .map((state) => ({ target: state.target, clientId: true, clientSecret: false }));
  // Nothing is stale here: a record that says the last rotation had not finished can be marked complete.
  const completeRecord = input.record.kind === 'own' && input.record.record.state !== 'complete';
  return {
    ...base,
    completeRecord,
    action: 'none',
    renew: false,
    result: 'unchanged',
    reasons: [
      `every target holds the current secret and the token ${expiry}`,
      ...(clientIdOnly.length ? [`${clientIdOnly.length} target(s) lack the client id`] : []),
      ...(completeRecord ? ['the rotation record is marked complete'] : [])
    ],
    writes: clientIdOnly
  };
}

/** Decides what the run does. Pure: no I/O, the clock comes in as `now`. */
export function plan(input: PlanInput): Plan {
  if (!input.token) return planMissingToken(input);
  const assessment = assess(input, input.token);
  const { token, expiring, expiry, base, unknownWhy } = assessment;
  switch (input.mode) {
    case 'check':
      return {
        ...base,
        action: 'check',
        renew: false,
        result: 'checked',
        reasons: [
          `the token ${expiry}`,
          ...(unknownWhy ? [`${unknownWhy}: which targets are current is not known`] : [])
        ],
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
        reasons: [
          'mode is rotate',
          ...(expiring ? [`the token ${expiry}`] : []),
          ...(unknownWhy ? [unknownWhy] : [])
        ],
        writes: rotationWrites(assessment)
      };
    case 'auto':
      return planAuto(assessment);
  }
}
