import { describe, expect, it } from '@jest/globals';
import { plan, secretFreshness, type PlanInput } from '../../src/credentials/service-token/plan.js';
import type { RecordEvidence } from '../../src/credentials/service-token/record-evidence.js';
import type { RotationRecord } from '../../src/credentials/service-token/rotation-record.js';
import { CLOCK_TOLERANCE_MS } from '../../src/run/plan-header.js';
import type { TargetState, TokenState } from '../../src/credentials/service-token/model.js';
import { TokenDisabledError, TokenLookupError } from '../../src/errors.js';
import type { Mode } from '../../src/settings/settings.js';

const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00.000Z');
const at = (offsetMs: number): Date => new Date(now.getTime() + offsetMs);

function token(overrides: Partial<TokenState> = {}): TokenState {
  return {
    id: 'tok-1',
    name: 'svc',
    clientId: 'abc.access',
    enabled: true,
    duration: '8760h',
    expiresAt: at(200 * DAY),
    hints: {},
    ...overrides
  };
}

/** The action's record: the current secret was issued 10 days ago, client ids date from 300 days ago. */
function record(overrides: Partial<RotationRecord> = {}): RecordEvidence {
  return {
    kind: 'own',
    label: 'variable CF_ACCESS_CLIENT_SECRET_ROTATION in o/r',
    text: '{}',
    record: {
      tokenId: 'tok-1',
      tokenName: 'svc',
      scope: 'account a',
      state: 'complete',
      issuedAt: at(-10 * DAY),
      clientIdSince: at(-300 * DAY),
      rotations: 3,
      clientSecretVersion: 3,
      previousValidUntil: undefined,
      ...overrides
    }
  };
}

const NO_RECORD: RecordEvidence = {
  kind: 'none',
  why: 'no rotation record',
  text: undefined,
  label: 'variable CF_ACCESS_CLIENT_SECRET_ROTATION in o/r'
};

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
    record: record(),
    now,
    renewalWindowMs: 30 * DAY,
    ...overrides
  };
}

describe('the rotation record as the evidence of freshness', () => {
  it('adopts a token without a record: rotates once and writes every client id, whatever the targets hold', () => {
    const result = plan(input('auto', { record: NO_RECORD, targets: [target(DAY), target(DAY, DAY, env)] }));
    expect(result).toMatchObject({ action: 'rotate', adopting: true, renew: false });
    expect(result.reasons.join()).toMatch(/no rotation record .*rotating once/);
    expect(result.writes.every((write) => write.clientId && write.clientSecret)).toBe(true);
    expect(result.staleTargets).toEqual(['o/r (unknown)', 'o/r@prod (unknown)']);
  });

  it("ignores Cloudflare's undeclared fields as grounds for calling targets current", () => {
    const rich = token({ hints: { updatedAt: at(-20 * DAY), clientSecretVersion: 3 } });
    expect(plan(input('auto', { token: rich, record: NO_RECORD })).action).toBe('rotate');
  });

  it('treats a version other than the recorded one as a rotation outside the action', () => {
    const rotatedElsewhere = token({ hints: { clientSecretVersion: 4 } });
    const result = plan(input('auto', { token: rotatedElsewhere }));
    expect(result).toMatchObject({ action: 'rotate', adopting: true });
    expect(result.reasons.join()).toMatch(/client_secret_version 4 where the rotation record says 3/);
  });

  it('marks an unfinished record complete when every target holds the secret', () => {
    const result = plan(input('auto', { record: record({ state: 'distributing' }) }));
    expect(result).toMatchObject({ action: 'none', completeRecord: true });
  });

  it('keeps a rotation whose record is unfinished and whose targets are stale', () => {
    const result = plan(input('auto', { record: record({ state: 'issuing', issuedAt: at(-DAY) }) }));
    expect(result).toMatchObject({ action: 'rotate', completeRecord: false });
  });

  it('stops at a disabled token in every mode, naming it and the fix', () => {
    for (const mode of ['auto', 'rotate', 'refresh', 'check'] as const) {
      expect(() => plan(input(mode, { token: token({ enabled: false }) }))).toThrow(TokenDisabledError);
    }
    expect(() => plan(input('auto', { token: token({ enabled: false }) }))).toThrow(
      /'svc' \(tok-1\) is disabled.*nothing was changed.*Re-enable it/
    );
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

  it('writes the client id where it is missing or older than the record says the token is', () => {
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

  it('does not see targets as stale after a run that changed the token after the rotation', () => {
    // Rotation 2 days ago, targets written 1 minute later; Cloudflare's updated_at moved since (a PUT).
    const changedLater = token({ hints: { updatedAt: at(-DAY) } });
    const written = {
      target: repo,
      clientSecret: { updatedAt: at(-2 * DAY + 60_000) },
      clientId: { updatedAt: at(-DAY * 300) }
    };
    const result = plan(
      input('auto', { token: changedLater, targets: [written], record: record({ issuedAt: at(-2 * DAY) }) })
    );
    expect(result.action).toBe('none');
  });

  it('sees targets written before the recorded rotation as stale', () => {
    const written = {
      target: repo,
      clientSecret: { updatedAt: at(-DAY - 60_000) },
      clientId: { updatedAt: at(-300 * DAY) }
    };
    expect(plan(input('auto', { targets: [written], record: record({ issuedAt: at(-DAY) }) })).action).toBe(
      'rotate'
    );
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
    forever: token({ expiresAt: null, duration: 'forever' })
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
