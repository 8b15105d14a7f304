// Short, fixed-seed slices of the fault-injection suite (`npm run chaos` runs 500 scenarios of each kind):
// dist/index.js against the emulator with faults, lost responses and kills, each followed by a healthy re-run;
// Access service tokens, then API tokens.
import { describe, expect, it } from '@jest/globals';
import { apiTokenScenario, type ApiTokenScenarioConfig } from '../../scripts/chaos/api-token/scenario.ts';
import { totals } from '../../scripts/chaos/report.ts';
import { formatFailure } from '../../scripts/chaos/report-text.ts';
import { scenario } from '../../scripts/chaos/service-token/scenario.ts';
import { runSuite } from '../../scripts/chaos/suite.ts';

const SEED = 7000;
const RUNS = 20;
/**
 * API tokens: both strategies, user- and account-owned tokens, an account-owned management token, a
 * self-rotation, two kills, and seed 4065 (a GitHub outage whose writes took effect) that found a lockout.
 */
const API_SEED = 4063;
const API_RUNS = 10;

describe('fault injection (fixed-seed slice)', () => {
  it('scenarios are reproducible from their seed', () => {
    expect(scenario(SEED)).toEqual(scenario(SEED));
    expect(scenario(SEED)).not.toEqual(scenario(SEED + 1));
    expect(scenario(SEED, 'minimal').zoneScope).toBe(false);
  });

  it.each(['rich', 'minimal'] as const)(
    `keeps every invariant over ${RUNS} seeded scenarios (%s profile)`,
    async (profile) => {
      const reports = await runSuite({ runs: RUNS, seed: SEED, concurrency: 3, profile });
      // Both answers to "is there a record?" come up: adoption of a token without one, and a recorded token.
      const configs = reports.map((report) => report.config as ReturnType<typeof scenario>);
      expect(new Set(configs.map((config) => config.record))).toEqual(new Set(['kept', 'missing']));
      const sum = totals(reports);
      // The full story of any violation (seed, configuration, faults, requests, the action's log) in the diff.
      expect(sum.failing.map(formatFailure)).toEqual([]);
      expect(sum.violationCount).toBe(0);
      expect(sum.healed).toBe(RUNS);
      // The slice does exercise something: faults fired, a run was killed, some runs failed and were healed.
      expect([...sum.faultsFired.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
      expect(sum.kills).toBeGreaterThan(0);
      expect(sum.failedSafely).toBeGreaterThan(0);
    },
    180_000
  );

  it('API token scenarios are reproducible from their seed', () => {
    expect(apiTokenScenario(API_SEED)).toEqual(apiTokenScenario(API_SEED));
    expect(apiTokenScenario(API_SEED)).not.toEqual(apiTokenScenario(API_SEED + 1));
  });

  it(`keeps every API token invariant over ${API_RUNS} seeded scenarios`, async () => {
    const reports = await runSuite({ runs: API_RUNS, seed: API_SEED, concurrency: 3, kind: 'api-token' });
    const sum = totals(reports);
    expect(sum.failing.map(formatFailure)).toEqual([]);
    expect(sum.violationCount).toBe(0);
    expect(sum.healed).toBe(API_RUNS);
    const configs = reports.map((report) => report.config as ApiTokenScenarioConfig);
    expect(new Set(configs.map((config) => config.strategy))).toEqual(new Set(['replace', 'roll']));
    expect(new Set(configs.map((config) => config.owner))).toEqual(new Set(['user', 'account']));
    expect(new Set(configs.map((config) => config.runAs))).toEqual(new Set(['user', 'account', 'self']));
    expect([...sum.faultsFired.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(sum.kills).toBeGreaterThan(0);
    expect(sum.failedSafely).toBeGreaterThan(0);
    expect(sum.results.get('exit 0, result rolled')).toBeGreaterThan(0);
  }, 180_000);
});
