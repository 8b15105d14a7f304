// Fault-injection suite: many seeded scenarios of dist/index.js against the emulator with faults, lost
// responses and SIGKILLs, each followed by a healthy re-run; checks the rotation's invariants throughout.
// Two kinds of scenario: Access service tokens and API tokens (credential: api-token), each with its own
// seeded generator; by default both run, one after the other.
//
//   npm run chaos                                         500 scenarios of each kind (service tokens: in both
//                                                         response profiles, rich and minimal) from seed 1
//   npm run chaos -- --runs 50 --seed 900                 scenarios with seeds 900…949, of each kind
//   npm run chaos -- --kind api-token --runs 300          API token scenarios only
//   npm run chaos -- --kind api-token --seed 4711 --runs 1 --verbose   replay one scenario with its full log
//
// The invariants it checks, for each kind: scripts/chaos/INVARIANTS.md. Exits 1 when any was violated.
// Rebuild dist/ first (npm run build): this tests the bundle.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { totals } from './chaos/report.ts';
import {
  API_TOKEN_NOTE,
  LOCKOUT_NOTE,
  describeConfig,
  formatBrief,
  formatFailure,
  formatTable
} from './chaos/report-text.ts';
import type { ResponseProfile } from '../emulator/cloudflare/service-tokens.ts';
import { runSuite, type ScenarioKind } from './chaos/suite.ts';

const KINDS = ['service-token', 'api-token'] as const;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    kind: { type: 'string', default: 'both' },
    profile: { type: 'string', default: 'both' },
    concurrency: { type: 'string', default: String(Math.max(2, availableParallelism() * 2)) },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false }
  }
});
if (values.help) {
  console.log(
    'usage: npm run chaos -- [--kind both|service-token|api-token] [--profile both|rich|minimal] [--runs N] [--seed S] [--concurrency C] [--verbose]'
  );
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
if (values.kind !== 'both' && !(KINDS as readonly string[]).includes(values.kind)) {
  console.error(`--kind must be both, service-token or api-token, got '${values.kind}'`);
  process.exit(2);
}
const kinds: ScenarioKind[] = values.kind === 'both' ? [...KINDS] : [values.kind as ScenarioKind];
if (!['both', 'rich', 'minimal'].includes(values.profile)) {
  console.error(`--profile must be both, rich or minimal, got '${values.profile}'`);
  process.exit(2);
}
// Service tokens run once per response profile; API tokens' declared fields are all they use, so once.
const profiles: ResponseProfile[] =
  values.profile === 'both' ? ['rich', 'minimal'] : [values.profile as ResponseProfile];
const passes = kinds.flatMap((kind): Array<{ kind: ScenarioKind; profile: ResponseProfile }> =>
  kind === 'api-token' ? [{ kind, profile: 'rich' as const }] : profiles.map((profile) => ({ kind, profile }))
);

let violations = 0;
const tables: string[] = [];
for (const { kind, profile } of passes) {
  const label = kind === 'api-token' ? kind : `${kind}, ${profile} profile`;
  console.log(`chaos (${label}): ${runs} scenario(s) from seed ${seed}, ${concurrency} at a time`);
  const started = performance.now();
  const reports = await runSuite({
    runs,
    seed,
    concurrency,
    kind,
    profile,
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
  violations += sum.violationCount;
  tables.push(
    `${kind === 'api-token' ? 'API tokens' : `Access service tokens (${profile} profile)`}:\n${formatTable(sum, wallMs, { seed, concurrency, kind })}\n\n${kind === 'api-token' ? API_TOKEN_NOTE : LOCKOUT_NOTE}`
  );
}
console.log(`\n${tables.join('\n\n')}`);
process.exitCode = violations > 0 ? 1 : 0;
