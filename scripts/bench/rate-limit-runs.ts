// Rotations of 10 stale targets while GitHub rate-limits: the action must wait, not fail.

import type { FaultRule } from '../../emulator/faults.ts';
import { FAST_INTERVAL_MS } from './options.ts';
import { analyze, progress, withWorld, type ScenarioResult } from './result.ts';
import { measureRun, seedStale, startWorld } from './world.ts';

export interface RateLimitResult extends ScenarioResult {
  readonly variant: string;
  /** The action's log lines about waiting for a rate limit, shortened. */
  readonly waits: string[];
}

const VARIANTS: {
  variant: string;
  rateLimit?: { limit: number; remaining: number; windowSeconds: number };
  fault?: FaultRule;
}[] = [
  {
    variant: 'primary limit used up (fixture rateLimit: 10 left, then 40 per 3 s window)',
    rateLimit: { limit: 40, remaining: 10, windowSeconds: 3 }
  },
  {
    variant: 'secondary limit: 403 + Retry-After: 1 on the 3rd write (fault)',
    fault: {
      api: 'github',
      method: 'PUT',
      nth: 3,
      fault: { status: 403, secondaryRateLimit: true, retryAfter: 1 }
    }
  },
  {
    variant: '429 + x-ratelimit-reset in 2 s on the 2nd secret-list read (fault)',
    fault: {
      api: 'github',
      method: 'GET',
      path: /\/actions\/secrets$/,
      nth: 2,
      fault: { status: 429, retryAfter: 2 }
    }
  }
];

export async function rateLimitRuns(): Promise<RateLimitResult[]> {
  const size = 10;
  const results: RateLimitResult[] = [];
  for (const { variant, rateLimit, fault } of VARIANTS) {
    progress(`rate limit: ${variant}`);
    await withWorld(await startWorld(size, { ...(rateLimit && { rateLimit }) }), async (world) => {
      seedStale(world);
      if (fault) world.emu.faults.add(fault);
      const measured = await measureRun(world, { writeIntervalMs: FAST_INTERVAL_MS });
      const waits = measured.run.stdout
        .split('\n')
        .filter((line) => /rate limit on/.test(line))
        .map((line) => line.replace(/^.*GitHub /, 'GitHub ').replace(/https?:\/\/[^ ]+\/github/, ''));
      results.push({
        ...analyze('(b) rotate stale', size, FAST_INTERVAL_MS, 'rotated', measured),
        variant,
        waits
      });
    });
  }
  return results;
}
