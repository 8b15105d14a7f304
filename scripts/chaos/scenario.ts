// From a seed, one scenario: the starting state, the inputs, the faults and where (if anywhere) to kill the
// action. Pure: the same seed always gives the same scenario, so any finding can be replayed with --seed.

import type { Fault, FaultRule } from '../../emulator/faults.ts';
import { random, type Random } from './random.ts';
import { ACCOUNT, CLIENT_ID_NAME, CLIENT_SECRET_NAME, TARGET_POOL, ZONE, type TargetDef } from './world.ts';

export type TokenStart =
  /** No token with the name: auto creates one. */
  | 'missing'
  /** Rotated days ago, expiry far away. */
  | 'fresh'
  /** Expires within the renewal window (auto renews and rotates). */
  | 'expiring'
  /** Already expired: nothing works until a run renews and rotates. */
  | 'expired'
  /** An earlier rotation minutes ago did not finish: its previous secret is still inside the grace. */
  | 'in-grace';

export type TargetStart =
  /** Client id and current secret, written after the last rotation. */
  | 'current'
  /** Client id and the previous secret (token 'in-grace' only): still works, looks stale. */
  | 'previous'
  /** Client id and a secret that no longer works, written long before the last rotation. */
  | 'stale'
  /** Client id only. */
  | 'id-only'
  /** Nothing. */
  | 'missing'
  /** Token missing only: id and secret of a token deleted long ago. */
  | 'leftover';

export interface ScenarioTarget {
  readonly def: TargetDef;
  readonly start: TargetStart;
}

export type RouteClass = 'cf-write' | 'cf-read' | 'gh-write' | 'gh-read' | 'access';

export interface PlannedFault {
  /** A readable name of the route, e.g. "cloudflare POST rotate" or "github PUT octo-org/web CF_ACCESS_CLIENT_SECRET". */
  readonly route: string;
  readonly routeClass: RouteClass;
  readonly rule: FaultRule;
}

export interface KillPlan {
  /** Kill when the n-th request after the first change on Cloudflare arrives (0: that change itself). */
  readonly after: number;
  /** Let that request reach the emulator (it takes effect, nobody reads the answer) or never send it. */
  readonly forward: boolean;
}

export interface ScenarioConfig {
  readonly seed: number;
  readonly zoneScope: boolean;
  readonly mode: 'auto' | 'rotate';
  readonly token: TokenStart;
  readonly targets: readonly ScenarioTarget[];
  readonly verify: boolean;
  readonly revokePrevious: boolean;
  readonly clientIdAsVariable: boolean;
  readonly faults: readonly PlannedFault[];
  readonly kill: KillPlan | undefined;
  /** How far the emulator clock moves between two runs (a runner does not start a job instantly). */
  readonly pauseMs: number;
}

export const GRACE = '1h';
export const GRACE_MS = 3_600_000;

export interface Route {
  readonly name: string;
  readonly routeClass: RouteClass;
  readonly api: FaultRule['api'];
  readonly method: string;
  readonly path: string | RegExp;
  readonly weight: number;
}

/** Text as a literal part of a RegExp. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The calls that write one secret into a target: list its secrets, read its public key, PUT the secret. */
export function secretRoutes(def: TargetDef, name: string): Route[] {
  const where = def.line;
  return [
    {
      name: `github GET secrets ${where}`,
      routeClass: 'gh-read',
      api: 'github',
      method: 'GET',
      path: def.secretsPath,
      weight: 0.5
    },
    {
      name: `github GET public-key ${where}`,
      routeClass: 'gh-read',
      api: 'github',
      method: 'GET',
      path: `${def.secretsPath}/public-key`,
      weight: 0.5
    },
    {
      name: `github PUT ${where} ${name}`,
      routeClass: 'gh-write',
      api: 'github',
      method: 'PUT',
      path: `${def.secretsPath}/${name}`,
      weight: 3
    }
  ];
}

/** One read of each repository the targets belong to. */
export function repositoryRoutes(targets: ReadonlyArray<{ readonly def: TargetDef }>): Route[] {
  const repositories = new Set(targets.map(({ def }) => `${def.scope.owner}/${def.scope.repo}`));
  return [...repositories].map((repository): Route => ({
    name: `github GET repo ${repository}`,
    routeClass: 'gh-read',
    api: 'github',
    method: 'GET',
    path: `/repos/${repository}`,
    weight: 0.3
  }));
}

/** The calls the action makes in this configuration, weighted towards the ones that change something. */
export function routes(config: Omit<ScenarioConfig, 'faults' | 'kill' | 'pauseMs' | 'seed'>): Route[] {
  const scope = config.zoneScope ? `/zones/${ZONE}` : `/accounts/${ACCOUNT}`;
  const tokens = `${scope}/access/service_tokens`;
  const list: Route[] = [
    {
      name: 'cloudflare GET list',
      routeClass: 'cf-read',
      api: 'cloudflare',
      method: 'GET',
      path: tokens,
      weight: 1
    },
    {
      name: 'cloudflare GET token',
      routeClass: 'cf-read',
      api: 'cloudflare',
      method: 'GET',
      path: new RegExp(`^${escapeRegExp(tokens)}/[^/]+$`),
      weight: 1
    },
    {
      name: 'cloudflare GET verify',
      routeClass: 'cf-read',
      api: 'cloudflare',
      method: 'GET',
      path: /\/tokens\/verify$/,
      weight: 0.5
    },
    {
      name: 'cloudflare PUT token',
      routeClass: 'cf-write',
      api: 'cloudflare',
      method: 'PUT',
      path: new RegExp(`^${escapeRegExp(tokens)}/[^/]+$`),
      weight: 6
    }
  ];
  if (config.token === 'missing')
    list.push({
      name: 'cloudflare POST create',
      routeClass: 'cf-write',
      api: 'cloudflare',
      method: 'POST',
      path: tokens,
      weight: 6
    });
  else if (!config.zoneScope)
    list.push({
      name: 'cloudflare POST rotate',
      routeClass: 'cf-write',
      api: 'cloudflare',
      method: 'POST',
      path: new RegExp(`^${escapeRegExp(tokens)}/[^/]+/rotate$`),
      weight: 6
    });
  if (config.verify)
    list.push({
      name: 'access GET app',
      routeClass: 'access',
      api: 'access',
      method: 'GET',
      path: '/app',
      weight: 1
    });
  for (const { def } of config.targets) {
    const where = def.line;
    list.push(...secretRoutes(def, CLIENT_SECRET_NAME));
    if (config.clientIdAsVariable) {
      list.push(
        {
          name: `github GET variables ${where}`,
          routeClass: 'gh-read',
          api: 'github',
          method: 'GET',
          path: def.variablesPath,
          weight: 0.3
        },
        {
          name: `github POST variable ${where}`,
          routeClass: 'gh-write',
          api: 'github',
          method: 'POST',
          path: def.variablesPath,
          weight: 1
        },
        {
          name: `github PATCH variable ${where}`,
          routeClass: 'gh-write',
          api: 'github',
          method: 'PATCH',
          path: `${def.variablesPath}/${CLIENT_ID_NAME}`,
          weight: 1
        }
      );
    } else {
      list.push({
        name: `github PUT ${where} ${CLIENT_ID_NAME}`,
        routeClass: 'gh-write',
        api: 'github',
        method: 'PUT',
        path: `${def.secretsPath}/${CLIENT_ID_NAME}`,
        weight: 1.5
      });
    }
  }
  list.push(...repositoryRoutes(config.targets));
  return list;
}

export const FIVE_XX = [500, 502, 503] as const;

/** A fault that suits the route: Cloudflare reads stay short (the SDK backs off for seconds on its own). */
export function faultFor(rng: Random, route: Route): { fault: Fault; times: FaultRule['times'] } {
  switch (route.routeClass) {
    case 'cf-write': {
      const fault = rng.weighted<Fault>([
        [{ status: rng.pick(FIVE_XX) }, 3],
        [{ status: 429, retryAfter: rng.int(0, 1) }, 1],
        [{ drop: true }, 2],
        [{ status: rng.pick(FIVE_XX), afterEffect: true }, 4],
        [{ drop: true, afterEffect: true }, 2],
        [{ delayMs: rng.int(50, 400) }, 1]
      ]);
      // Only PUTs are retried (the SDK's own 3 retries): several failures in a row make them give up.
      const times =
        route.method === 'PUT'
          ? rng.weighted<FaultRule['times']>([
              [1, 6],
              [2, 2],
              [4, 2]
            ])
          : 1;
      return { fault, times };
    }
    case 'cf-read':
      return {
        fault: rng.weighted<Fault>([
          [{ status: rng.pick(FIVE_XX) }, 3],
          [{ drop: true }, 1],
          [{ delayMs: rng.int(20, 300) }, 1]
        ]),
        times: 1
      };
    case 'access':
      return {
        fault: rng.weighted<Fault>([
          [{ status: rng.pick(FIVE_XX) }, 2],
          [{ drop: true }, 1]
        ]),
        // Now and then the app never accepts the credential: verify-url fails the run after its timeout.
        times: rng.weighted<FaultRule['times']>([
          [1, 4],
          [3, 3],
          ['always', 1]
        ])
      };
    case 'gh-write':
    case 'gh-read': {
      const write = route.routeClass === 'gh-write';
      const fault = rng.weighted<Fault>([
        [{ status: 429, retryAfter: rng.int(0, 2) }, 2],
        [{ status: 403, secondaryRateLimit: true, retryAfter: rng.int(0, 2) }, 2],
        [{ status: rng.pick(FIVE_XX) }, 3],
        [{ drop: true }, 1],
        [{ status: rng.pick(FIVE_XX), afterEffect: true }, write ? 2 : 0],
        [{ drop: true, afterEffect: true }, write ? 1 : 0],
        // Some longer than ROTATOR_REQUEST_TIMEOUT_MS: the action gives up on the request, the emulator does not.
        [
          {
            delayMs: rng.weighted([
              [rng.int(20, 400), 3],
              [rng.int(1600, 2200), 1]
            ])
          },
          1
        ]
      ]);
      const times = rng.weighted<FaultRule['times']>([
        [1, 12],
        [2, 4],
        [3, 2],
        [6, write ? 2 : 1],
        ['always', write ? 2 : 0.5]
      ]);
      // A delay on every retry would only slow the suite down.
      return { fault, times: fault.delayMs ? 1 : times };
    }
  }
}

/** `count` targets of TARGET_POOL in random order, always a mix of repository and environment targets. */
export function pickTargets(rng: Random, count: number): TargetDef[] {
  const defs = rng.shuffle(TARGET_POOL).slice(0, count);
  if (defs.every((def) => def.scope.kind === defs[0]?.scope.kind)) {
    const other = TARGET_POOL.find((def) => def.scope.kind !== defs[0]?.scope.kind) as TargetDef;
    return [...defs.slice(0, -1), other];
  }
  return defs;
}

/**
 * Up to three faults on routes of the catalog (picked by weight), each from `faultOf`; a route whose name matches
 * `repeated` (a call that can come more than once in a run) may be faulted at its 2nd or 3rd call instead.
 */
export function planFaults(
  rng: Random,
  catalog: readonly Route[],
  faultOf: (rng: Random, route: Route) => { fault: Fault; times: FaultRule['times'] },
  repeated: RegExp
): PlannedFault[] {
  const faultCount = rng.weighted([
    [0, 2],
    [1, 3.5],
    [2, 2.5],
    [3, 2]
  ] as const);
  const faults: PlannedFault[] = [];
  for (let index = 0; index < faultCount; index++) {
    const route = rng.weighted(catalog.map((candidate) => [candidate, candidate.weight] as const));
    const { fault, times } = faultOf(rng, route);
    const nth = repeated.test(route.name)
      ? rng.weighted([
          [1, 4],
          [2, 2],
          [3, 1]
        ] as const)
      : 1;
    faults.push({
      route: route.name,
      routeClass: route.routeClass,
      rule: { api: route.api, method: route.method, path: route.path, nth, times, fault }
    });
  }
  return faults;
}

/** With probability `chance`, a kill at one of the first `afterStage` requests after the stage (or at the stage). */
export function planKill(rng: Random, chance: number, afterStage: number): KillPlan | undefined {
  return rng.chance(chance) ? { after: rng.int(0, afterStage), forward: rng.chance(0.5) } : undefined;
}

function targetStart(rng: Random, token: TokenStart): TargetStart {
  switch (token) {
    case 'missing':
      return rng.weighted<TargetStart>([
        ['missing', 3],
        ['leftover', 1]
      ]);
    case 'in-grace':
      return rng.weighted<TargetStart>([
        ['current', 3],
        ['previous', 3],
        ['stale', 1],
        ['missing', 1]
      ]);
    case 'expired':
      return rng.weighted<TargetStart>([
        ['current', 4],
        ['missing', 1]
      ]);
    default:
      return rng.weighted<TargetStart>([
        ['current', 6],
        ['stale', 1],
        ['missing', 1],
        ['id-only', 0.5]
      ]);
  }
}

export function scenario(seed: number): ScenarioConfig {
  const rng = random(seed);
  const token = rng.weighted<TokenStart>([
    ['missing', 3],
    ['fresh', 4],
    ['expiring', 2],
    ['expired', 0.5],
    ['in-grace', 2]
  ]);
  const zoneScope = rng.chance(0.25);
  const mode = rng.chance(0.2) ? 'rotate' : 'auto';
  const count = rng.int(2, 6);
  const targets = pickTargets(rng, count).map((def) => ({ def, start: targetStart(rng, token) }));
  const base = {
    zoneScope,
    mode,
    token,
    targets,
    verify: rng.chance(0.3),
    revokePrevious: rng.chance(0.3),
    clientIdAsVariable: rng.chance(0.15)
  } as const;
  // Most calls happen once per run; the PUT of the token (renew, version bump, finish), the client id (probe,
  // then write), the token list and the token (before the rotate, and to read back a lost one) can come again.
  const faults = planFaults(rng, routes(base), faultFor, /PUT token|CF_ACCESS_CLIENT_ID|GET list|GET token/);
  // After the stage (renewal, create/rotate) come the writes (the secret, and the client id where it changes),
  // verify-url and the finish.
  const afterStage = count + (token === 'missing' ? count : 0) + (base.verify ? 1 : 0) + 2;
  const kill = planKill(rng, 0.25, afterStage);
  return { seed, ...base, faults, kill, pauseMs: rng.int(30_000, 90_000) };
}

/** One line per fault, for the report. */
export function describePlannedFault(planned: PlannedFault): string {
  const { rule } = planned;
  const { fault } = rule;
  const parts = [
    fault.status !== undefined
      ? `${fault.status}${fault.secondaryRateLimit ? ' secondary rate limit' : ''}${fault.retryAfter !== undefined ? ` retry-after ${fault.retryAfter}s` : ''}`
      : undefined,
    fault.drop ? 'drop' : undefined,
    fault.delayMs ? `delay ${fault.delayMs}ms` : undefined,
    fault.afterEffect ? 'after effect' : undefined
  ].filter(Boolean);
  return `${planned.route}: ${parts.join(' + ')} (call #${rule.nth ?? 1}, ${rule.times === 'always' ? 'every call' : `${rule.times ?? 1}×`})`;
}
