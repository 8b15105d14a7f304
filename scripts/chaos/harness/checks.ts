// The checks both credentials make alike: invariant 4 (no secret where a runner shows or keeps it), invariant 6
// (a second healthy run changes nothing), a run that hung, and whether the healthy re-run healed (invariant 3).

import { createHash } from 'node:crypto';
import { visibleLog, type DistRun } from '../../run-dist.ts';
import { RUN_TIMEOUT_MS } from './run-action.ts';
import type { RunKind, Violation } from './types.ts';
import type { Watch } from './watch.ts';

/** A short hash of a secret, to tell secrets apart in a report without showing any part of one. */
export const shortHash = (value: string): string =>
  createHash('sha256').update(value).digest('hex').slice(0, 8);

/** The last checks at the end of any run: invariant 6 after the second healthy run, and a run that hung. */
export function checkAgainAndHang(watch: Watch, run: DistRun): void {
  if (watch.kind === 'again') {
    const changes = watch.exchanges.filter((exchange) => exchange.method !== 'GET');
    if (run.exitCode !== 0 || run.outputs.result !== 'unchanged' || changes.length)
      watch.add(
        6,
        `a second auto run right after a successful one exited ${run.exitCode ?? run.signal} with result '${run.outputs.result ?? ''}' and sent ${changes.map((c) => `${c.method} ${c.api} ${c.path}`).join(', ') || 'no change'}`
      );
  }
  if (run.signal === 'SIGKILL' && watch.kill.killedAt === undefined)
    watch.add('hang', `the run did not finish within ${RUN_TIMEOUT_MS / 1000} s and was killed`);
}

/** Invariant 4: no secret anywhere a runner shows or keeps. */
export function checkLeaks(
  runs: Array<{ kind: RunKind; run: DistRun }>,
  secrets: ReadonlySet<string>
): Violation[] {
  const violations: Violation[] = [];
  for (const { kind, run } of runs) {
    const places = {
      'stdout/stderr': visibleLog(run.stdout) + run.stderr,
      'job summary': run.summary,
      outputs: JSON.stringify(run.outputs)
    };
    for (const secret of secrets) {
      for (const [where, text] of Object.entries(places)) {
        if (secret && text.includes(secret))
          violations.push({
            invariant: 4,
            run: kind,
            detail: `a secret (${secret.slice(0, 10)}…) appears in the ${where}`
          });
      }
    }
  }
  return violations;
}

/** Every violation the runs' watches found, then those of invariant 4 (secrets in what a runner shows or keeps). */
export function allViolations(
  done: ReadonlyArray<{ watch: Watch; run: DistRun }>,
  secrets: ReadonlySet<string>
): Violation[] {
  return [
    ...done.flatMap(({ watch }) => watch.violations),
    ...checkLeaks(
      done.map(({ watch, run }) => ({ kind: watch.kind, run })),
      secrets
    )
  ];
}

/** The healthy re-run ran, exited 0, and left nothing that breaks invariant 3. */
export function healed(heal: { run: DistRun } | undefined, violations: readonly Violation[]): boolean {
  return (
    heal !== undefined &&
    heal.run.exitCode === 0 &&
    !violations.some((violation) => violation.invariant === 3)
  );
}
