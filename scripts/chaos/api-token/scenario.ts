// From a seed, one API token scenario (credential: api-token): the starting state (the tokens named 'deploy'
// and what each target holds), the inputs (strategy, owner, who runs the action), the faults and where (if
// anywhere) to kill the action. Pure and seeded like the service token scenarios, with its own generator.

import { planFaults, planKill, type KillPlan, type PlannedFault } from '../harness/faults.ts';
import { pickTargets } from '../harness/routes.ts';
import type { TargetDef } from '../harness/world.ts';
import { random, type Random } from '../random.ts';
import { apiTokenFault } from './faults.ts';
import { apiTokenRoutes } from './routes.ts';
import type { TokenOwnerKind } from './world.ts';

export type ApiTokenStart =
  /** No token named 'deploy': the run creates one from api-token-policy. */
  | 'missing'
  /** One token, issued long ago, expiry far away. */
  | 'fresh'
  /** One token that expires within the renewal window. */
  | 'expiring'
  /** One token, expired a day ago (the list hides it): nothing works until a run creates a new one. */
  | 'expired'
  /** replace: a killed replacement left two tokens, some targets hold the older one, some the newer. */
  | 'half-done'
  /** replace: the token in use and a newer one no target holds (a lost create whose cleanup failed). */
  | 'orphan'
  /** roll: the token was rolled minutes ago and not every target was written (those hold a dead value). */
  | 'half-rolled';

export type ApiTargetStart =
  /** The newest token's value (its current value), written after it was issued or rolled. */
  | 'current'
  /** half-done: the older token's value, written before the newer token was issued. */
  | 'older'
  /** half-rolled: the value from before the roll (dead). */
  | 'rolled-away'
  /** The value of a token deleted long ago (dead), written before the current token was issued. */
  | 'stale'
  | 'missing';

export interface ApiScenarioTarget {
  readonly def: TargetDef;
  readonly start: ApiTargetStart;
}

export interface ApiTokenScenarioConfig {
  readonly kind: 'api-token';
  readonly seed: number;
  readonly strategy: 'replace' | 'roll';
  /** Who owns 'deploy': the user (/user/tokens) or the account (account-id set). */
  readonly owner: TokenOwnerKind;
  /**
   * Who runs the action: a user-owned management token, an account-owned one, or 'deploy' itself (its value
   * read from the first target's secret before every run, as a workflow would read its own secret).
   */
  readonly runAs: 'user' | 'account' | 'self';
  readonly mode: 'auto' | 'rotate';
  readonly token: ApiTokenStart;
  readonly targets: readonly ApiScenarioTarget[];
  readonly faults: readonly PlannedFault[];
  readonly kill: KillPlan | undefined;
  readonly pauseMs: number;
}

export const isApiTokenScenario = (config: object): config is ApiTokenScenarioConfig =>
  'kind' in config && config.kind === 'api-token';

function targetStart(rng: Random, token: ApiTokenStart): ApiTargetStart {
  switch (token) {
    case 'missing':
      return rng.weighted<ApiTargetStart>([
        ['missing', 3],
        ['stale', 1]
      ]);
    case 'expired':
      return rng.weighted<ApiTargetStart>([
        ['current', 4],
        ['missing', 1]
      ]);
    case 'half-done':
      return rng.weighted<ApiTargetStart>([
        ['current', 3],
        ['older', 3],
        ['stale', 0.5],
        ['missing', 0.5]
      ]);
    case 'half-rolled':
      return rng.weighted<ApiTargetStart>([
        ['current', 3],
        ['rolled-away', 3],
        ['missing', 0.5]
      ]);
    default:
      return rng.weighted<ApiTargetStart>([
        ['current', 6],
        ['stale', 1],
        ['missing', 1]
      ]);
  }
}

/** The starting states each strategy can meet: half-done and orphan come of replacements, half-rolled of rolls. */
function tokenStart(rng: Random, strategy: ApiTokenScenarioConfig['strategy']): ApiTokenStart {
  return strategy === 'replace'
    ? rng.weighted<ApiTokenStart>([
        ['missing', 2],
        ['fresh', 4],
        ['expiring', 2],
        ['expired', 0.5],
        ['half-done', 2.5],
        ['orphan', 1]
      ])
    : rng.weighted<ApiTokenStart>([
        ['missing', 0.5],
        ['fresh', 4],
        ['expiring', 2],
        ['half-rolled', 2.5]
      ]);
}

export function apiTokenScenario(seed: number): ApiTokenScenarioConfig {
  const rng = random(seed);
  const strategy = rng.weighted<ApiTokenScenarioConfig['strategy']>([
    ['replace', 3],
    ['roll', 1]
  ]);
  const owner = rng.chance(0.6) ? 'user' : 'account';
  const token = tokenStart(rng, strategy);
  const exists = token !== 'missing' && token !== 'expired';
  const runAs: ApiTokenScenarioConfig['runAs'] =
    exists && rng.chance(strategy === 'replace' ? 0.25 : 0.15)
      ? 'self'
      : owner === 'account' && rng.chance(0.4)
        ? 'account'
        : 'user';
  const mode = rng.chance(0.2) ? 'rotate' : 'auto';
  const count = rng.int(2, 5);
  const targets = pickTargets(rng, count).map((def, index) => {
    const start = targetStart(rng, token);
    // Running as 'deploy', the workflow's own secret (the first target) must hold a working value.
    if (runAs === 'self' && index === 0 && start !== 'current' && start !== 'older')
      return { def, start: 'current' as const };
    return { def, start };
  });
  const base = { strategy, owner, token, targets } as const;
  // The list comes up to three times (observe, before the create, after a lost create), verify two or more
  // (cloudflare-api-token, then the new value), delete once per token to remove.
  const faults = planFaults(
    rng,
    apiTokenRoutes(base),
    apiTokenFault,
    /GET list|GET verify|DELETE token|GET token/
  );
  // After the stage (the create, roll or renewal) come the verify, the writes and the deletes.
  const afterStage = count + 3;
  const kill = planKill(rng, 0.3, afterStage);
  return {
    kind: 'api-token',
    seed,
    ...base,
    runAs,
    mode,
    faults,
    kill,
    pauseMs: rng.int(30_000, 90_000)
  };
}

export function describeApiTokenConfig(config: ApiTokenScenarioConfig): string {
  return `seed ${config.seed} (api-token): strategy ${config.strategy}, ${config.owner}-owned 'deploy', run as ${config.runAs === 'self' ? "'deploy' itself (value from the first target)" : `a ${config.runAs}-owned management token`}, mode ${config.mode}, token ${config.token}`;
}
