import { describe, expect, it } from '@jest/globals';
import {
  lastRotation,
  plan,
  secretFreshness,
  type PlanInput
} from '../../src/credentials/service-token/plan.js';
import { CLOCK_TOLERANCE_MS } from '../../src/run/plan-header.js';
import type { TargetState, TokenState } from '../../src/credentials/service-token/model.js';
import { TokenLookupError } from '../../src/errors.js';
import type { Mode } from '../../src/settings/settings.js';

const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00.000Z');
const at = (offsetMs: number): Date => new Date(now.getTime() + offsetMs);

function token(overrides: Partial<TokenState> = {}): TokenState {
  return {
    id: 'tok-1',
    name: 'svc',
    clientId: 'abc.access',
    createdAt: at(-300 * DAY),
    updatedAt: at(-10 * DAY),
    expiresAt: at(200 * DAY),
    clientSecretVersion: 3,
    previousSecretExpiresAt: at(-9 * DAY),
    ...overrides
  };
}

const repo = { kind: 'repository', owner: 'o', repo: 'r' } as const;
const env = { kind: 'environment', owner: 'o', repo: 'r', environment: 'prod' } as const;

/** Ages in ms of the two secrets; null: the secret is missing. */
function target(
  secretAge: number | null,
  idAge: number | null = secretAge,
  which: TargetState['target'] = repo
): TargetState {
  return {
    target: which,
    clientSecret: secretAge === null ? undefined : { updatedAt: at(-secretAge) },
    clientId: idAge === null ? undefined : { updatedAt: at(-idAge) }
  };
}

function input(mode: Mode, overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    mode,
    tokenName: 'svc',
    token: token(),
    targets: [target(5 * DAY)],
    now,
    renewalWindowMs: 30 * DAY,
    ...overrides
  };
}

describe('lastRotation', () => {
  it('is updated_at while the previous secret is still in its grace (or was never rotated)', () => {
    expect(lastRotation(token({ previousSecretExpiresAt: at(DAY), updatedAt: at(-DAY) }))).toEqual(at(-DAY));
    expect(lastRotation(token({ previousSecretExpiresAt: null }))).toEqual(token().updatedAt);
    expect(lastRotation(token({ previousSecretExpiresAt: undefined }))).toEqual(token().updatedAt);
  });

  it('is the previous secret expiry when that lies at or before updated_at (grace ended by a later change)', () => {
    expect(lastRotation(token({ previousSecretExpiresAt: at(-20 * DAY), updatedAt: at(-DAY) }))).toEqual(
      at(-20 * DAY)
    );
    expect(lastRotation(token({ previousSecretExpiresAt: at(-DAY), updatedAt: at(-DAY) }))).toEqual(at(-DAY));
  });
});

describe('secretFreshness', () => {
  it('tells missing, stale and current apart, with a small clock tolerance', () => {
    expect(secretFreshness(undefined, now)).toBe('missing');
    expect(secretFreshness({ updatedAt: at(-CLOCK_TOLERANCE_MS - 1) }, now)).toBe('stale');
    expect(secretFreshness({ updatedAt: at(-CLOCK_TOLERANCE_MS) }, now)).toBe('current');
    expect(secretFreshness({ updatedAt: at(1000) }, now)).toBe('current');
  });
});

describe('plan without a token', () => {
  it('creates in auto mode and writes both secrets everywhere', () => {
    const result = plan(input('auto', { token: undefined, targets: [target(null), target(DAY, DAY, env)] }));
    expect(result).toMatchObject({ action: 'create', result: 'created', renew: false });
    expect(result.writes).toEqual([
      { target: repo, clientId: true, clientSecret: true },
      { target: env, clientId: true, clientSecret: true }
    ]);
  });

  it.each(['rotate', 'refresh', 'check'] as const)('fails in %s mode, naming the token', (mode) => {
    expect(() => plan(input(mode, { token: undefined }))).toThrow(TokenLookupError);
    expect(() => plan(input(mode, { token: undefined }))).toThrow(/'svc'.*mode 'auto'/);
  });
});

describe('plan in auto mode', () => {
  it('changes nothing when every target is current and the token is far from expiry', () => {
    const result = plan(input('auto'));
    expect(result).toMatchObject({ action: 'none', result: 'unchanged', renew: false, writes: [] });
  });

  it('changes nothing for a token that never expires', () => {
    expect(plan(input('auto', { token: token({ expiresAt: null }) })).action).toBe('none');
  });

  it('rotates and renews when the token expires within the window', () => {
    const result = plan(input('auto', { token: token({ expiresAt: at(29 * DAY) }) }));
    expect(result).toMatchObject({ action: 'rotate', renew: true, result: 'rotated' });
    expect(result.reasons.join()).toMatch(/renewal window/);
    expect(result.writes).toEqual([{ target: repo, clientId: false, clientSecret: true }]);
  });

  it('rotates and renews an expired token', () => {
    expect(plan(input('auto', { token: token({ expiresAt: at(-DAY) }) }))).toMatchObject({
      action: 'rotate',
      renew: true
    });
  });

  it.each([
    ['missing', null],
    ['stale', 11 * DAY]
  ])('rotates without renewing when a target secret is %s, and writes every target', (_, age) => {
    const result = plan(input('auto', { targets: [target(DAY, DAY, env), target(age, age)] }));
    expect(result).toMatchObject({ action: 'rotate', renew: false });
    expect(result.writes.map((write) => write.clientSecret)).toEqual([true, true]);
    expect(result.staleTargets).toHaveLength(1);
  });

  it('writes targets holding an out-of-date secret first, then missing ones, then current ones', () => {
    const current = target(DAY, DAY, { kind: 'repository', owner: 'o', repo: 'current' });
    const missing = target(null, null, { kind: 'repository', owner: 'o', repo: 'missing' });
    const stale = target(20 * DAY, 20 * DAY, { kind: 'repository', owner: 'o', repo: 'stale' });
    const result = plan(input('rotate', { targets: [current, missing, stale] }));
    expect(result.writes.map((write) => ('repo' in write.target ? write.target.repo : ''))).toEqual([
      'stale',
      'missing',
      'current'
    ]);
  });

  it('writes the client id where it is missing or older than the token', () => {
    const result = plan(
      input('auto', { targets: [target(11 * DAY, null), target(11 * DAY, 301 * DAY, env)] })
    );
    expect(result.writes).toEqual([
      { target: repo, clientId: true, clientSecret: true },
      { target: env, clientId: true, clientSecret: true }
    ]);
  });

  it('writes only a missing client id when the secret is current, without rotating', () => {
    const result = plan(input('auto', { targets: [target(DAY, null)] }));
    expect(result).toMatchObject({ action: 'none', result: 'unchanged' });
    expect(result.writes).toEqual([{ target: repo, clientId: true, clientSecret: false }]);
  });

  it('does not see targets as stale after a run that ended the grace at the rotation time', () => {
    // Rotation 2 days ago, targets written 1 minute later, grace ended (set to the rotation time) after that.
    const rotatedAt = at(-2 * DAY);
    const revoked = token({ updatedAt: at(-2 * DAY + 120_000), previousSecretExpiresAt: rotatedAt });
    const written = {
      target: repo,
      clientSecret: { updatedAt: at(-2 * DAY + 60_000) },
      clientId: { updatedAt: at(-DAY * 300) }
    };
    expect(plan(input('auto', { token: revoked, targets: [written] })).action).toBe('none');
  });

  it('sees targets as stale after a failed run extended the grace', () => {
    const extended = token({ updatedAt: at(-DAY), previousSecretExpiresAt: at(DAY) });
    const written = {
      target: repo,
      clientSecret: { updatedAt: at(-DAY - 60_000) },
      clientId: { updatedAt: at(-300 * DAY) }
    };
    expect(plan(input('auto', { token: extended, targets: [written] })).action).toBe('rotate');
  });
});

describe('plan in the explicit modes', () => {
  it('rotate always rotates, renewing only inside the window', () => {
    expect(plan(input('rotate'))).toMatchObject({ action: 'rotate', renew: false, result: 'rotated' });
    expect(plan(input('rotate', { token: token({ expiresAt: at(DAY) }) }))).toMatchObject({ renew: true });
  });

  it('refresh renews without any write', () => {
    expect(plan(input('refresh', { targets: [target(null)] }))).toMatchObject({
      action: 'refresh',
      renew: true,
      result: 'refreshed',
      writes: []
    });
  });

  it('check reports the expiry problem only inside the window, and lists stale targets', () => {
    expect(plan(input('check'))).toMatchObject({
      action: 'check',
      result: 'checked',
      expiryProblem: undefined,
      writes: []
    });
    const expiring = plan(
      input('check', { token: token({ expiresAt: at(3 * DAY) }), targets: [target(null)] })
    );
    expect(expiring.expiryProblem).toMatch(/'svc' \(tok-1\) expires at .* \(in 3\.0 days\)/);
    expect(expiring.staleTargets).toEqual(['o/r (missing)']);
    expect(plan(input('check', { token: token({ expiresAt: at(-DAY) }) })).expiryProblem).toMatch(
      /expired at/
    );
  });
});

describe('plan over every mode, token state and target state', () => {
  const tokens = {
    missing: undefined,
    fresh: token(),
    expiring: token({ expiresAt: at(DAY) }),
    expired: token({ expiresAt: at(-DAY) }),
    forever: token({ expiresAt: null })
  };
  const targetStates = {
    current: target(DAY),
    stale: target(20 * DAY),
    missing: target(null),
    none: undefined
  };
  const modes: Mode[] = ['auto', 'rotate', 'refresh', 'check'];

  for (const mode of modes) {
    for (const [tokenLabel, tokenState] of Object.entries(tokens)) {
      for (const [targetLabel, targetState] of Object.entries(targetStates)) {
        it(`${mode} × ${tokenLabel} token × ${targetLabel} target`, () => {
          const args = input(mode, { token: tokenState, targets: targetState ? [targetState] : [] });
          if (!tokenState && mode !== 'auto') {
            expect(() => plan(args)).toThrow(TokenLookupError);
            return;
          }
          const result = plan(args);
          const expiring = tokenLabel === 'expiring' || tokenLabel === 'expired';
          const needsSecret = targetLabel === 'stale' || targetLabel === 'missing';
          const expected = !tokenState
            ? 'create'
            : mode === 'check'
              ? 'check'
              : mode === 'refresh'
                ? 'refresh'
                : mode === 'rotate' || expiring || needsSecret
                  ? 'rotate'
                  : 'none';
          expect(result.action).toBe(expected);
          expect(result.renew).toBe(expected === 'refresh' || (expected === 'rotate' && expiring));
          const writesSecrets = expected === 'create' || expected === 'rotate';
          expect(result.writes.every((write) => write.clientSecret === writesSecrets)).toBe(true);
          if (writesSecrets) expect(result.writes).toHaveLength(targetState ? 1 : 0);
          expect(Boolean(result.expiryProblem)).toBe(mode === 'check' && expiring);
        });
      }
    }
  }
});
