// Where a scenario's faults and its kill go: up to three faults on weighted routes, each suited to its route,
// and maybe a SIGKILL after the first change on Cloudflare. Shared by both credentials' scenario generators.

import type { Fault, FaultRule } from '../../../emulator/faults.ts';
import type { Random } from '../random.ts';
import type { Route, RouteClass } from './routes.ts';

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

/** A fault and how many calls in a row it hits. */
export interface FaultChoice {
  readonly fault: Fault;
  readonly times: FaultRule['times'];
}

export const FIVE_XX = [500, 502, 503] as const;

/**
 * The weighted faults of a Cloudflare write; the delay is the caller's (it is drawn last, so the draws before it
 * stay the same whatever delay a credential picks).
 */
export function cloudflareWriteFaults(rng: Random, delay: () => Fault): Array<[Fault, number]> {
  return [
    [{ status: rng.pick(FIVE_XX) }, 3],
    [{ status: 429, retryAfter: rng.int(0, 1) }, 1],
    [{ drop: true }, 2],
    [{ status: rng.pick(FIVE_XX), afterEffect: true }, 4],
    [{ drop: true, afterEffect: true }, 2],
    [delay(), 1]
  ];
}

function cloudflareWriteFault(rng: Random, route: Route): FaultChoice {
  const fault = rng.weighted(cloudflareWriteFaults(rng, () => ({ delayMs: rng.int(50, 400) })));
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

function githubFault(rng: Random, route: Route): FaultChoice {
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

/** A fault that suits the route: Cloudflare reads stay short (the SDK backs off for seconds on its own). */
export function faultFor(rng: Random, route: Route): FaultChoice {
  switch (route.routeClass) {
    case 'cf-write':
      return cloudflareWriteFault(rng, route);
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
    case 'gh-read':
      return githubFault(rng, route);
  }
}

/**
 * Up to three faults on routes of the catalog (picked by weight), each from `faultOf`; a route whose name matches
 * `repeated` (a call that can come more than once in a run) may be faulted at its 2nd or 3rd call instead.
 */
export function planFaults(
  rng: Random,
  catalog: readonly Route[],
  faultOf: (rng: Random, route: Route) => FaultChoice,
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
