// From a seed, one API token scenario (credential: api-token): the starting state (the tokens named 'deploy'
// and what each target holds), the inputs (strategy, owner, who runs the action), the faults and where (if
// anywhere) to kill the action. Pure and seeded like the service token scenarios, with its own generator.

import type { Fault, FaultRule } from '../../emulator/faults.ts';
import { random, type Random } from './random.ts';
import {
  FIVE_XX,
  escapeRegExp,
  faultFor,
  pickTargets,
  planFaults,
  planKill,
  repositoryRoutes,
  secretRoutes,
  type KillPlan,
  type PlannedFault,
  type Route,
  type RouteClass
} from './scenario.ts';
import { ACCOUNT, type TargetDef } from './world.ts';
import { API_SECRET_NAME, type TokenOwnerKind } from './api-token-world.ts';

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

export function tokensBase(owner: TokenOwnerKind): string {
  return owner === 'user' ? '/user/tokens' : `/accounts/${ACCOUNT}/tokens`;
}

/** The calls the action makes in this configuration, weighted towards the ones that change something. */
export function apiTokenRoutes(
  config: Pick<ApiTokenScenarioConfig, 'strategy' | 'owner' | 'token' | 'targets'>
): Route[] {
  const base = tokensBase(config.owner);
  const one = `^${escapeRegExp(base)}/[0-9a-f]{32}`;
  const creates = config.token === 'missing' || config.token === 'expired';
  const cloudflare = (
    name: string,
    routeClass: RouteClass,
    method: string,
    path: string | RegExp,
    weight: number
  ): Route => ({ name: `cloudflare ${name}`, routeClass, api: 'cloudflare', method, path, weight });
  const list: Route[] = [
    cloudflare('GET list', 'cf-read', 'GET', base, 1),
    cloudflare('GET verify', 'cf-read', 'GET', /\/tokens\/verify$/, 1.5),
    cloudflare('DELETE token', 'cf-write', 'DELETE', new RegExp(`${one}$`), creates ? 1 : 4)
  ];
  if (creates)
    list.push(cloudflare('GET permission groups', 'cf-read', 'GET', `${base}/permission_groups`, 0.5));
  if (config.strategy === 'replace' || creates)
    list.push(cloudflare('POST create', 'cf-write', 'POST', base, 6));
  if (config.strategy === 'roll' && !creates) {
    list.push(
      cloudflare('PUT value (roll)', 'cf-write', 'PUT', new RegExp(`${one}/value$`), 6),
      cloudflare('GET token', 'cf-read', 'GET', new RegExp(`${one}$`), 1)
    );
    if (config.token === 'expiring')
      list.push(cloudflare('PUT token (renew)', 'cf-write', 'PUT', new RegExp(`${one}$`), 2));
  }
  for (const { def } of config.targets) list.push(...secretRoutes(def, API_SECRET_NAME));
  // A GitHub outage during the distribution: every write fails, some after taking effect.
  list.push({
    name: `github PUT every ${API_SECRET_NAME}`,
    routeClass: 'gh-write',
    api: 'github',
    method: 'PUT',
    path: new RegExp(`/secrets/${API_SECRET_NAME}$`),
    weight: 1
  });
  list.push(...repositoryRoutes(config.targets));
  return list;
}

/**
 * Cloudflare faults for API token calls. Create and roll are never retried (a second one would issue a second
 * value), so one fault decides them; deletes and the renewal PUT are retried by the SDK, so some faults last.
 * A delay beyond the request timeout is a lost answer whose effect lands later (after the orphan check).
 */
function cloudflareFault(rng: Random, route: Route): { fault: Fault; times: FaultRule['times'] } {
  if (route.routeClass === 'cf-read') {
    if (!route.name.includes('verify')) return faultFor(rng, route);
    // The new value is verified until ROTATOR_VERIFY_TIMEOUT_MS: now and then it never passes (and is deleted).
    const fault = rng.weighted<Fault>([
      [{ status: rng.pick(FIVE_XX) }, 3],
      [{ drop: true }, 1]
    ]);
    return {
      fault,
      times: rng.weighted<FaultRule['times']>([
        [1, 4],
        [3, 2],
        ['always', 1.5]
      ])
    };
  }
  const fault = rng.weighted<Fault>([
    [{ status: rng.pick(FIVE_XX) }, 3],
    [{ status: 429, retryAfter: rng.int(0, 1) }, 1],
    [{ drop: true }, 2],
    [{ status: rng.pick(FIVE_XX), afterEffect: true }, 4],
    [{ drop: true, afterEffect: true }, 2],
    [
      {
        delayMs: rng.weighted([
          [rng.int(50, 400), 3],
          [rng.int(1600, 2200), 1]
        ])
      },
      1
    ]
  ]);
  const retried = route.method === 'DELETE' || route.name.includes('renew');
  const times = retried
    ? rng.weighted<FaultRule['times']>([
        [1, 6],
        [2, 2],
        [4, 2],
        ['always', 1]
      ])
    : 1;
  return { fault, times: fault.delayMs ? 1 : times };
}

/** Every secret write fails for a while (each write is tried 4 times), or for good; some answers are lost after the write took effect. */
function outage(rng: Random): { fault: Fault; times: FaultRule['times'] } {
  return {
    fault: rng.weighted<Fault>([
      [{ status: rng.pick(FIVE_XX) }, 2],
      [{ drop: true }, 1],
      [{ status: rng.pick(FIVE_XX), afterEffect: true }, 2],
      [{ drop: true, afterEffect: true }, 1]
    ]),
    times: rng.weighted<FaultRule['times']>([
      [4, 1],
      [10, 1],
      ['always', 2]
    ])
  };
}

/** A fault that suits the route: Cloudflare calls and the outage their own, GitHub calls as for service tokens. */
function apiTokenFault(rng: Random, route: Route): { fault: Fault; times: FaultRule['times'] } {
  if (route.api === 'cloudflare') return cloudflareFault(rng, route);
  return route.name.includes('every') ? outage(rng) : faultFor(rng, route);
}

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

export function apiTokenScenario(seed: number): ApiTokenScenarioConfig {
  const rng = random(seed);
  const strategy = rng.weighted<ApiTokenScenarioConfig['strategy']>([
    ['replace', 3],
    ['roll', 1]
  ]);
  const owner = rng.chance(0.6) ? 'user' : 'account';
  const token =
    strategy === 'replace'
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
