// Fault-injection suite: many seeded scenarios of dist/index.js against the emulator with faults, lost
// responses and SIGKILLs, each followed by a healthy re-run; checks the rotation's invariants throughout.
//
//   npm run chaos                          500 scenarios from seed 1
//   npm run chaos -- --runs 50 --seed 900  scenarios with seeds 900…949
//   npm run chaos -- --seed 4711 --runs 1 --verbose   replay one scenario with its full log
//
// Exits 1 when any invariant was violated. Rebuild dist/ first (npm run build): this tests the bundle.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import {
  LOCKOUT_NOTE,
  describeConfig,
  formatBrief,
  formatFailure,
  formatTable,
  totals
} from './chaos/report.ts';
import { runSuite } from './chaos/suite.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: String(Math.max(2, availableParallelism() * 2)) },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false }
  }
});
if (values.help) {
  console.log('usage: npm run chaos -- [--runs N] [--seed S] [--concurrency C] [--verbose]');
  process.exit(0);
}
const integer = (name: string, text: string, min: number): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be an integer >= ${min}, got '${text}'`);
    process.exit(2);
  }
  return value;
};
const runs = integer('runs', values.runs, 1);
const seed = integer('seed', values.seed, 0);
const concurrency = integer('concurrency', values.concurrency, 1);

console.log(`chaos: ${runs} scenario(s) from seed ${seed}, ${concurrency} at a time`);
const started = performance.now();
const reports = await runSuite({
  runs,
  seed,
  concurrency,
  onReport: (report, done) => {
    if (values.verbose) {
      console.log(`\n${describeConfig(report.config)}\n${formatBrief(report)}`);
      for (const run of report.runs) {
        console.log(`── ${run.kind} run${run.killedAt ? ` (killed at ${run.killedAt})` : ''}:`);
        console.log(run.requests.map((request) => `   ${request}`).join('\n'));
      }
    } else if (report.violations.length) console.log(formatBrief(report));
    else if (done % 25 === 0 || done === runs) console.log(`  ${done}/${runs} done`);
  }
});
const wallMs = performance.now() - started;
const sum = totals(reports);
for (const report of sum.failing) console.log(`\n${formatFailure(report)}`);
console.log(`\n${formatTable(sum, wallMs, { seed, concurrency })}\n\n${LOCKOUT_NOTE}`);
process.exitCode = sum.violationCount > 0 ? 1 : 0;
