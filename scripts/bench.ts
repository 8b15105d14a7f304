// `npm run bench [-- --quick] [-- --sizes=1,10]`: runs the built action (dist/index.js) against the local
// emulator for 1, 10, 100 and 500 repository targets, for an Access service token and for a Cloudflare API
// token (credential api-token), and prints API calls by kind against the minimum, wall time against the
// write-pacing bound, rate-limit answers, write overlap, cold start and memory; then one `config` file of 20
// credentials × 25 targets in one run. The parts: scripts/bench/.
// Method and interpretation: BENCHMARKS.md.

import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { apiTokenRuns, type ApiScenarioResult } from './bench/api-token-runs.ts';
import { benchChecks, printChecks } from './bench/checks.ts';
import { coldStart } from './bench/cold-start.ts';
import { configChecks, printConfigRuns } from './bench/config-report.ts';
import { configRuns, type ConfigShape } from './bench/config-runs.ts';
import { benchOptions } from './bench/options.ts';
import { rateLimitRuns } from './bench/rate-limit-runs.ts';
import {
  printApiTokens,
  printColdStart,
  printHeader,
  printRateLimits,
  printServiceTokens
} from './bench/report.ts';
import { progress, type ScenarioResult } from './bench/result.ts';
import { serviceTokenRuns } from './bench/service-token-runs.ts';
import { startBench, treeBytes } from './bench/start.ts';
import { seconds } from './bench/table.ts';
import { DIST_ENTRY } from './run-dist.ts';

async function main(): Promise<number> {
  const options = benchOptions();
  if (!existsSync(DIST_ENTRY)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    return 1;
  }
  if (options.start !== undefined) return startBench(options.start);
  const started = performance.now();
  const shape: ConfigShape = options.quick
    ? { serviceTokens: 3, apiTokens: 1, targetsEach: 5 }
    : { serviceTokens: 15, apiTokens: 5, targetsEach: 25 };
  if (options.configOnly) {
    const many = await configRuns(shape);
    printConfigRuns(shape, many);
    const checks = configChecks(many);
    printChecks(checks);
    console.log(`\nBenchmark took ${seconds(performance.now() - started, 0)}.`);
    return checks.every(([, passed]) => passed) ? 0 : 1;
  }
  const bundleBytes = treeBytes(dirname(DIST_ENTRY));
  const results: ScenarioResult[] = [];
  for (const size of options.sizes) results.push(...(await serviceTokenRuns(size, options)));
  const apiResults: ApiScenarioResult[] = [];
  for (const size of options.sizes) apiResults.push(...(await apiTokenRuns(size, options)));
  const rateLimited = await rateLimitRuns();
  const many = await configRuns(shape);
  progress(`cold start: ${options.coldSamples} samples each`);
  const cold = await coldStart(options.coldSamples);

  printHeader(options);
  printServiceTokens(results);
  printApiTokens(apiResults);
  printRateLimits(rateLimited);
  printColdStart(results, cold, options, bundleBytes);
  printConfigRuns(shape, many);
  const checks = [...benchChecks(results, apiResults, rateLimited), ...configChecks(many)];
  printChecks(checks);
  console.log(`\nBenchmark took ${seconds(performance.now() - started, 0)}.`);
  return checks.every(([, passed]) => passed) ? 0 : 1;
}

process.exitCode = await main();
