import { describe, expect, it } from '@jest/globals';
import type { ApiTokenState, ApiTokenTargetState } from '../../src/credentials/api-token/model.js';
import {
  planApiToken,
  possibleHolders,
  tokensToDelete,
  type ApiTokenPlan,
  type ApiTokenPlanInput
} from '../../src/credentials/api-token/plan.js';
import type { ApiTokenMode, Strategy } from '../../src/credentials/api-token/settings.js';
import { TokenLookupError } from '../../src/errors.js';
import { CLOCK_TOLERANCE_MS } from '../../src/run/plan-header.js';
import type { Target } from '../../src/settings/targets.js';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00.000Z');
const at = (offsetMs: number): Date => new Date(now.getTime() + offsetMs);

function token(id: string, overrides: Partial<ApiTokenState> = {}): ApiTokenState {
  const issuedOn = overrides.issuedOn ?? at(-100 * DAY);
  return {
    id,
    name: 'deploy',
    status: 'active',
    issuedOn,
    modifiedOn: issuedOn,
    expiresOn: at(200 * DAY),
    notBefore: undefined,
    policies: [],
    condition: undefined,
    ...overrides
  };
}

const web: Target = { kind: 'repository', owner: 'o', repo: 'web' };
const api: Target = { kind: 'repository', owner: 'o', repo: 'api' };
const docs: Target = { kind: 'environment', owner: 'o', repo: 'docs', environment: 'prod' };

/** A target whose secret was written at `written` (null: the secret is missing). */
function state(target: Target, written: Date | null): ApiTokenTargetState {
  return { target, secret: written === null ? undefined : { updatedAt: written } };
}

function input(overrides: Partial<ApiTokenPlanInput> = {}): ApiTokenPlanInput {
  return {
    mode: 'auto',
    strategy: 'replace',
    tokenLabel: 'deploy',
    family: [token('t1')],
    targets: [state(web, at(-5 * DAY)), state(api, at(-5 * DAY))],
    now,
    renewalWindowMs: 30 * DAY,
    ...overrides
  };
}

const ids = (tokens: readonly ApiTokenState[] | undefined): string[] =>
  (tokens ?? []).map((candidate) => candidate.id);
const holderIds = (plan: ApiTokenPlan): Record<string, readonly string[]> =>
  Object.fromEntries(
    [...plan.holders].map(([target, held]) => ['repo' in target ? target.repo : 'other', held])
  );

describe('possibleHolders', () => {
  const older = token('O', { issuedOn: at(-20 * DAY) });
  const newer = token('N', { issuedOn: at(-1 * DAY) });
  const family = [older, newer];

  it('is empty for a missing secret, and for a value written before every token', () => {
    expect(possibleHolders(state(web, null), family)).toEqual([]);
    expect(possibleHolders(state(web, at(-30 * DAY)), family)).toEqual([]);
  });

  it('is the newest token issued clearly before the write', () => {
    expect(ids(possibleHolders(state(web, at(-10 * DAY)), family))).toEqual(['O']);
    expect(ids(possibleHolders(state(web, at(-12 * HOUR)), family))).toEqual(['N']);
    // Order of the family does not matter.
    expect(ids(possibleHolders(state(web, at(-12 * HOUR)), [newer, older]))).toEqual(['N']);
  });

  it('is the only token when the write is within the tolerance of its issue time', () => {
    expect(ids(possibleHolders(state(web, at(-1 * DAY + 2 * SECOND)), [newer]))).toEqual(['N']);
    expect(ids(possibleHolders(state(web, at(-1 * DAY - 2 * SECOND)), [newer]))).toEqual(['N']);
  });

  it('is both tokens, newest first, when the write is within the tolerance of the newer one', () => {
    const written = newer.issuedOn.getTime();
    for (const offset of [-CLOCK_TOLERANCE_MS, -3 * SECOND, 0, 3 * SECOND, CLOCK_TOLERANCE_MS - 1]) {
      expect(ids(possibleHolders(state(web, new Date(written + offset)), family))).toEqual(['N', 'O']);
    }
    // A write exactly the tolerance after the issue time is clearly after it.
    expect(ids(possibleHolders(state(web, new Date(written + CLOCK_TOLERANCE_MS)), family))).toEqual(['N']);
    // Issued more than the tolerance after the write: it did not exist yet.
    expect(ids(possibleHolders(state(web, new Date(written - CLOCK_TOLERANCE_MS - 1)), family))).toEqual([
      'O'
    ]);
  });

  it('is every token when the write is within the tolerance of two tokens issued close together', () => {
    const first = token('A', { issuedOn: at(-1 * DAY) });
    const second = token('B', { issuedOn: at(-1 * DAY + 2 * SECOND) });
    expect(ids(possibleHolders(state(web, at(-1 * DAY + 1 * SECOND)), [older, first, second]))).toEqual([
      'B',
      'A',
      'O'
    ]);
  });
});

describe('tokensToDelete', () => {
  const one = token('one', { issuedOn: at(-30 * DAY) });
  const two = token('two', { issuedOn: at(-20 * DAY) });
  const three = token('three', { issuedOn: at(-10 * DAY) });
  const family = [one, two, three];

  it('deletes every token but those kept, when no target holds them', () => {
    const holders = new Map<Target, readonly string[]>([
      [web, []],
      [api, []]
    ]);
    expect(ids(tokensToDelete(family, new Set(['three']), holders, new Set()))).toEqual(['one', 'two']);
  });

  it('keeps a token a target that was not written still holds, or may hold', () => {
    const holders = new Map<Target, readonly string[]>([
      [web, ['two', 'one']],
      [api, ['three']]
    ]);
    expect(ids(tokensToDelete(family, new Set(), holders, new Set()))).toEqual([]);
    expect(ids(tokensToDelete(family, new Set(), holders, new Set([api])))).toEqual(['three']);
  });

  it('lets a written target no longer protect what it held', () => {
    const holders = new Map<Target, readonly string[]>([
      [web, ['one']],
      [api, ['two']]
    ]);
    expect(ids(tokensToDelete(family, new Set(['three']), holders, new Set([web, api])))).toEqual([
      'one',
      'two'
    ]);
    expect(ids(tokensToDelete(family, new Set(['three']), holders, new Set([web])))).toEqual(['one']);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The matrix: every mode × strategy × token state × target state, for a single token t1.

interface TokenCase {
  readonly overrides: Partial<ApiTokenState>;
  /** Expires within the renewal window (so a roll renews first). */
  readonly expiring: boolean;
  /** What auto mode gives as reasons for the token itself. */
  readonly reasons: readonly string[];
  /** What check mode reports (undefined: nothing wrong). */
  readonly problem: string | undefined;
  /** What the check reason says about the expiry. */
  readonly expiry: string;
}

const TOKEN_ISSUED = at(-100 * DAY);
const TOKEN_MODIFIED = at(-10 * DAY);

const TOKEN_CASES: Record<string, TokenCase> = {
  healthy: {
    overrides: {},
    expiring: false,
    reasons: [],
    problem: undefined,
    expiry: `expires at ${at(200 * DAY).toISOString()} (in 200.0 days)`
  },
  'expiring within the window': {
    overrides: { expiresOn: at(10 * DAY) },
    expiring: true,
    reasons: [`the token expires at ${at(10 * DAY).toISOString()} (in 10.0 days), within the renewal window`],
    problem: `API token 'deploy' (t1) expires at ${at(10 * DAY).toISOString()} (in 10.0 days).`,
    expiry: `expires at ${at(10 * DAY).toISOString()} (in 10.0 days)`
  },
  'expiring exactly at the end of the window': {
    overrides: { expiresOn: at(30 * DAY) },
    expiring: true,
    reasons: [`the token expires at ${at(30 * DAY).toISOString()} (in 30.0 days), within the renewal window`],
    problem: `API token 'deploy' (t1) expires at ${at(30 * DAY).toISOString()} (in 30.0 days).`,
    expiry: `expires at ${at(30 * DAY).toISOString()} (in 30.0 days)`
  },
  expired: {
    overrides: { status: 'expired', expiresOn: at(-1 * DAY) },
    expiring: true,
    reasons: [
      'the token is expired',
      `the token expired at ${at(-1 * DAY).toISOString()}, within the renewal window`
    ],
    problem: "API token 'deploy' (t1) is expired.",
    expiry: `expired at ${at(-1 * DAY).toISOString()}`
  },
  disabled: {
    overrides: { status: 'disabled' },
    expiring: false,
    reasons: ['the token is disabled'],
    problem: "API token 'deploy' (t1) is disabled.",
    expiry: `expires at ${at(200 * DAY).toISOString()} (in 200.0 days)`
  },
  'never expiring': {
    overrides: { expiresOn: null },
    expiring: false,
    reasons: [],
    problem: undefined,
    expiry: 'never expires'
  }
};

interface TargetCase {
  /** When web and api were written (null: missing). */
  readonly web: Date | null;
  readonly api: Date | null;
  readonly stale: readonly string[];
  /** The write order when the run changes the token. */
  readonly writes: readonly Target[];
  readonly holders: Record<string, readonly string[]>;
}

const TARGET_CASES: Record<string, TargetCase> = {
  'all current': {
    web: at(-5 * DAY),
    api: at(-5 * DAY),
    stale: [],
    writes: [web, api],
    holders: { web: ['t1'], api: ['t1'] }
  },
  'one missing': {
    web: at(-5 * DAY),
    api: null,
    stale: ['o/api (missing)'],
    writes: [api, web],
    holders: { web: ['t1'], api: [] }
  },
  'one stale (written before the token was issued)': {
    web: at(-5 * DAY),
    api: at(-200 * DAY),
    stale: ['o/api (stale)'],
    writes: [api, web],
    holders: { web: ['t1'], api: [] }
  },
  'one written before a roll or edit of the token': {
    web: at(-5 * DAY),
    api: at(-50 * DAY),
    stale: ['o/api (stale)'],
    writes: [api, web],
    holders: { web: ['t1'], api: ['t1'] }
  }
};

const MODES: readonly ApiTokenMode[] = ['auto', 'rotate', 'check'];
const STRATEGIES: readonly Strategy[] = ['replace', 'roll'];

const matrix = MODES.flatMap((mode) =>
  STRATEGIES.flatMap((strategy) =>
    Object.keys(TOKEN_CASES).flatMap((tokenCase) =>
      Object.keys(TARGET_CASES).map((targetCase) => [mode, strategy, tokenCase, targetCase] as const)
    )
  )
);

describe('planApiToken: mode × strategy × token state × target state', () => {
  it.each(matrix)('%s, %s, token %s, targets %s', (mode, strategy, tokenCase, targetCase) => {
    const tokenSpec = TOKEN_CASES[tokenCase] as TokenCase;
    const targetSpec = TARGET_CASES[targetCase] as TargetCase;
    const current = token('t1', {
      issuedOn: TOKEN_ISSUED,
      modifiedOn: TOKEN_MODIFIED,
      ...tokenSpec.overrides
    });
    const plan = planApiToken(
      input({
        mode,
        strategy,
        family: [current],
        targets: [state(web, targetSpec.web), state(api, targetSpec.api)]
      })
    );

    // Common to every mode.
    expect(plan.current).toBe(current);
    expect(plan.obsolete).toEqual([]);
    expect(plan.staleTargets).toEqual(targetSpec.stale);
    expect(holderIds(plan)).toEqual(targetSpec.holders);

    if (mode === 'check') {
      expect(plan).toMatchObject({
        action: 'check',
        result: 'checked',
        renew: false,
        writes: [],
        reasons: [`the token ${tokenSpec.expiry}`],
        expiryAlert: tokenSpec.problem
      });
      return;
    }
    expect(plan.expiryAlert).toBeUndefined();
    const staleReason = targetSpec.stale.length
      ? [`${targetSpec.stale.length} target(s) lack the current value: ${targetSpec.stale.join(', ')}`]
      : [];
    const reasons = mode === 'rotate' ? ['mode is rotate'] : [...tokenSpec.reasons, ...staleReason];
    if (!reasons.length) {
      expect(plan).toMatchObject({ action: 'none', result: 'unchanged', renew: false, writes: [] });
      expect(plan.reasons).toEqual([
        `every target holds the current value and the token ${tokenSpec.expiry}`
      ]);
      return;
    }
    expect(plan).toMatchObject({
      action: strategy,
      result: strategy === 'replace' ? 'replaced' : 'rolled',
      // Only a roll keeps the token, so only a roll extends its expiry.
      renew: strategy === 'roll' && tokenSpec.expiring,
      reasons
    });
    expect(plan.writes).toEqual(targetSpec.writes);
  });
});

describe('planApiToken: the clock tolerance around the last change', () => {
  // t1 was changed (rolled or edited) at TOKEN_MODIFIED; api was written 3 s before that by GitHub's clock.
  const current = token('t1', { issuedOn: TOKEN_ISSUED, modifiedOn: TOKEN_MODIFIED });
  const targets = [state(web, at(-5 * DAY)), state(api, new Date(TOKEN_MODIFIED.getTime() - 3 * SECOND))];

  it('counts a write within the tolerance of an edit as current for strategy replace', () => {
    const plan = planApiToken(input({ family: [current], targets }));
    expect(plan.action).toBe('none');
  });

  it('keeps the margin to a second for strategy roll (a write just before a roll holds a dead value)', () => {
    const plan = planApiToken(input({ strategy: 'roll', family: [current], targets }));
    expect(plan).toMatchObject({ action: 'roll', staleTargets: ['o/api (stale)'], writes: [api, web] });
    const justAfter = planApiToken(
      input({
        strategy: 'roll',
        family: [current],
        targets: [state(web, at(-5 * DAY)), state(api, new Date(TOKEN_MODIFIED.getTime() - 999))]
      })
    );
    expect(justAfter.action).toBe('none');
  });
});

describe('planApiToken: no token', () => {
  it('creates in auto mode and writes every target, in the order given', () => {
    const plan = planApiToken(
      input({ family: [], targets: [state(web, at(-5 * DAY)), state(api, null), state(docs, null)] })
    );
    expect(plan).toMatchObject({
      action: 'create',
      result: 'created',
      renew: false,
      current: undefined,
      obsolete: [],
      staleTargets: [],
      expiryAlert: undefined,
      writes: [web, api, docs],
      reasons: ["no API token named 'deploy' exists"]
    });
    expect([...plan.holders.values()]).toEqual([[], [], []]);
  });

  it('creates whatever the strategy', () => {
    expect(planApiToken(input({ family: [], strategy: 'roll' })).action).toBe('create');
  });

  it.each(['rotate', 'check'] as const)('fails to find the token in mode %s', (mode) => {
    for (const strategy of STRATEGIES) {
      expect(() => planApiToken(input({ mode, strategy, family: [] }))).toThrow(TokenLookupError);
    }
    expect(() => planApiToken(input({ mode, family: [] }))).toThrow(
      `No API token named 'deploy' exists, and mode '${mode}' does not create one.`
    );
  });
});

describe('planApiToken: a replacement that a failed or killed run left half done', () => {
  const older = token('O', { issuedOn: at(-20 * DAY) });
  const newer = token('N', { issuedOn: at(-1 * DAY) });

  it('replaces the newer token when some targets hold it and others only the older one; deletes neither', () => {
    const plan = planApiToken(
      input({
        family: [older, newer],
        targets: [state(web, at(-12 * HOUR)), state(api, at(-10 * DAY)), state(docs, at(-6 * HOUR))]
      })
    );
    expect(plan).toMatchObject({
      action: 'replace',
      result: 'replaced',
      renew: false,
      staleTargets: ['o/api (stale)'],
      writes: [api, web, docs],
      obsolete: []
    });
    expect(plan.current).toBe(newer);
    expect(holderIds(plan)).toEqual({ web: ['N'], api: ['O'], docs: ['N'] });
  });

  it('rolls the newer token with strategy roll, and deletes neither', () => {
    const plan = planApiToken(
      input({
        strategy: 'roll',
        family: [newer, older],
        targets: [state(web, at(-12 * HOUR)), state(api, at(-10 * DAY))]
      })
    );
    expect(plan).toMatchObject({ action: 'roll', renew: false, obsolete: [], writes: [api, web] });
    expect(plan.current).toBe(newer);
  });

  it('still heals with a missing target alongside', () => {
    const plan = planApiToken(
      input({
        family: [older, newer],
        targets: [state(web, at(-12 * HOUR)), state(api, at(-10 * DAY)), state(docs, null)]
      })
    );
    expect(plan.staleTargets).toEqual(['o/api (stale)', 'o/docs@prod (missing)']);
    expect(plan.writes).toEqual([api, docs, web]);
    expect(plan.obsolete).toEqual([]);
  });

  describe('a newest token that no target holds (a killed run created it and never wrote it)', () => {
    const orphan = token('N', { issuedOn: at(-1 * HOUR) });
    const family = [older, orphan];
    const targets = [state(web, at(-10 * DAY)), state(api, at(-9 * DAY))];

    it('keeps the older held token as current and marks the orphan obsolete; auto changes nothing', () => {
      const plan = planApiToken(input({ family, targets }));
      expect(plan.current).toBe(older);
      expect(ids(plan.obsolete)).toEqual(['N']);
      expect(plan).toMatchObject({ action: 'none', result: 'unchanged', writes: [], staleTargets: [] });
      expect(plan.reasons).toEqual([
        `every target holds the current value and the token expires at ${at(200 * DAY).toISOString()} (in 200.0 days)`,
        '1 token(s) named alike are held by no target'
      ]);
    });

    it.each(STRATEGIES)('changes the held token, not the orphan, in mode rotate (%s)', (strategy) => {
      const plan = planApiToken(input({ mode: 'rotate', strategy, family, targets }));
      expect(plan.action).toBe(strategy);
      expect(plan.current).toBe(older);
      expect(ids(plan.obsolete)).toEqual(['N']);
    });

    it('checks the held token in mode check', () => {
      const plan = planApiToken(input({ mode: 'check', family, targets }));
      expect(plan.current).toBe(older);
      expect(ids(plan.obsolete)).toEqual(['N']);
      expect(plan.expiryAlert).toBeUndefined();
    });

    it('takes the newest token as current when no target holds any', () => {
      const plan = planApiToken(input({ family, targets: [state(web, null), state(api, at(-30 * DAY))] }));
      expect(plan.current).toBe(orphan);
      expect(ids(plan.obsolete)).toEqual(['O']);
      expect(plan).toMatchObject({ action: 'replace', writes: [web, api] });
    });
  });

  it('marks an older token no target holds as obsolete, keeping the current one', () => {
    const oldest = token('E', { issuedOn: at(-60 * DAY) });
    const plan = planApiToken(
      input({
        family: [newer, oldest, older],
        targets: [state(web, at(-12 * HOUR)), state(api, at(-6 * HOUR))]
      })
    );
    expect(plan.current).toBe(newer);
    expect(ids(plan.obsolete).sort()).toEqual(['E', 'O']);
    expect(plan.action).toBe('none');
  });

  describe('a write within the clock tolerance of two issue times', () => {
    const written = new Date(newer.issuedOn.getTime() + 2 * SECOND);
    const targets = [state(web, written), state(api, at(-12 * HOUR))];

    it('may hold either token: possibleHolders returns both', () => {
      expect(ids(possibleHolders(state(web, written), [older, newer]))).toEqual(['N', 'O']);
    });

    it('counts the target as stale, deletes neither token, and replaces the newer one', () => {
      const plan = planApiToken(input({ family: [older, newer], targets }));
      expect(plan.current).toBe(newer);
      expect(plan.obsolete).toEqual([]);
      expect(plan).toMatchObject({
        action: 'replace',
        staleTargets: ['o/web (stale)'],
        writes: [web, api]
      });
      expect(holderIds(plan)).toEqual({ web: ['N', 'O'], api: ['N'] });
    });

    it('reports it as stale in mode check without failing', () => {
      const plan = planApiToken(input({ mode: 'check', family: [older, newer], targets }));
      expect(plan).toMatchObject({ staleTargets: ['o/web (stale)'], expiryAlert: undefined, obsolete: [] });
    });

    it('is stale even when every target was written within the tolerance', () => {
      const plan = planApiToken(
        input({ family: [older, newer], targets: [state(web, written), state(api, written)] })
      );
      expect(plan).toMatchObject({ action: 'replace', obsolete: [] });
      expect(plan.staleTargets).toEqual(['o/web (stale)', 'o/api (stale)']);
    });
  });
});

describe('planApiToken: renew', () => {
  const expiring = token('t1', { expiresOn: at(5 * DAY) });

  it.each(['auto', 'rotate'] as const)('renews an expiring token before a roll (mode %s)', (mode) => {
    expect(planApiToken(input({ mode, strategy: 'roll', family: [expiring] }))).toMatchObject({
      action: 'roll',
      renew: true
    });
  });

  it.each(['auto', 'rotate'] as const)('never renews for a replacement (mode %s)', (mode) => {
    expect(planApiToken(input({ mode, strategy: 'replace', family: [expiring] }))).toMatchObject({
      action: 'replace',
      renew: false
    });
  });

  it('does not renew a roll of a token that is not expiring', () => {
    expect(planApiToken(input({ mode: 'rotate', strategy: 'roll' }))).toMatchObject({
      action: 'roll',
      renew: false
    });
  });

  it('does not renew in check mode', () => {
    expect(planApiToken(input({ mode: 'check', strategy: 'roll', family: [expiring] })).renew).toBe(false);
  });
});

describe('planApiToken: check mode', () => {
  it('reports an expiring token', () => {
    const plan = planApiToken(input({ mode: 'check', family: [token('t1', { expiresOn: at(2 * DAY) })] }));
    expect(plan.expiryAlert).toBe(
      `API token 'deploy' (t1) expires at ${at(2 * DAY).toISOString()} (in 2.0 days).`
    );
  });

  it('reports a token that is not active, by its status rather than its expiry', () => {
    const plan = planApiToken(
      input({ mode: 'check', family: [token('t1', { status: 'disabled', expiresOn: at(2 * DAY) })] })
    );
    expect(plan.expiryAlert).toBe("API token 'deploy' (t1) is disabled.");
  });

  it('reports nothing for a healthy token, even with stale targets', () => {
    const plan = planApiToken(input({ mode: 'check', targets: [state(web, null), state(api, at(-DAY))] }));
    expect(plan).toMatchObject({ expiryAlert: undefined, writes: [], staleTargets: ['o/web (missing)'] });
  });
});

describe('planApiToken: write order', () => {
  it('writes stale and missing targets first, each group in the order given', () => {
    const plan = planApiToken(
      input({
        targets: [
          state(web, at(-5 * DAY)),
          state(api, null),
          state(docs, at(-200 * DAY)),
          state(
            { kind: 'organization', org: 'o', access: { visibility: 'all', repositories: undefined } },
            at(-DAY)
          )
        ]
      })
    );
    expect(plan.staleTargets).toEqual(['o/api (missing)', 'o/docs@prod (stale)']);
    expect(plan.writes.map((target) => target.kind + ('repo' in target ? `:${target.repo}` : ''))).toEqual([
      'repository:api',
      'environment:docs',
      'repository:web',
      'organization'
    ]);
  });
});
