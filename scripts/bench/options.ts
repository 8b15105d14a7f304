// The benchmark's command line: which target counts to run, and how much of it (--quick).

import { parseArgs } from 'node:util';

/** GitHub's pacing between two secret writes, and the fast pacing of the larger runs (time @1s is projected). */
export const REAL_INTERVAL_MS = 1000;
export const FAST_INTERVAL_MS = 10;
export const HOUR_MS = 3_600_000;

export interface BenchOptions {
  readonly quick: boolean;
  readonly sizes: readonly number[];
  /** Up to this many targets the runs use the real pacing; beyond it ROTATOR_WRITE_INTERVAL_MS=10. */
  readonly realPacingUpTo: number;
  readonly coldSamples: number;
  /** Only the `config` runs (many credentials in one file). */
  readonly configOnly: boolean;
}

const USAGE = `Usage: npm run bench [-- --quick] [-- --sizes=1,10,100,500]

  --quick   1 and 10 targets, 10 at fast pacing, 3 cold-start samples (about 25 s)
  --sizes   target counts to run (default 1,10,100,500; up to 10 at the real 1 s pacing)
  --config-only  only the config runs: 20 credentials × 25 targets in one file (--quick: 4 × 5)`;

/** The options of this process's arguments; prints the usage and exits on --help, exits 2 on bad sizes. */
export function benchOptions(): BenchOptions {
  const { values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
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
  return {
    quick: args.quick,
    sizes,
    realPacingUpTo: args.quick ? 1 : 10,
    coldSamples: args.quick ? 3 : 10,
    configOnly: args['config-only']
  };
}

/** The pacing of the runs with `size` targets. */
export function pacingFor(size: number, options: BenchOptions): number {
  return size <= options.realPacingUpTo ? REAL_INTERVAL_MS : FAST_INTERVAL_MS;
}
