// The tables of API calls by kind against the minimum a correct run cannot do without: one for Access
// service tokens, one for API tokens (whose Cloudflare minimum depends on what the run does).

import type { CallKind } from './analyze.ts';
import type { ApiScenarioResult } from './api-token-runs.ts';
import type { ScenarioResult } from './result.ts';
import { table, type Cell } from './table.ts';

/** Every GitHub call of a run, whatever its kind. */
export function githubCalls(calls: ScenarioResult['calls']): number {
  return (
    calls['gh.publicKey'] +
    calls['gh.secretList'] +
    calls['gh.repository'] +
    calls['gh.variables'] +
    calls['gh.secretWrite'] +
    calls['gh.other']
  );
}

/** `count (minimum)`. */
const withMinimum = (count: number, minimum: number): string => `${count} (${minimum})`;

/** The last cells of both tables: GitHub calls against the minimum, the extra, rate-limit answers, the result. */
function githubTotalCells(result: ScenarioResult): Cell[] {
  const github = githubCalls(result.calls);
  const minimum = result.measured.changedScopes + result.measured.changedSecrets;
  return [
    withMinimum(github, minimum),
    `+${github - minimum}`,
    result.rateLimited,
    result.ok ? 'ok' : 'FAILED'
  ];
}

export function callsTable(results: readonly ScenarioResult[]): string {
  const rows: Cell[][] = results.map((result) => {
    const { calls } = result;
    return [
      result.label,
      result.size,
      calls['cf.verify'],
      calls['cf.list'],
      calls['cf.get'],
      calls['cf.create'] + calls['cf.rotate'],
      calls['cf.update'] +
        calls['cf.other'] +
        calls['cf.delete'] +
        calls['cf.groups'] +
        calls['cf.roll'] +
        calls['cf.verifyNew'],
      withMinimum(calls['gh.publicKey'], result.measured.changedScopes),
      calls['gh.secretList'],
      calls['gh.repository'],
      calls['gh.variables'],
      withMinimum(calls['gh.secretWrite'], result.measured.changedSecrets),
      calls['gh.other'],
      ...githubTotalCells(result)
    ];
  });
  return table(
    [
      'scenario',
      'N',
      'CF verify',
      'CF list',
      'CF get',
      'CF create/rotate',
      'CF update/other',
      'GH key reads (min)',
      'GH secret lists',
      'GH repo reads',
      'GH var reads',
      'GH secret writes (min)',
      'GH other',
      'GH total (min)',
      'GH extra',
      'RL answers',
      'result'
    ],
    rows
  );
}

const API_CF_COLUMNS: [string, CallKind[]][] = [
  ['CF verify', ['cf.verify']],
  ['CF list', ['cf.list']],
  ['CF groups', ['cf.groups']],
  ['CF create', ['cf.create']],
  ['CF verify new', ['cf.verifyNew']],
  ['CF delete', ['cf.delete']],
  ['CF roll', ['cf.roll']],
  ['CF get/other', ['cf.get', 'cf.update', 'cf.other', 'cf.rotate']]
];

export function apiCallsTable(results: readonly ApiScenarioResult[]): string {
  const rows: Cell[][] = results.map((result) => {
    const { calls, cfMinimum } = result;
    const sum = (kinds: readonly CallKind[], of: Partial<Record<CallKind, number>>): number =>
      kinds.reduce((total, kind) => total + (of[kind] ?? 0), 0);
    const cfKinds = API_CF_COLUMNS.flatMap(([, kinds]) => kinds);
    const cf = sum(cfKinds, calls);
    const cfMin = sum(cfKinds, cfMinimum);
    return [
      result.label,
      result.size,
      ...API_CF_COLUMNS.map(([, kinds]) => withMinimum(sum(kinds, calls), sum(kinds, cfMinimum))),
      withMinimum(cf, cfMin),
      `+${cf - cfMin}`,
      calls['gh.secretList'],
      calls['gh.repository'],
      withMinimum(calls['gh.publicKey'], result.measured.changedScopes),
      withMinimum(calls['gh.secretWrite'], result.measured.changedSecrets),
      calls['gh.variables'] + calls['gh.other'],
      ...githubTotalCells(result)
    ];
  });
  return table(
    [
      'scenario',
      'N',
      ...API_CF_COLUMNS.map(([header]) => header),
      'CF total',
      'CF extra',
      'GH secret lists',
      'GH repo reads',
      'GH key reads',
      'GH writes',
      'GH other',
      'GH total',
      'GH extra',
      'RL answers',
      'result'
    ],
    rows
  );
}
