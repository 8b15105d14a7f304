// Sums up many scenarios into the table `npm run chaos` prints, and explains each violation in full.

import { describeFault } from '../../emulator/faults.ts';
import { API_TOKEN_LIMITS } from './api-token-runner.ts';
import { describeApiTokenConfig, isApiTokenScenario } from './api-token-scenario.ts';
import { describePlannedFault } from './scenario.ts';
import type { ScenarioReport } from './runner.ts';

export interface Totals {
  readonly scenarios: number;
  readonly processes: number;
  readonly faultRules: Map<string, number>;
  readonly faultsFired: Map<string, number>;
  readonly killsPlanned: number;
  readonly kills: number;
  readonly succeeded: number;
  readonly failedSafely: number;
  readonly killedSafely: number;
  /** Failed runs after which every target held the current secret anyway (a failure that need not have been). */
  readonly failedButCurrent: Map<string, number>;
  readonly healed: number;
  readonly idempotent: number;
  readonly results: Map<string, number>;
  /** Why the faulty runs that did not succeed failed, by their error message with names and ids taken out. */
  readonly failures: Map<string, number>;
  readonly lockoutRuns: number;
  readonly lockoutsPastRun: number;
  readonly longestLockoutMs: number;
  readonly violations: Map<string, number>;
  readonly violationCount: number;
  readonly failing: ScenarioReport[];
  /** API tokens: scenarios per protocol limit (API_TOKEN_LIMITS). */
  readonly limits: Map<string, number>;
  /** API tokens, strategy roll: the faulty runs' gaps (targets that lost access across the roll, by design). */
  readonly rollGaps: { readonly scenarios: number; readonly lost: number; readonly restored: number };
}

const bump = (map: Map<string, number>, key: string, by = 1): void => {
  map.set(key, (map.get(key) ?? 0) + by);
};

/** "502 after effect" → "5xx after effect", "delay 240ms" → "delay". */
export function faultKind(label: string): string {
  return label
    .replace(/\b5\d\d\b/, '5xx')
    .replace(/delay \d+ms( \+ )?/, (_, plus: string | undefined) => (plus ? 'delay + ' : 'delay'))
    .trim();
}

function plannedKind(config: ScenarioReport['config']): string[] {
  return config.faults.map(({ rule }) => faultKind(describeFault(rule.fault)));
}

/** "Could not rotate service token 3b42… in account 0123… (503: …). Cloudflare had …" → "Could not rotate service token <id> in account <id>". */
export function failureReason(error: string | undefined): string {
  if (!error) return '(no error message)';
  return (
    error
      .replace(/ \([^()]*(\([^()]*\)[^()]*)*\)/g, '')
      .split(/: |\. /)[0]
      ?.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{32}\b/g, '<id>')
      .replace(/\b(alice|octo-org)\/[\w.-]+(@[\w-]+( eu)?)?/g, '<target>')
      .replace(/\d+/g, 'N')
      .replace(/\s+/g, ' ')
      .replace(/ ,/g, ',')
      .trim() ?? error
  );
}

export function totals(reports: readonly ScenarioReport[]): Totals {
  const faultRules = new Map<string, number>();
  const faultsFired = new Map<string, number>();
  const results = new Map<string, number>();
  const failures = new Map<string, number>();
  const failedButCurrent = new Map<string, number>();
  const violations = new Map<string, number>();
  const limits = new Map<string, number>();
  const rollGaps = { scenarios: 0, lost: 0, restored: 0 };
  let lockoutRuns = 0;
  let lockoutsPastRun = 0;
  let longestLockoutMs = 0;
  for (const report of reports) {
    for (const kind of plannedKind(report.config)) bump(faultRules, kind);
    for (const label of report.firedFaults) bump(faultsFired, faultKind(label));
    const faulty = report.runs[0];
    if (faulty && !faulty.killedAt) {
      if (faulty.exitCode === 0) bump(results, `exit 0, result ${faulty.result ?? '(none)'}`);
      else bump(failures, failureReason(faulty.error));
      if (faulty.exitCode !== 0 && faulty.allTargetsCurrent)
        bump(failedButCurrent, failureReason(faulty.error));
    }
    for (const violation of report.violations) bump(violations, `${violation.invariant}`);
    for (const limit of report.limits ?? []) bump(limits, limit);
    if (report.rollGaps?.lost) {
      rollGaps.scenarios += 1;
      rollGaps.lost += report.rollGaps.lost;
      rollGaps.restored += report.rollGaps.restored;
    }
    if (report.lockouts.length) lockoutRuns += 1;
    for (const lockout of report.lockouts) {
      if (lockout.durationMs === undefined) lockoutsPastRun += 1;
      else longestLockoutMs = Math.max(longestLockoutMs, lockout.durationMs);
    }
  }
  const clean = reports.filter((report) => report.violations.length === 0);
  const faultyRun = (report: ScenarioReport) => report.runs[0];
  return {
    scenarios: reports.length,
    processes: reports.reduce((sum, report) => sum + report.runs.length, 0),
    faultRules,
    faultsFired,
    killsPlanned: reports.filter((report) => report.config.kill).length,
    kills: reports.filter((report) => report.killed).length,
    succeeded: reports.filter((report) => faultyRun(report)?.exitCode === 0).length,
    failedSafely: clean.filter((report) => !report.killed && faultyRun(report)?.exitCode !== 0).length,
    killedSafely: clean.filter((report) => report.killed).length,
    healed: reports.filter((report) => report.healed).length,
    idempotent: reports.filter(
      (report) => report.runs[2] && !report.violations.some((violation) => violation.invariant === 6)
    ).length,
    results,
    failures,
    failedButCurrent,
    lockoutRuns,
    lockoutsPastRun,
    longestLockoutMs,
    violations,
    violationCount: reports.reduce((sum, report) => sum + report.violations.length, 0),
    failing: reports.filter((report) => report.violations.length > 0),
    limits,
    rollGaps
  };
}

function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => (name === '' ? '' : `  ${name.padEnd(width)}  ${value}`)).join('\n');
}

const byCount = (map: Map<string, number>): Array<[string, number]> =>
  [...map.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

export function formatTable(
  sum: Totals,
  wallMs: number,
  options: { seed: number; concurrency: number; kind?: 'service-token' | 'api-token' }
): string {
  const apiTokens = options.kind === 'api-token';
  const limitScenarios = [...sum.limits.values()].reduce((a, b) => a + b, 0);
  const planned = [...sum.faultRules.values()].reduce((a, b) => a + b, 0);
  const fired = [...sum.faultsFired.values()].reduce((a, b) => a + b, 0);
  const kinds = new Set([...sum.faultRules.keys(), ...sum.faultsFired.keys()]);
  const faultRows = byCount(new Map([...kinds].map((kind) => [kind, sum.faultsFired.get(kind) ?? 0]))).map(
    ([kind]) =>
      [
        `  ${kind}`,
        `${String(sum.faultRules.get(kind) ?? 0).padStart(4)} rules, ${String(sum.faultsFired.get(kind) ?? 0).padStart(4)} faulted requests`
      ] as const
  );
  const rows: Array<readonly [string, string]> = [
    [
      'runs (scenarios)',
      `${sum.scenarios} (seeds ${options.seed}…${options.seed + sum.scenarios - 1}), ${sum.processes} action processes`
    ],
    ['faults injected', `${planned} rules, ${fired} faulted requests`],
    ...faultRows,
    [
      'kills (SIGKILL)',
      `${sum.kills} (${sum.killsPlanned} planned; the others' runs ended before the chosen request)`
    ],
    ['faulty runs that succeeded', `${sum.succeeded} (exit 0), by result:`],
    ...byCount(sum.results).map(([result, count]) => [`  ${result}`, `${count}`] as const),
    ['faulty runs that failed safely', `${sum.failedSafely} (exit ≠ 0, invariants intact), by error:`],
    ...byCount(sum.failures).map(([reason, count]) => [`  ${count}×`, reason] as const),
    [
      '  …of which all targets current',
      `${[...sum.failedButCurrent.values()].reduce((a, b) => a + b, 0)} (the run failed, yet every target holds the current secret)`
    ],
    ...byCount(sum.failedButCurrent).map(([reason, count]) => [`    ${count}×`, reason] as const),
    ['killed runs left safe', `${sum.killedSafely} (invariants intact after the kill)`],
    ['re-runs that healed', `${sum.healed} of ${sum.scenarios}`],
    ['second runs with no change', `${sum.idempotent} (invariant 6: a second auto run changes nothing)`],
    ...(apiTokens
      ? ([
          [
            'roll gaps (by design)',
            `${sum.rollGaps.scenarios} faulty runs: ${sum.rollGaps.lost} targets lost access across the roll, ${sum.rollGaps.restored} had a working value again when the run ended`
          ],
          ['protocol limits', `${limitScenarios} scenarios — not violations, see below`],
          ...byCount(sum.limits).map(([limit, count]) => [`  ${limit}`, `${count}`] as const)
        ] as const)
      : ([
          [
            'protocol-limit lockouts',
            `${sum.lockoutRuns} scenarios (${sum.lockoutsPastRun} past the end of a run, longest in-run ${Math.round(sum.longestLockoutMs)} ms) — not violations, see below`
          ]
        ] as const)),
    [
      'invariant violations',
      `${sum.violationCount}${
        sum.violationCount
          ? ` (${byCount(sum.violations)
              .map(([invariant, count]) => `#${invariant}: ${count}`)
              .join(', ')})`
          : ''
      }`
    ],
    ['wall time', `${(wallMs / 1000).toFixed(1)} s (concurrency ${options.concurrency})`]
  ];
  return table(rows);
}

export const LOCKOUT_NOTE =
  'Protocol-limit lockouts: a target that started a run on the previous secret (an earlier rotation did not finish) stops working as soon as this run rotates again, because Cloudflare keeps one previous secret; it works again once this run writes it. They are counted, not flagged: no order of calls avoids them, since the current secret of the unfinished rotation is unknown.';

export const API_TOKEN_NOTE = [
  'API token protocol limits (counted, not flagged):',
  ...Object.entries(API_TOKEN_LIMITS).map(([name, text]) => `- ${name}: ${text}.`),
  "Roll gaps: with strategy roll the old value dies at the roll, so targets lose access until they are written (the gap the user accepts by choosing roll); 'keeps working' is checked everywhere else."
].join('\n');

function describeConfig(config: ScenarioReport['config']): string {
  const header = isApiTokenScenario(config)
    ? describeApiTokenConfig(config)
    : `seed ${config.seed}: ${config.zoneScope ? 'zone' : 'account'} scope, mode ${config.mode}, token ${config.token}, verify-url ${config.verify ? 'on' : 'off'}, revoke-previous ${config.revokePrevious}, client-id-as-variable ${config.clientIdAsVariable}`;
  return [
    header,
    `targets: ${config.targets.map(({ def, start }) => `${def.line} (${start})`).join(', ')}`,
    `faults: ${config.faults.length ? '' : 'none'}`,
    ...config.faults.map((fault) => `  - ${describePlannedFault(fault)}`),
    `kill: ${config.kill ? `at request #${config.kill.after} from the first change on Cloudflare on (${config.kill.forward ? 'forwarded' : 'not sent'})` : 'none'}`
  ].join('\n');
}

export function formatFailure(report: ScenarioReport): string {
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

export function formatBrief(report: ScenarioReport): string {
  const runs = report.runs
    .map((run) =>
      `${run.kind}: ${run.killedAt ? 'killed' : `exit ${run.exitCode ?? run.signal}`} ${run.result ?? ''}`.trim()
    )
    .join(' | ');
  const kind = isApiTokenScenario(report.config) ? ' (api-token)' : '';
  return `seed ${report.config.seed}${kind} ${report.violations.length ? 'VIOLATION' : 'ok'} — ${runs} — ${report.firedFaults.length} faults fired — ${Math.round(report.durationMs)} ms`;
}

export { describeConfig };
