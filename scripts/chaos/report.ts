// Sums up many scenarios into the figures `npm run chaos` prints: faults, kills, results, failures, lockouts,
// protocol limits and violations, counted over every scenario of one kind.

import { describeFault } from '../../emulator/faults.ts';
import type { AnyScenarioReport } from './suite.ts';

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
  readonly failing: AnyScenarioReport[];
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

function plannedKind(config: AnyScenarioReport['config']): string[] {
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

/** The figures counted by key over every report: faults, results, failures, violations, limits, lockouts. */
function tally(reports: readonly AnyScenarioReport[]) {
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
  const lockouts = { lockoutRuns, lockoutsPastRun, longestLockoutMs };
  return {
    faultRules,
    faultsFired,
    results,
    failures,
    failedButCurrent,
    violations,
    limits,
    rollGaps,
    ...lockouts
  };
}

export function totals(reports: readonly AnyScenarioReport[]): Totals {
  const counted = tally(reports);
  const clean = reports.filter((report) => report.violations.length === 0);
  const faultyRun = (report: AnyScenarioReport) => report.runs[0];
  return {
    scenarios: reports.length,
    processes: reports.reduce((sum, report) => sum + report.runs.length, 0),
    ...counted,
    killsPlanned: reports.filter((report) => report.config.kill).length,
    kills: reports.filter((report) => report.killed).length,
    succeeded: reports.filter((report) => faultyRun(report)?.exitCode === 0).length,
    failedSafely: clean.filter((report) => !report.killed && faultyRun(report)?.exitCode !== 0).length,
    killedSafely: clean.filter((report) => report.killed).length,
    healed: reports.filter((report) => report.healed).length,
    idempotent: reports.filter(
      (report) => report.runs[2] && !report.violations.some((violation) => violation.invariant === 6)
    ).length,
    violationCount: reports.reduce((sum, report) => sum + report.violations.length, 0),
    failing: reports.filter((report) => report.violations.length > 0)
  };
}
