// The benchmark's pass/fail checks: every run did what it should, second runs wrote nothing, writes kept the
// pacing and never overlapped, rate limits were waited out, and the overhead beyond the pacing stayed small.

import type { ApiScenarioResult } from './api-token-runs.ts';
import type { RateLimitResult } from './rate-limit-runs.ts';
import type { ScenarioResult } from './result.ts';
import { largeOverhead } from './time-tables.ts';

export function benchChecks(
  results: readonly ScenarioResult[],
  apiResults: readonly ApiScenarioResult[],
  rateLimited: readonly RateLimitResult[]
): [string, boolean][] {
  const normal = [...results, ...apiResults];
  return [
    [
      'every run exited 0 with the expected result and every target holds a working secret (API tokens: of the one token named alike)',
      [...normal, ...rateLimited].every((result) => result.ok)
    ],
    [
      'second runs (c), (c′) and (e) wrote nothing',
      normal.filter((result) => result.expected === 'unchanged').every((result) => result.writes.count === 0)
    ],
    ['writes never overlapped', [...normal, ...rateLimited].every((result) => result.writes.overlaps === 0)],
    [
      'writes were at least 90 % of the pacing apart on the wire (see min gap)',
      normal.every((result) => !(result.writes.minGapMs < 0.9 * result.intervalMs))
    ],
    ['no rate-limit answers in the normal runs', normal.every((result) => result.rateLimited === 0)],
    [
      'each rate-limit variant was limited and still succeeded',
      rateLimited.every((result) => result.rateLimited > 0 && result.ok)
    ],
    ['overhead beyond the pacing bound is small', normal.every((result) => !largeOverhead(result))]
  ];
}

export function printChecks(checks: readonly [string, boolean][]): void {
  console.log(`\n## Checks\n`);
  for (const [what, passed] of checks) console.log(`  ${passed ? '✔' : '✘'} ${what}`);
}
