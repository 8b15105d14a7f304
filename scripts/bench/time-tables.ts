// The tables of wall time against the pacing bound, and of the rate-limited runs.

import { REAL_INTERVAL_MS } from './options.ts';
import type { RateLimitResult } from './rate-limit-runs.ts';
import type { ScenarioResult } from './result.ts';
import { millis, seconds, table, type Cell } from './table.ts';

/** Peak RSS in MiB. */
export const mib = (kib: number | undefined): string =>
  kib === undefined ? '-' : `${(kib / 1024).toFixed(0)} MiB`;

/**
 * Overhead at the real pacing counts as large beyond max(5 s, 10 % of the pacing bound, 20 ms per target): a fixed
 * allowance for process start and the Cloudflare calls, a share of the pacing, and the reads (one to three per
 * target, four in flight).
 */
function overheadLimitMs(result: ScenarioResult): number {
  return Math.max(5000, 0.1 * result.pacing.bound1sMs, 20 * result.size);
}

export function largeOverhead(result: ScenarioResult): boolean {
  return result.pacing.projected1sMs - result.pacing.bound1sMs > overheadLimitMs(result);
}

export function timeTable(results: readonly ScenarioResult[]): string {
  const rows: Cell[][] = results.map((result) => {
    const { pacing, writes } = result;
    const fast = result.intervalMs !== REAL_INTERVAL_MS;
    return [
      result.label,
      result.size,
      `${result.intervalMs} ms`,
      writes.count,
      seconds(pacing.boundMs),
      seconds(result.measured.run.durationMs),
      seconds(result.measured.run.durationMs - pacing.boundMs),
      millis(result.firstRequestMs),
      seconds(pacing.beforeWritesMs),
      millis(writes.medianGapMs),
      millis(writes.minGapMs),
      writes.overlaps,
      fast ? seconds(pacing.bound1sMs, 0) : '(measured)',
      fast ? `${seconds(pacing.projected1sMs, 1)}` : seconds(result.measured.run.durationMs, 1),
      seconds(pacing.projected1sMs - pacing.bound1sMs),
      largeOverhead(result) ? 'LARGE' : 'small',
      mib(result.measured.probe?.peakRssKiB)
    ];
  });
  return table(
    [
      'scenario',
      'N',
      'pacing',
      'writes',
      'bound',
      'wall',
      'wall-bound',
      'first req',
      'to 1st write',
      'median gap',
      'min gap',
      'overlaps',
      'bound @real',
      'time @real',
      'over @real',
      'overhead',
      'peak RSS'
    ],
    rows
  );
}

export function rateLimitTable(results: readonly RateLimitResult[]): string {
  return table(
    ['variant', 'RL answers', 'writes', 'overlaps', 'wall', 'exit', 'result', 'targets hold new secret'],
    results.map((result) => [
      result.variant,
      result.rateLimited,
      result.writes.count,
      result.writes.overlaps,
      seconds(result.measured.run.durationMs),
      String(result.measured.run.exitCode),
      result.measured.run.outputs.result ?? '-',
      result.measured.targetsWork ? 'yes' : 'NO'
    ])
  );
}
