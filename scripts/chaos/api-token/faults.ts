// The faults of the API token scenarios: Cloudflare calls their own (create and roll are never retried, the
// verify of a new value may never pass), a GitHub outage of every secret write, other GitHub calls as for
// service tokens.

import type { Fault, FaultRule } from '../../../emulator/faults.ts';
import { FIVE_XX, cloudflareWriteFaults, faultFor, type FaultChoice } from '../harness/faults.ts';
import type { Route } from '../harness/routes.ts';
import type { Random } from '../random.ts';

/** The new value is verified until ROTATOR_VERIFY_TIMEOUT_MS: now and then it never passes (and is deleted). */
function verifyFault(rng: Random): FaultChoice {
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

/**
 * Cloudflare faults for API token calls. Create and roll are never retried (a second one would issue a second
 * value), so one fault decides them; deletes and the renewal PUT are retried by the SDK, so some faults last.
 * A delay beyond the request timeout is a lost answer whose effect lands later (after the orphan check).
 */
function cloudflareFault(rng: Random, route: Route): FaultChoice {
  if (route.routeClass === 'cf-read')
    return route.name.includes('verify') ? verifyFault(rng) : faultFor(rng, route);
  const fault = rng.weighted(
    cloudflareWriteFaults(rng, () => ({
      delayMs: rng.weighted([
        [rng.int(50, 400), 3],
        [rng.int(1600, 2200), 1]
      ])
    }))
  );
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
function outage(rng: Random): FaultChoice {
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
export function apiTokenFault(rng: Random, route: Route): FaultChoice {
  if (route.api === 'cloudflare') return cloudflareFault(rng, route);
  return route.name.includes('every') ? outage(rng) : faultFor(rng, route);
}
