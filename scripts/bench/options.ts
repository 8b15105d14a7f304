// The benchmark's command line: which target counts to run, and how much of it (--quick).

import { parseArgs } from 'node:util';

/** The action's default write interval (ROTATOR_WRITE_INTERVAL_MS, src/settings/settings.ts). */
export const REAL_INTERVAL_MS = 1000;
/**
 * The pacing the client really keeps between two writes: the interval plus the limiter's margin
 * (WRITE_MARGIN_MS in src/github/octokit.ts), 1,025 ms. Wall time at the real pacing is projected with it.
 */
export const REAL_PACING_MS = REAL_INTERVAL_MS + 25;
export const FAST_INTERVAL_MS = 10;
export const HOUR_MS = 3_600_000;

export interface BenchOptions {
  readonly quick: boolean;
  readonly sizes: readonly number[];
  /** Up to this many targets the runs use the real pacing; beyond it ROTATOR_WRITE_INTERVAL_MS=10. */
  readonly realPacingUpTo: number;
  readonly coldSamples: number;
  /** --start: only the start targets (scripts/bench/start.ts), this many samples each. */
  readonly start: number | undefined;
  /** Only the `config` runs (many credentials in one file). */
  readonly configOnly: boolean;
}

const USAGE = `Usage: npm run bench [-- --quick] [-- --sizes=1,10,100,500]

  --quick   1 and 10 targets, 10 at fast pacing, 3 cold-start samples (about 25 s)
  --sizes   target counts to run (default 1,10,100,500; up to 10 at the real pacing)
  --start   only the start figures: fail-fast and first request against bare node, medians of --samples (15)
  --config-only  only the config runs: 20 credentials × 25 targets in one file (--quick: 4 × 5)`;

/** The options of this process's arguments; prints the usage and exits on --help, exits 2 on bad sizes. */
export function benchOptions(): BenchOptions {
  const { values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      start: { type: 'boolean', default: false },
      samples: { type: 'string' },
      'config-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }
    }
  });
  if (args.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const sizes = args.sizes
    ? args.sizes.split(',').map((size) => Number(size.trim()))
    : args.quick
      ? [1, 10]
      : [1, 10, 100, 500];
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    console.error(`--sizes takes positive integers, got '${args.sizes}'.`);
    process.exit(2);
  }
  const samples = Number(args.samples ?? 15);
  if (!Number.isInteger(samples) || samples < 1) {
    console.error(`--samples takes a positive integer, got '${args.samples}'.`);
    process.exit(2);
  }
  return {
    quick: args.quick,
    sizes,
    realPacingUpTo: args.quick ? 1 : 10,
    coldSamples: args.quick ? 3 : 10,
    start: args.start ? samples : undefined,
    configOnly: args['config-only']
  };
}

/** The pacing of the runs with `size` targets. */
export function pacingFor(size: number, options: BenchOptions): number {
  return size <= options.realPacingUpTo ? REAL_INTERVAL_MS : FAST_INTERVAL_MS;
}
