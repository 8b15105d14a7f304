import { TokenLookupError } from '../../errors.js';
import { CLOCK_TOLERANCE_MS, describeExpiry, isExpiring } from '../../run/plan-header.js';
import { targetLabel, type Target } from '../../settings/targets.js';
import type { ApiTokenResult, ApiTokenState, ApiTokenTargetState } from './model.js';
import type { ApiTokenMode, Strategy } from './settings.js';

export type ApiTokenAction = 'create' | 'replace' | 'roll' | 'check' | 'none';

export interface ApiTokenPlanInput {
  readonly mode: ApiTokenMode;
  readonly strategy: Strategy;
  /** The name (or id) the run looks for, for messages. */
  readonly tokenLabel: string;
  /** Every token that bears the name: the one in use, and any a failed or killed run left behind. */
  readonly family: readonly ApiTokenState[];
  readonly targets: readonly ApiTokenTargetState[];
  readonly now: Date;
  readonly renewalWindowMs: number;
}

export interface ApiTokenPlan {
  readonly action: ApiTokenAction;
  /** Roll only: extend the expiry first (a replacement gets a new expiry anyway). */
  readonly renew: boolean;
  readonly result: ApiTokenResult;
  readonly reasons: readonly string[];
  /** The token in use: the newest one some target holds (the only one, or the newest, when none is held). */
  readonly current: ApiTokenState | undefined;
  /** Targets to write the new value to, those without a working value first. */
  readonly writes: readonly Target[];
  /** The tokens each target may hold before the run (none: missing, or a value older than every token). */
  readonly holders: ReadonlyMap<Target, readonly string[]>;
  /** Tokens no target holds, other than the current one: deleted by the run (a failed run's leftovers). */
  readonly obsolete: readonly ApiTokenState[];
  /** Targets without the current value, with why, for the log and the summary. */
  readonly staleTargets: readonly string[];
  /**
   * When an auto-mode change is due only because these targets lack the current value (the token is neither
   * expiring nor inactive): if none of them can be written, the change would help no one.
   */
  readonly rotationOnlyFor: readonly Target[];
  /** Check mode: set when the token expires within the renewal window. */
  readonly expiryAlert: string | undefined;
}

type Freshness = 'current' | 'stale' | 'missing';

/**
 * A roll keeps the token and kills the old value, so a target written just before a roll looks like one
 * written just after: the margin is kept to what whole-second timestamps need, not the general tolerance.
 */
const ROLL_TOLERANCE_MS = 1000;

/**
 * The tokens whose value a secret may hold. A value is written by the run that created (or rolled) its
 * token, so a secret holds the token that was newest when it was written. GitHub's and Cloudflare's clocks
 * differ a little, so a token issued within the tolerance of the write may or may not have existed then:
 * every such token is a possible holder, as is the newest one issued clearly before.
 */
export function possibleHolders(
  state: ApiTokenTargetState,
  family: readonly ApiTokenState[]
): ApiTokenState[] {
  const written = state.secret?.updatedAt.getTime();
  if (written === undefined) return [];
  const existed = newestFirst(family).filter(
    (token) => token.issuedOn.getTime() <= written + CLOCK_TOLERANCE_MS
  );
  const clearlyBefore = existed.findIndex(
    (token) => token.issuedOn.getTime() <= written - CLOCK_TOLERANCE_MS
  );
  return clearlyBefore === -1 ? existed : existed.slice(0, clearlyBefore + 1);
}

function newestFirst(family: readonly ApiTokenState[]): ApiTokenState[] {
  return [...family].sort((a, b) => b.issuedOn.getTime() - a.issuedOn.getTime());
}

/**
 * A target is current when it surely holds the current token and was written after the token's last change: a
 * roll (or any edit, which cannot be told apart from one) after the write may have changed the value.
 */
function freshness(
  state: ApiTokenTargetState,
  current: ApiTokenState,
  holders: readonly string[],
  toleranceMs: number
): Freshness {
  if (!state.secret) return 'missing';
  // Holding an older token, or maybe holding one (written too close to a replacement to tell).
  if (holders.length !== 1 || holders[0] !== current.id) return 'stale';
  return state.secret.updatedAt.getTime() + toleranceMs >= current.modifiedOn.getTime() ? 'current' : 'stale';
}

/**
 * Tokens the run may delete: every token but those in `keep`, unless a target that was not written in
 * this run still holds it. Deleting a token no target holds cannot lock anyone out; deleting one that a
 * target still holds would.
 */
export function tokensToDelete(
  family: readonly ApiTokenState[],
  keep: ReadonlySet<string>,
  holders: ReadonlyMap<Target, readonly string[]>,
  written: ReadonlySet<Target>
): ApiTokenState[] {
  const stillHeld = new Set(
    [...holders].filter(([target]) => !written.has(target)).flatMap(([, held]) => held)
  );
  return family.filter((token) => !keep.has(token.id) && !stillHeld.has(token.id));
}

function planCreate(input: ApiTokenPlanInput, holders: Map<Target, readonly string[]>): ApiTokenPlan {
  if (input.mode !== 'auto') {
    throw new TokenLookupError(
      `No API token named '${input.tokenLabel}' exists, and mode '${input.mode}' does not create one.`,
      "Check token-name and account-id (set only for an account-owned token), or run with mode 'auto' and api-token-policy to create it."
    );
  }
  return {
    action: 'create',
    renew: false,
    result: 'created',
    reasons: [`no API token named '${input.tokenLabel}' exists`],
    current: undefined,
    writes: input.targets.map((state) => state.target),
    holders,
    obsolete: [],
    staleTargets: [],
    rotationOnlyFor: [],
    expiryAlert: undefined
  };
}

/** Why an existing token needs a change (none: it doesn't). */
function changeReasons(
  input: ApiTokenPlanInput,
  current: ApiTokenState,
  state: { expiring: boolean; expiry: string; staleTargets: readonly string[] }
): string[] {
  if (input.mode === 'rotate') return ['mode is rotate'];
  const { expiring, expiry, staleTargets } = state;
  return [
    ...(current.status !== 'active' ? [`the token is ${current.status}`] : []),
    ...(expiring ? [`the token ${expiry}, within the renewal window`] : []),
    ...(staleTargets.length
      ? [`${staleTargets.length} target(s) lack the current value: ${staleTargets.join(', ')}`]
      : [])
  ];
}

/** Each target's freshness against the current token, those without a working value first. */
function targetFreshness(
  input: ApiTokenPlanInput,
  current: ApiTokenState,
  holders: Map<Target, readonly string[]>
) {
  const tolerance = input.strategy === 'roll' ? ROLL_TOLERANCE_MS : CLOCK_TOLERANCE_MS;
  const states = input.targets.map((state) => ({
    state,
    freshness: freshness(state, current, holders.get(state.target) ?? [], tolerance)
  }));
  const stale = states.filter((entry) => entry.freshness !== 'current');
  return {
    stale: stale.map((entry) => entry.state.target),
    staleTargets: stale.map((entry) => `${targetLabel(entry.state.target)} (${entry.freshness})`),
    // Targets without a working value are written first: they get one sooner.
    writes: [...stale, ...states.filter((entry) => entry.freshness === 'current')].map(
      (entry) => entry.state.target
    )
  };
}

/** Decides what an API token run does. Pure: no I/O, the clock comes in as `now`. */
export function planApiToken(input: ApiTokenPlanInput): ApiTokenPlan {
  const { family, now } = input;
  const holders = new Map<Target, readonly string[]>(
    input.targets.map((state) => [state.target, possibleHolders(state, family).map((token) => token.id)])
  );
  const held = new Set([...holders.values()].flatMap((ids) => ids));
  const ordered = newestFirst(family);
  const current = ordered.find((token) => held.has(token.id)) ?? ordered[0];
  if (!current) return planCreate(input, holders);
  const obsolete = tokensToDelete(family, new Set([current.id]), holders, new Set());
  const { stale, staleTargets, writes } = targetFreshness(input, current, holders);
  const expiry = describeExpiry(current.expiresOn, now);
  const expiring = isExpiring(current.expiresOn, now, input.renewalWindowMs);
  const inactive = current.status !== 'active';
  const base = { current, holders, obsolete, staleTargets, rotationOnlyFor: [], expiryAlert: undefined };

  if (input.mode === 'check') {
    const state = inactive ? `is ${current.status}` : expiry;
    return {
      ...base,
      action: 'check',
      renew: false,
      result: 'checked',
      reasons: [`the token ${expiry}`],
      writes: [],
      expiryAlert: expiring || inactive ? `API token '${current.name}' (${current.id}) ${state}.` : undefined
    };
  }
  const reasons = changeReasons(input, current, { expiring, expiry, staleTargets });
  if (reasons.length) {
    const replace = input.strategy === 'replace';
    return {
      ...base,
      action: replace ? 'replace' : 'roll',
      renew: !replace && expiring,
      result: replace ? 'replaced' : 'rolled',
      reasons,
      writes,
      rotationOnlyFor: input.mode === 'auto' && !expiring && !inactive ? stale : []
    };
  }
  return {
    ...base,
    action: 'none',
    renew: false,
    result: 'unchanged',
    reasons: [
      `every target holds the current value and the token ${expiry}`,
      ...(obsolete.length ? [`${obsolete.length} token(s) named alike are held by no target`] : [])
    ],
    writes: []
  };
}
