// Runs many seeded scenarios a few at a time (each has its own emulator; the action runs as child processes).

import { apiTokenScenario } from './api-token-scenario.ts';
import { runApiTokenScenario } from './api-token-runner.ts';
import { scenario } from './scenario.ts';
import { runScenario, type ScenarioReport } from './runner.ts';

/** What the scenarios rotate: an Access service token, or a Cloudflare API token (credential: api-token). */
export type ScenarioKind = 'service-token' | 'api-token';

export interface SuiteOptions {
  readonly runs: number;
  /** Scenario i uses seed + i. */
  readonly seed: number;
  readonly concurrency: number;
  /** Default 'service-token'. Each kind has its own generator: the same seed is a different scenario. */
  readonly kind?: ScenarioKind;
  readonly onReport?: (report: ScenarioReport, done: number) => void;
}

function runOne(kind: ScenarioKind, seed: number): Promise<ScenarioReport> {
  return kind === 'api-token' ? runApiTokenScenario(apiTokenScenario(seed)) : runScenario(scenario(seed));
}

export async function runSuite(options: SuiteOptions): Promise<ScenarioReport[]> {
  const kind = options.kind ?? 'service-token';
  const reports: ScenarioReport[] = new Array<ScenarioReport>(options.runs);
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < options.runs) {
      const index = next++;
      const report = await runOne(kind, options.seed + index);
      reports[index] = report;
      done += 1;
      options.onReport?.(report, done);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, options.runs)) }, worker));
  return reports;
}
