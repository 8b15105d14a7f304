// Prints the `config` runs (scripts/bench/config-runs.ts): calls by kind against the minimum, write gaps and
// overlaps, wall time against the pacing bound (measured, and projected to GitHub's 1 s), peak memory.

import type { ConfigRunResult, ConfigShape } from './config-runs.ts';
import { FAST_INTERVAL_MS } from './options.ts';
import { millis, seconds, table } from './table.ts';

const mib = (kib: number | undefined): string => (kib === undefined ? '-' : `${(kib / 1024).toFixed(0)} MiB`);

export function printConfigRuns(shape: ConfigShape, runs: readonly ConfigRunResult[]): void {
  const count = shape.serviceTokens + shape.apiTokens;
  console.log(
    `\n## Many credentials: one config file, ${count} credentials (${shape.serviceTokens} service tokens, ${shape.apiTokens} API tokens) × ${shape.targetsEach} targets = ${count * shape.targetsEach} targets\n`
  );
  console.log(
    `One run, one GitHub client and write pacer, ${FAST_INTERVAL_MS} ms between writes; the emulator's secondary rate limit refuses any write that overlaps or comes < ${FAST_INTERVAL_MS} ms after the last. count (minimum).\n`
  );
  console.log(
    table(
      [
        'run',
        'exit',
        'results',
        'cf.create',
        'cf.list+get',
        'gh.publicKey',
        'gh.secretList',
        'gh.secretWrite',
        'gh.other (variables, probes)',
        'GitHub total'
      ],
      runs.map((run) => {
        const github = Object.entries(run.calls)
          .filter(([kind]) => kind.startsWith('gh.'))
          .reduce((sum, [, value]) => sum + value, 0);
        const tally = new Map<string, number>();
        for (const { result } of run.results) tally.set(result, (tally.get(result) ?? 0) + 1);
        return [
          run.label,
          String(run.run.exitCode),
          [...tally].map(([result, n]) => `${n} ${result}`).join(', '),
          `${run.calls['cf.create']} (${run.minimum.creates})`,
          run.calls['cf.list'] + run.calls['cf.get'],
          `${run.calls['gh.publicKey']} (${run.minimum.publicKeys})`,
          run.calls['gh.secretList'],
          `${run.calls['gh.secretWrite']} (${run.minimum.secretWrites})`,
          run.calls['gh.other'],
          github
        ];
      })
    )
  );
  console.log('');
  console.log(
    table(
      [
        'run',
        'writes',
        'overlaps',
        'refused (secondary limit)',
        'smallest gap',
        'largest gap',
        'wall',
        'pacing bound',
        'projected @1s',
        'bound @1s',
        'peak RSS'
      ],
      runs.map((run) => [
        run.label,
        run.writes.count,
        run.writes.overlaps,
        run.limit.refusals,
        run.writes.gaps.length ? millis(run.writes.minGapMs) : '-',
        run.writes.gaps.length ? millis(Math.max(...run.writes.gaps)) : '-',
        seconds(run.run.durationMs),
        seconds(run.pacing.boundMs),
        seconds(run.pacing.projected1sMs, 0),
        seconds(run.pacing.bound1sMs, 0),
        mib(run.probe?.peakRssKiB)
      ])
    )
  );
}

/** The checks the benchmark's exit code rests on: both runs succeed, the second changes nothing, no overlap. */
export function configChecks(runs: readonly ConfigRunResult[]): [string, boolean][] {
  const [first, second] = runs;
  return [
    ['config: both runs exit 0', runs.every((run) => run.run.exitCode === 0)],
    ['config: the second run writes nothing', second?.writes.count === 0],
    ['config: 0 overlapping writes', runs.every((run) => run.writes.overlaps === 0)],
    ['config: 0 secondary-limit refusals', runs.every((run) => run.limit.refusals === 0)],
    [
      'config: one secret write per changed secret',
      first?.calls['gh.secretWrite'] === first?.minimum.secretWrites
    ]
  ];
}
