// A short, fixed-seed slice of the fault-injection suite (`npm run chaos` runs 500 scenarios): dist/index.js
// against the emulator with faults, lost responses and kills, each followed by a healthy re-run.
import { describe, expect, it } from '@jest/globals';
import { formatFailure, totals } from '../../scripts/chaos/report.ts';
import { scenario } from '../../scripts/chaos/scenario.ts';
import { runSuite } from '../../scripts/chaos/suite.ts';

const SEED = 7000;
const RUNS = 20;

describe('fault injection (fixed-seed slice)', () => {
  it('scenarios are reproducible from their seed', () => {
    expect(scenario(SEED)).toEqual(scenario(SEED));
    expect(scenario(SEED)).not.toEqual(scenario(SEED + 1));
  });

  it(`keeps every invariant over ${RUNS} seeded scenarios`, async () => {
    const reports = await runSuite({ runs: RUNS, seed: SEED, concurrency: 3 });
    const sum = totals(reports);
    // The full story of any violation (seed, configuration, faults, requests, the action's log) in the diff.
    expect(sum.failing.map(formatFailure)).toEqual([]);
    expect(sum.violationCount).toBe(0);
    expect(sum.healed).toBe(RUNS);
    // The slice does exercise something: faults fired, a run was killed, some runs failed and were healed.
    expect([...sum.faultsFired.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(sum.kills).toBeGreaterThan(0);
    expect(sum.failedSafely).toBeGreaterThan(0);
  }, 180_000);
});
