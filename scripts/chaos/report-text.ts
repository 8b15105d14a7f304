// The text `npm run chaos` prints: the table of one kind's figures, the notes on what is counted but not flagged,
// and each violation explained in full with the scenario, its requests and the action's log.

import { API_TOKEN_LIMITS } from './api-token/limits.ts';
import { describeApiTokenConfig, isApiTokenScenario } from './api-token/scenario.ts';
import { describePlannedFault } from './harness/faults.ts';
import type { Totals } from './report.ts';
import { describeServiceTokenConfig } from './service-token/scenario.ts';
import type { AnyScenarioReport } from './suite.ts';

function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => (name === '' ? '' : `  ${name.padEnd(width)}  ${value}`)).join('\n');
}

const byCount = (map: Map<string, number>): Array<[string, number]> =>
  [...map.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

type Row = readonly [string, string];

const total = (map: Map<string, number>): number => [...map.values()].reduce((a, b) => a + b, 0);

/** The faults planned and fired, in all and by kind. */
function faultRows(sum: Totals): Row[] {
  const kinds = new Set([...sum.faultRules.keys(), ...sum.faultsFired.keys()]);
  const byKind = byCount(new Map([...kinds].map((kind) => [kind, sum.faultsFired.get(kind) ?? 0]))).map(
    ([kind]): Row => [
      `  ${kind}`,
      `${String(sum.faultRules.get(kind) ?? 0).padStart(4)} rules, ${String(sum.faultsFired.get(kind) ?? 0).padStart(4)} faulted requests`
    ]
  );
  return [
    ['faults injected', `${total(sum.faultRules)} rules, ${total(sum.faultsFired)} faulted requests`],
    ...byKind
  ];
}

/** How the faulty runs ended: succeeded by result, failed safely by error. */
function outcomeRows(sum: Totals): Row[] {
  return [
    ['faulty runs that succeeded', `${sum.succeeded} (exit 0), by result:`],
    ...byCount(sum.results).map(([result, count]): Row => [`  ${result}`, `${count}`]),
    ['faulty runs that failed safely', `${sum.failedSafely} (exit ≠ 0, invariants intact), by error:`],
    ...byCount(sum.failures).map(([reason, count]): Row => [`  ${count}×`, reason]),
    [
      '  …of which all targets current',
      `${total(sum.failedButCurrent)} (the run failed, yet every target holds the current secret)`
    ],
    ...byCount(sum.failedButCurrent).map(([reason, count]): Row => [`    ${count}×`, reason])
  ];
}

/** What is counted but not flagged: API tokens' roll gaps and protocol limits, service tokens' lockouts. */
function notFlaggedRows(sum: Totals, apiTokens: boolean): Row[] {
  if (!apiTokens)
    return [
      [
        'protocol-limit lockouts',
        `${sum.lockoutRuns} scenarios (${sum.lockoutsPastRun} past the end of a run, longest in-run ${Math.round(sum.longestLockoutMs)} ms) — not violations, see below`
      ]
    ];
  return [
    [
      'roll gaps (by design)',
      `${sum.rollGaps.scenarios} faulty runs: ${sum.rollGaps.lost} targets lost access across the roll, ${sum.rollGaps.restored} had a working value again when the run ended`
    ],
    ['protocol limits', `${total(sum.limits)} scenarios — not violations, see below`],
    ...byCount(sum.limits).map(([limit, count]): Row => [`  ${limit}`, `${count}`])
  ];
}

export function formatTable(
  sum: Totals,
  wallMs: number,
  options: { seed: number; concurrency: number; kind?: 'service-token' | 'api-token' }
): string {
  const violationsByInvariant = sum.violationCount
    ? ` (${byCount(sum.violations)
        .map(([invariant, count]) => `#${invariant}: ${count}`)
        .join(', ')})`
    : '';
  return table([
    [
      'runs (scenarios)',
      `${sum.scenarios} (seeds ${options.seed}…${options.seed + sum.scenarios - 1}), ${sum.processes} action processes`
    ],
    ...faultRows(sum),
    [
      'kills (SIGKILL)',
      `${sum.kills} (${sum.killsPlanned} planned; the others' runs ended before the chosen request)`
    ],
    ...outcomeRows(sum),
    ['killed runs left safe', `${sum.killedSafely} (invariants intact after the kill)`],
    ['re-runs that healed', `${sum.healed} of ${sum.scenarios}`],
    ['second runs with no change', `${sum.idempotent} (invariant 6: a second auto run changes nothing)`],
    ...notFlaggedRows(sum, options.kind === 'api-token'),
    ['invariant violations', `${sum.violationCount}${violationsByInvariant}`],
    ['wall time', `${(wallMs / 1000).toFixed(1)} s (concurrency ${options.concurrency})`]
  ]);
}

export const LOCKOUT_NOTE =
  'Protocol-limit lockouts: a target that started a run on the previous secret (an earlier rotation did not finish) stops working as soon as this run rotates again, because Cloudflare keeps one previous secret; it works again once this run writes it. They are counted, not flagged: no order of calls avoids them, since the current secret of the unfinished rotation is unknown.';

export const API_TOKEN_NOTE = [
  'API token protocol limits (counted, not flagged):',
  ...Object.entries(API_TOKEN_LIMITS).map(([name, text]) => `- ${name}: ${text}.`),
  "Roll gaps: with strategy roll the old value dies at the roll, so targets lose access until they are written (the gap the user accepts by choosing roll); 'keeps working' is checked everywhere else."
].join('\n');

export function describeConfig(config: AnyScenarioReport['config']): string {
  const header = isApiTokenScenario(config)
    ? describeApiTokenConfig(config)
    : describeServiceTokenConfig(config);
  return [
    header,
    `targets: ${config.targets.map(({ def, start }) => `${def.line} (${start})`).join(', ')}`,
    `faults: ${config.faults.length ? '' : 'none'}`,
    ...config.faults.map((fault) => `  - ${describePlannedFault(fault)}`),
    `kill: ${config.kill ? `at request #${config.kill.after} from the first change on Cloudflare on (${config.kill.forward ? 'forwarded' : 'not sent'})` : 'none'}`
  ].join('\n');
}

export function formatFailure(report: AnyScenarioReport): string {
  const kind = isApiTokenScenario(report.config) ? 'api-token' : 'service-token';
  const lines = [
    `━━ VIOLATION in ${describeConfig(report.config)}`,
    `replay: npm run chaos -- --kind ${kind} --seed ${report.config.seed} --runs 1 --verbose`,
    ...report.violations.map(
      (violation) => `  ✗ invariant ${violation.invariant} (${violation.run} run): ${violation.detail}`
    )
  ];
  for (const run of report.runs) {
    lines.push(
      `── ${run.kind} run: exit ${run.exitCode ?? run.signal}, result ${run.result ?? '-'}${run.killedAt ? `, killed at ${run.killedAt}` : ''}, ${Math.round(run.durationMs)} ms`,
      '   requests:',
      ...run.requests.map((request) => `     ${request}`),
      '   visible log:',
      ...run.log.split('\n').map((line) => `     ${line}`)
    );
  }
  return lines.join('\n');
}

export function formatBrief(report: AnyScenarioReport): string {
  const runs = report.runs
    .map((run) =>
      `${run.kind}: ${run.killedAt ? 'killed' : `exit ${run.exitCode ?? run.signal}`} ${run.result ?? ''}`.trim()
    )
    .join(' | ');
  const kind = isApiTokenScenario(report.config) ? ' (api-token)' : '';
  return `seed ${report.config.seed}${kind} ${report.violations.length ? 'VIOLATION' : 'ok'} — ${runs} — ${report.firedFaults.length} faults fired — ${Math.round(report.durationMs)} ms`;
}
