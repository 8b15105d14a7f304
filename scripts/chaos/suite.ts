// Runs many seeded scenarios a few at a time (each has its own emulator; the action runs as child processes).

import { apiTokenScenario, type ApiTokenScenarioConfig } from './api-token/scenario.ts';
import { runApiTokenScenario } from './api-token/runner.ts';
import type { ResponseProfile } from '../../emulator/cloudflare/service-tokens.ts';
import type { ScenarioReport } from './harness/types.ts';
import { scenario, type ScenarioConfig } from './service-token/scenario.ts';
import { runScenario } from './service-token/runner.ts';

/** What the scenarios rotate: an Access service token, or a Cloudflare API token (credential: api-token). */
export type ScenarioKind = 'service-token' | 'api-token';

/** A scenario of either kind, and its report. */
export type AnyScenarioConfig = ScenarioConfig | ApiTokenScenarioConfig;
export type AnyScenarioReport = ScenarioReport<AnyScenarioConfig>;

export interface SuiteOptions {
  readonly runs: number;
  /** Scenario i uses seed + i. */
  readonly seed: number;
  readonly concurrency: number;
  /** Default 'service-token'. Each kind has its own generator: the same seed is a different scenario. */
  readonly kind?: ScenarioKind;
  /** Service tokens: how much the emulated Cloudflare answers with (default rich). */
  readonly profile?: ResponseProfile;
  readonly onReport?: (report: AnyScenarioReport, done: number) => void;
}

function runOne(kind: ScenarioKind, seed: number, profile: ResponseProfile): Promise<AnyScenarioReport> {
  return kind === 'api-token'
    ? runApiTokenScenario(apiTokenScenario(seed))
    : runScenario(scenario(seed, profile));
}

export async function runSuite(options: SuiteOptions): Promise<AnyScenarioReport[]> {
  const kind = options.kind ?? 'service-token';
  const reports: AnyScenarioReport[] = new Array<AnyScenarioReport>(options.runs);
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < options.runs) {
      const index = next++;
      const report = await runOne(kind, options.seed + index, options.profile ?? 'rich');
      reports[index] = report;
      done += 1;
      options.onReport?.(report, done);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, options.runs)) }, worker));
  return reports;
}
