// Runs many seeded scenarios a few at a time (each has its own emulator; the action runs as child processes).

import { scenario } from './scenario.ts';
import { runScenario, type ScenarioReport } from './runner.ts';

export interface SuiteOptions {
  readonly runs: number;
  /** Scenario i uses seed + i. */
  readonly seed: number;
  readonly concurrency: number;
  readonly onReport?: (report: ScenarioReport, done: number) => void;
}

export async function runSuite(options: SuiteOptions): Promise<ScenarioReport[]> {
  const reports: ScenarioReport[] = new Array<ScenarioReport>(options.runs);
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < options.runs) {
      const index = next++;
      const report = await runScenario(scenario(options.seed + index));
      reports[index] = report;
      done += 1;
      options.onReport?.(report, done);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, options.runs)) }, worker));
  return reports;
}
