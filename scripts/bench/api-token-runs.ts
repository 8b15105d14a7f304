// The API token runs, one world per size: (d) the first run creates the token from api-token-policy and writes
// it to every target (none holds the secret yet); (e) a second run changes nothing; (f) mode rotate replaces it
// (create, verify, write every target, delete the old token); (g) mode rotate with strategy roll rolls it.

import type { CallKind } from './analyze.ts';
import { HOUR_MS, pacingFor, type BenchOptions } from './options.ts';
import { analyze, progress, withWorld, type ScenarioResult } from './result.ts';
import { measureRun, startWorld } from './world.ts';

type ApiTokenResultName = 'created' | 'unchanged' | 'replaced' | 'rolled';

/**
 * The Cloudflare calls a correct API token run cannot do without, by what it does (BENCHMARKS.md says why):
 * the list that finds the token by name (its dates decide); for a create, the permission groups (api-token-policy
 * names them) and the create; for a replacement, the create and the delete of the old token; for a roll, the
 * roll. cloudflare-api-token's own verify only where the run changes a token that exists: its id tells whether
 * the run changes the token it runs with. The new value's verify where it decides whether anything is written
 * (create, replace): after a roll the value is written whatever the verify says.
 */
const API_CF_MINIMUM: Record<ApiTokenResultName, Partial<Record<CallKind, number>>> = {
  created: { 'cf.list': 1, 'cf.groups': 1, 'cf.create': 1, 'cf.verifyNew': 1 },
  unchanged: { 'cf.list': 1 },
  replaced: { 'cf.verify': 1, 'cf.list': 1, 'cf.create': 1, 'cf.verifyNew': 1, 'cf.delete': 1 },
  rolled: { 'cf.verify': 1, 'cf.list': 1, 'cf.roll': 1 }
};

export interface ApiScenarioResult extends ScenarioResult {
  readonly cfMinimum: Partial<Record<CallKind, number>>;
}

const STEPS: { label: string; expected: ApiTokenResultName; mode: string; strategy?: 'roll' }[] = [
  { label: '(d) create', expected: 'created', mode: 'auto' },
  { label: '(e) rerun after d', expected: 'unchanged', mode: 'auto' },
  { label: '(f) replace (rotate)', expected: 'replaced', mode: 'rotate' },
  { label: '(g) roll (rotate)', expected: 'rolled', mode: 'rotate', strategy: 'roll' }
];

export async function apiTokenRuns(size: number, options: BenchOptions): Promise<ApiScenarioResult[]> {
  const intervalMs = pacingFor(size, options);
  const results: ApiScenarioResult[] = [];
  await withWorld(await startWorld(size, { credential: 'api-token' }), async (world) => {
    for (const { label, expected, mode, strategy } of STEPS) {
      progress(`${size} target(s), ${intervalMs} ms between writes: API token ${label}`);
      // The runs are an hour apart on the emulator's clock, so each starts with a fresh GitHub rate-limit window
      // (5,000 requests an hour): the four runs over 500 targets make about 6,500 requests, and without this
      // the last one would wait for the reset, as a real run would.
      world.emu.clock.advance(HOUR_MS + 1000);
      const measured = await measureRun(world, {
        writeIntervalMs: intervalMs,
        mode,
        ...(strategy && { strategy })
      });
      results.push({
        ...analyze(label, size, intervalMs, expected, measured),
        cfMinimum: API_CF_MINIMUM[expected]
      });
    }
  });
  return results;
}
