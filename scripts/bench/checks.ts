// The benchmark's pass/fail checks: every run did what it should, second runs wrote nothing, writes kept the
// pacing and never overlapped, rate limits were waited out, and the overhead beyond the pacing stayed small.

import type { ApiScenarioResult } from './api-token-runs.ts';
import { githubCalls } from './calls-tables.ts';
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
    ['overhead beyond the pacing bound is small', normal.every((result) => !largeOverhead(result))],
    ...callTargets(results)
  ];
}

/** Issue #15's GitHub call targets at 500 repository targets, when the run measured that size. */
function callTargets(results: readonly ScenarioResult[]): [string, boolean][] {
  const at500 = (prefix: string) =>
    results.find((result) => result.size === 500 && result.label.startsWith(prefix));
  const create = at500('(a)');
  const rotate = at500('(b)');
  const unchanged = at500('(c)');
  if (!create || !rotate || !unchanged) return [];
  const calls = (result: ScenarioResult) => githubCalls(result.calls);
  return [
    [
      `GitHub calls at 500 targets: create ${calls(create)} and rotation ${calls(rotate)} (each ≤ 1,510), unchanged run ${calls(unchanged)} reads and ${unchanged.writes.count} writes`,
      calls(create) <= 1510 && calls(rotate) <= 1510 && unchanged.writes.count === 0
    ]
  ];
}

export function printChecks(checks: readonly [string, boolean][]): void {
  console.log(`\n## Checks\n`);
  for (const [what, passed] of checks) console.log(`  ${passed ? '✔' : '✘'} ${what}`);
}
