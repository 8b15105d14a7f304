// `npm run bench [-- --quick] [-- --sizes=1,10]`: runs the built action (dist/index.js) against the local
// emulator for 1, 10, 100 and 500 repository targets, for an Access service token and for a Cloudflare API
// token (credential api-token), and prints API calls by kind against the minimum, wall time against the
// write-pacing bound, rate-limit answers, write overlap, cold start and memory.
// Method and interpretation: BENCHMARKS.md.

import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  countCalls,
  pacingFigures,
  rateLimitAnswers,
  writeTiming,
  type CallCounts,
  type CallKind,
  type PacingFigures,
  type WriteTiming
} from './bench/analyze.ts';
import { median, millis, seconds, table, type Cell } from './bench/table.ts';
import {
  API_SECRET,
  API_TOKEN_NAME,
  measureRun,
  seedLeftovers,
  seedStale,
  startWorld,
  timeNode,
  type Measured,
  type World
} from './bench/world.ts';
import type { FaultRule } from '../emulator/faults.ts';
import { DIST_ENTRY } from './run-dist.ts';

const REAL_INTERVAL_MS = 1000;
const HOUR_MS = 3_600_000;
const FAST_INTERVAL_MS = 10;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    help: { type: 'boolean', default: false }
  }
});

if (args.help) {
  console.log(`Usage: npm run bench [-- --quick] [-- --sizes=1,10,100,500]

  --quick   1 and 10 targets, 10 at fast pacing, 3 cold-start samples (about 25 s)
  --sizes   target counts to run (default 1,10,100,500; up to 10 at the real 1 s pacing)`);
  process.exit(0);
}

const SIZES = args.sizes
  ? args.sizes.split(',').map((size) => Number(size.trim()))
  : args.quick
    ? [1, 10]
    : [1, 10, 100, 500];
if (SIZES.some((size) => !Number.isInteger(size) || size < 1)) {
  console.error(`--sizes takes positive integers, got '${args.sizes}'.`);
  process.exit(2);
}
/** Up to this many targets the runs use the real pacing; beyond it ROTATOR_WRITE_INTERVAL_MS=10. */
const REAL_PACING_UP_TO = args.quick ? 1 : 10;
const COLD_SAMPLES = args.quick ? 3 : 10;

interface ScenarioResult {
  readonly label: string;
  readonly size: number;
  readonly intervalMs: number;
  readonly expected: string;
  readonly measured: Measured;
  readonly calls: CallCounts;
  readonly writes: WriteTiming;
  readonly pacing: PacingFigures;
  readonly rateLimited: number;
  readonly firstRequestMs: number;
  readonly ok: boolean;
}

function analyze(
  label: string,
  size: number,
  intervalMs: number,
  expected: string,
  measured: Measured
): ScenarioResult {
  const writes = writeTiming(measured.requests);
  const first = Math.min(...measured.requests.map((request) => request.startedAt));
  return {
    label,
    size,
    intervalMs,
    expected,
    measured,
    calls: countCalls(measured.requests),
    writes,
    pacing: pacingFigures(writes, intervalMs, measured.spawnAt, measured.run.durationMs),
    rateLimited: rateLimitAnswers(measured.requests),
    firstRequestMs: first - measured.spawnAt,
    ok: measured.run.exitCode === 0 && measured.run.outputs.result === expected && measured.targetsWork
  };
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

async function withWorld<T>(world: World, body: (world: World) => Promise<T>): Promise<T> {
  try {
    return await body(world);
  } finally {
    await world.emu.close();
  }
}

async function scenarios(size: number): Promise<ScenarioResult[]> {
  const intervalMs = size <= REAL_PACING_UP_TO ? REAL_INTERVAL_MS : FAST_INTERVAL_MS;
  const results: ScenarioResult[] = [];
  progress(`${size} target(s), ${intervalMs} ms between writes: (a) create`);
  await withWorld(await startWorld(size), async (world) => {
    seedLeftovers(world);
    results.push(
      analyze(
        '(a) create',
        size,
        intervalMs,
        'created',
        await measureRun(world, { writeIntervalMs: intervalMs })
      )
    );
    progress(`${size} target(s): second run after (a)`);
    results.push(
      analyze(
        '(c′) rerun after a',
        size,
        intervalMs,
        'unchanged',
        await measureRun(world, { writeIntervalMs: intervalMs })
      )
    );
  });
  progress(`${size} target(s): (b) rotate, every target stale`);
  await withWorld(await startWorld(size), async (world) => {
    seedStale(world);
    results.push(
      analyze(
        '(b) rotate stale',
        size,
        intervalMs,
        'rotated',
        await measureRun(world, { writeIntervalMs: intervalMs })
      )
    );
    progress(`${size} target(s): (c) second run after (b)`);
    results.push(
      analyze(
        '(c) rerun after b',
        size,
        intervalMs,
        'unchanged',
        await measureRun(world, { writeIntervalMs: intervalMs })
      )
    );
  });
  return results;
}

type ApiTokenResultName = 'created' | 'unchanged' | 'replaced' | 'rolled';

/**
 * The Cloudflare calls a correct API token run cannot do without, by what it does (BENCHMARKS.md says why):
 * the list that finds the token by name (its dates decide); for a create, the permission groups (api-token-policy
 * names them) and the create; for a replacement, the create and the delete of the old token; for a roll, the
 * roll. cloudflare-api-token's own verify only where the run changes a token that exists: its id tells whether
 * the run changes the token it runs with. The new value's verify where it decides whether anything is written
 * (create, replace): after a roll the value is written whatever the verify says.
 */
const API_CF_MINIMUM: Record<ApiTokenResultName, Partial<Record<CallKind, number>>> = {
  created: { 'cf.list': 1, 'cf.groups': 1, 'cf.create': 1, 'cf.verifyNew': 1 },
  unchanged: { 'cf.list': 1 },
  replaced: { 'cf.verify': 1, 'cf.list': 1, 'cf.create': 1, 'cf.verifyNew': 1, 'cf.delete': 1 },
  rolled: { 'cf.verify': 1, 'cf.list': 1, 'cf.roll': 1 }
};

interface ApiScenarioResult extends ScenarioResult {
  readonly cfMinimum: Partial<Record<CallKind, number>>;
}

/**
 * API token runs, one world per size: (d) the first run creates the token from api-token-policy and writes it
 * to every target (none holds the secret yet); (e) a second run changes nothing; (f) mode rotate replaces it
 * (create, verify, write every target, delete the old token); (g) mode rotate with strategy roll rolls it.
 */
async function apiTokenScenarios(size: number): Promise<ApiScenarioResult[]> {
  const intervalMs = size <= REAL_PACING_UP_TO ? REAL_INTERVAL_MS : FAST_INTERVAL_MS;
  const steps: { label: string; expected: ApiTokenResultName; mode: string; strategy?: 'roll' }[] = [
    { label: '(d) create', expected: 'created', mode: 'auto' },
    { label: '(e) rerun after d', expected: 'unchanged', mode: 'auto' },
    { label: '(f) replace (rotate)', expected: 'replaced', mode: 'rotate' },
    { label: '(g) roll (rotate)', expected: 'rolled', mode: 'rotate', strategy: 'roll' }
  ];
  const results: ApiScenarioResult[] = [];
  await withWorld(await startWorld(size, { credential: 'api-token' }), async (world) => {
    for (const { label, expected, mode, strategy } of steps) {
      progress(`${size} target(s), ${intervalMs} ms between writes: API token ${label}`);
      // The runs are an hour apart on the emulator's clock, so each starts with a fresh GitHub rate-limit window
      // (5,000 requests an hour): the four runs over 500 targets make about 6,500 requests, and without this
      // the last one would wait for the reset, as a real run would.
      world.emu.clock.advance(HOUR_MS + 1000);
      const measured = await measureRun(world, {
        writeIntervalMs: intervalMs,
        mode,
        ...(strategy && { strategy })
      });
      results.push({
        ...analyze(label, size, intervalMs, expected, measured),
        cfMinimum: API_CF_MINIMUM[expected]
      });
    }
  });
  return results;
}

interface RateLimitResult extends ScenarioResult {
  readonly variant: string;
  readonly waits: string[];
}

/** Rotations of 10 stale targets while GitHub rate-limits: the action must wait, not fail. */
async function rateLimitVariants(): Promise<RateLimitResult[]> {
  const size = 10;
  const variants: {
    variant: string;
    rateLimit?: { limit: number; remaining: number; windowSeconds: number };
    fault?: FaultRule;
  }[] = [
    {
      variant: 'primary limit used up (fixture rateLimit: 10 left, then 40 per 3 s window)',
      rateLimit: { limit: 40, remaining: 10, windowSeconds: 3 }
    },
    {
      variant: 'secondary limit: 403 + Retry-After: 1 on the 3rd write (fault)',
      fault: {
        api: 'github',
        method: 'PUT',
        nth: 3,
        fault: { status: 403, secondaryRateLimit: true, retryAfter: 1 }
      }
    },
    {
      variant: '429 + x-ratelimit-reset in 2 s on the 2nd secret-list read (fault)',
      fault: {
        api: 'github',
        method: 'GET',
        path: /\/actions\/secrets$/,
        nth: 2,
        fault: { status: 429, retryAfter: 2 }
      }
    }
  ];
  const results: RateLimitResult[] = [];
  for (const { variant, rateLimit, fault } of variants) {
    progress(`rate limit: ${variant}`);
    await withWorld(await startWorld(size, { ...(rateLimit && { rateLimit }) }), async (world) => {
      seedStale(world);
      if (fault) world.emu.faults.add(fault);
      const measured = await measureRun(world, { writeIntervalMs: FAST_INTERVAL_MS });
      const waits = measured.run.stdout
        .split('\n')
        .filter((line) => /rate limit on/.test(line))
        .map((line) => line.replace(/^.*GitHub /, 'GitHub ').replace(/https?:\/\/[^ ]+\/github/, ''));
      results.push({
        ...analyze('(b) rotate stale', size, FAST_INTERVAL_MS, 'rotated', measured),
        variant,
        waits
      });
    });
  }
  return results;
}

interface StartSample {
  /** Spawn → the moment measured (exit, or the first request reaching the emulator), on the bench's clock. */
  readonly wallMs: number;
  /** The process's own clock (since its time origin) at its first outgoing socket. */
  readonly ownMs: number | undefined;
  /** CPU time the process used until its first outgoing socket (or in all, for `node -e 0`). */
  readonly cpuMs: number | undefined;
}

interface ColdStart {
  readonly nodeExit: StartSample[];
  readonly nodeFetch: StartSample[];
  readonly dist: StartSample[];
  readonly nodePeakRssKiB: number | undefined;
}

/** Process start → first HTTP request of dist/index.js, against bare node baselines, median of n. */
async function coldStart(samples: number): Promise<ColdStart> {
  const nodeExit: StartSample[] = [];
  const nodeRss: number[] = [];
  for (let index = 0; index < samples; index++) {
    const { spawnAt, exitAt, probe } = await timeNode(['-e', '0']);
    nodeExit.push({ wallMs: exitAt - spawnAt, ownMs: undefined, cpuMs: probe?.cpuMs });
    if (probe) nodeRss.push(probe.peakRssKiB);
  }
  const nodePeakRssKiB = nodeRss.length ? median(nodeRss) : undefined;
  return withWorld(await startWorld(1), async (world) => {
    const nodeFetch: StartSample[] = [];
    for (let index = 0; index < samples; index++) {
      world.emu.resetRequests();
      const url = `${world.emu.githubApiUrl}/rate_limit`;
      const { spawnAt, probe } = await timeNode([
        '--input-type=module',
        '-e',
        `await fetch(${JSON.stringify(url)})`
      ]);
      const first = world.emu.requests()[0];
      if (first)
        nodeFetch.push({
          wallMs: first.startedAt - spawnAt,
          ownMs: probe?.firstSocket?.ms,
          cpuMs: probe?.firstSocket?.cpuMs
        });
    }
    // A world where nothing needs doing: the run is observe-only, so each sample is short.
    seedStale(world);
    await measureRun(world, { writeIntervalMs: FAST_INTERVAL_MS });
    const dist: StartSample[] = [];
    for (let index = 0; index < samples; index++) {
      const measured = await measureRun(world, { writeIntervalMs: FAST_INTERVAL_MS });
      dist.push({
        wallMs: Math.min(...measured.requests.map((request) => request.startedAt)) - measured.spawnAt,
        ownMs: measured.probe?.firstSocket?.ms,
        cpuMs: measured.probe?.firstSocket?.cpuMs
      });
    }
    return { nodeExit, nodeFetch, dist, nodePeakRssKiB };
  });
}

const mib = (kib: number | undefined): string => (kib === undefined ? '-' : `${(kib / 1024).toFixed(0)} MiB`);

/** Every GitHub call of a run, whatever its kind. */
function githubCalls(calls: ScenarioResult['calls']): number {
  return (
    calls['gh.publicKey'] +
    calls['gh.secretList'] +
    calls['gh.repository'] +
    calls['gh.variables'] +
    calls['gh.secretWrite'] +
    calls['gh.other']
  );
}

function callsTable(results: readonly ScenarioResult[]): string {
  const rows: Cell[][] = results.map((result) => {
    const { calls } = result;
    const github = githubCalls(calls);
    const minimum = result.measured.changedScopes + result.measured.changedSecrets;
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
      `${calls['gh.publicKey']} (${result.measured.changedScopes})`,
      calls['gh.secretList'],
      calls['gh.repository'],
      calls['gh.variables'],
      `${calls['gh.secretWrite']} (${result.measured.changedSecrets})`,
      calls['gh.other'],
      `${github} (${minimum})`,
      `+${github - minimum}`,
      result.rateLimited,
      result.ok ? 'ok' : 'FAILED'
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

/** `count (minimum)`. */
const withMinimum = (count: number, minimum: number): string => `${count} (${minimum})`;

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

function apiCallsTable(results: readonly ApiScenarioResult[]): string {
  const rows: Cell[][] = results.map((result) => {
    const { calls, cfMinimum } = result;
    const sum = (kinds: readonly CallKind[], of: Partial<Record<CallKind, number>>): number =>
      kinds.reduce((total, kind) => total + (of[kind] ?? 0), 0);
    const cfKinds = API_CF_COLUMNS.flatMap(([, kinds]) => kinds);
    const cf = sum(cfKinds, calls);
    const cfMin = sum(cfKinds, cfMinimum);
    const github = githubCalls(calls);
    const ghMin = result.measured.changedScopes + result.measured.changedSecrets;
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
      withMinimum(github, ghMin),
      `+${github - ghMin}`,
      result.rateLimited,
      result.ok ? 'ok' : 'FAILED'
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

/**
 * Overhead at the real pacing counts as large beyond max(5 s, 10 % of the pacing bound, 20 ms per target): a fixed
 * allowance for process start and the Cloudflare calls, a share of the pacing, and the reads (one to three per
 * target, four in flight).
 */
function overheadLimitMs(result: ScenarioResult): number {
  return Math.max(5000, 0.1 * result.pacing.bound1sMs, 20 * result.size);
}

function largeOverhead(result: ScenarioResult): boolean {
  return result.pacing.projected1sMs - result.pacing.bound1sMs > overheadLimitMs(result);
}

function timeTable(results: readonly ScenarioResult[]): string {
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
      'bound @1s',
      'time @1s',
      'over @1s',
      'overhead',
      'peak RSS'
    ],
    rows
  );
}

function rateLimitTable(results: readonly RateLimitResult[]): string {
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

function machine(): string {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'dist', 'src'], {
      encoding: 'utf8'
    }).trim();
    if (dirty) commit += ' (src/ or dist/ modified)';
  } catch {
    // Not a git checkout: the commit stays unknown.
  }
  return `Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}, commit ${commit}`;
}

async function main(): Promise<number> {
  if (!existsSync(DIST_ENTRY)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    return 1;
  }
  const started = performance.now();
  const bundleBytes = statSync(DIST_ENTRY).size;
  const results: ScenarioResult[] = [];
  for (const size of SIZES) results.push(...(await scenarios(size)));
  const apiResults: ApiScenarioResult[] = [];
  for (const size of SIZES) apiResults.push(...(await apiTokenScenarios(size)));
  const rateLimited = await rateLimitVariants();
  progress(`cold start: ${COLD_SAMPLES} samples each`);
  const cold = await coldStart(COLD_SAMPLES);

  console.log(`\n# Benchmark of dist/index.js against the local emulator`);
  console.log(`${machine()}; ${args.quick ? 'quick run' : 'full run'}, ${new Date().toISOString()}`);
  console.log(
    `Targets: N repositories of one organization, each holding both secrets. Pacing: ${SIZES.filter((size) => size <= REAL_PACING_UP_TO).join(', ') || 'none'} at the real ${REAL_INTERVAL_MS} ms between writes; ` +
      `${SIZES.filter((size) => size > REAL_PACING_UP_TO).join(', ') || 'none'} with ROTATOR_WRITE_INTERVAL_MS=${FAST_INTERVAL_MS} (time @1s is projected).`
  );

  console.log(`\n## API calls by kind (minimum in parentheses)\n`);
  console.log(callsTable(results));
  console.log(`
Minimum = one public-key read per key scope that gets a changed secret + one write per secret whose value changed
(read back from the emulator). Extra GitHub calls: secret lists (one per target, every run: updated_at tells fresh
from stale), repository reads (archived check, one per repository written), the write-permission probe (one
client-id rewrite per owner before a rotation: the +1 write in (b)). Cloudflare: verify (cloudflare-api-token is
active, its expiry), list (find the token by name), get (re-read before rotating: another run rotated?),
create/rotate (the change itself). RL answers: GitHub 403/429 rate-limit answers received.`);

  console.log(`\n## Wall time against the pacing bound (bound = (writes − 1) × pacing)\n`);
  console.log(timeTable(results));
  console.log(`
first req: process start → first HTTP request. median/min gap: start-to-start between consecutive GitHub
writes as the emulator saw them (the client spaces its limiter slots by the pacing; each request follows its slot
after a few ms that vary, the first write's the most, so one gap may be a little under the pacing).
overlaps: writes that started before the previous one was answered (must be 0). time @1s: for runs at
${FAST_INTERVAL_MS} ms, the same run with each gap between writes raised to max(1 s, the gap measured); overhead
is LARGE beyond max(5 s, 10 % of the bound @1s, 20 ms per target).`);

  console.log(`\n## API tokens (credential api-token): calls by kind (minimum in parentheses)\n`);
  console.log(apiCallsTable(apiResults));
  console.log(`
One world per N: a user-owned API token '${API_TOKEN_NAME}' written to ${API_SECRET} in every target, the action
run with an admin token (API Tokens Write). (d) first run, mode auto, api-token-policy: no token, no target holds
the secret. (e) second run. (f) mode rotate (strategy replace). (g) mode rotate, strategy roll.
CF verify: cloudflare-api-token (observe); CF verify new: the issued value (after the create or roll). Minimum,
Cloudflare: list (the token by name) + for a create the permission groups, the create and the new value's verify;
for a replacement cloudflare-api-token's verify (its id: is the run replacing its own token?), the create, the
new value's verify and the delete; for a roll the verify of cloudflare-api-token and the roll. GitHub: as above,
key reads of changed scopes + writes of changed secrets, read back from the emulator.`);

  console.log(`\n## API tokens: wall time against the pacing bound\n`);
  console.log(timeTable(apiResults));

  console.log(
    `\n## Rate limits: 10 stale targets rotated while GitHub limits (pacing ${FAST_INTERVAL_MS} ms, retry base 1 s)\n`
  );
  console.log(rateLimitTable(rateLimited));
  for (const result of rateLimited) {
    console.log(`  ${result.variant}:`);
    for (const wait of result.waits.slice(0, 6)) console.log(`    ${wait}`);
    if (result.waits.length > 6) console.log(`    … ${result.waits.length - 6} more`);
  }

  console.log(`\n## Cold start and memory (median of ${COLD_SAMPLES})\n`);
  const large = results.reduce<ScenarioResult | undefined>(
    (best, result) =>
      !best || (result.measured.probe?.peakRssKiB ?? 0) > (best.measured.probe?.peakRssKiB ?? 0)
        ? result
        : best,
    undefined
  );
  const small = results.find(
    (result) => result.label.startsWith('(c)') && result.size === Math.min(...SIZES)
  );
  console.log(
    table(
      ['what', 'wall median', 'wall min', 'own clock', 'CPU'],
      [
        ['node -e 0: start → exit', ...spread(cold.nodeExit)],
        ['node -e "await fetch(emulator)": start → request', ...spread(cold.nodeFetch)],
        ['dist/index.js: start → first request', ...spread(cold.dist)]
      ]
    )
  );
  console.log(`
wall: spawn → exit or → the request's arrival at the emulator, on the bench's clock. own clock: the process's
performance.now() at its first outgoing socket (leaves out the exec before Node's time origin). CPU: user + system
time of the process until its first socket (node -e 0: until exit), the figure other load changes least. Medians.`);
  console.log(
    `\ndist/index.js: ${(bundleBytes / 1e6).toFixed(2)} MB (${bundleBytes} bytes). Peak RSS: node -e 0 ${mib(cold.nodePeakRssKiB)}; ` +
      `dist ${mib(small?.measured.probe?.peakRssKiB)} (${small?.label ?? '-'}, N=${small?.size ?? '-'}), ` +
      `${mib(large?.measured.probe?.peakRssKiB)} (${large?.label ?? '-'}, N=${large?.size ?? '-'}).`
  );

  const normal = [...results, ...apiResults];
  const checks: [string, boolean][] = [
    [
      'every run exited 0 with the expected result and every target holds a working secret (API tokens: of the one token named alike)',
      [...normal, ...rateLimited].every((result) => result.ok)
    ],
    [
      'second runs (c), (c′) and (e) wrote nothing',
      normal.filter((result) => result.expected === 'unchanged').every((result) => result.writes.count === 0)
    ],
    ['writes never overlapped', [...normal, ...rateLimited].every((result) => result.writes.overlaps === 0)],
    [
      'writes were at least 90 % of the pacing apart on the wire (see min gap)',
      normal.every((result) => !(result.writes.minGapMs < 0.9 * result.intervalMs))
    ],
    ['no rate-limit answers in the normal runs', normal.every((result) => result.rateLimited === 0)],
    [
      'each rate-limit variant was limited and still succeeded',
      rateLimited.every((result) => result.rateLimited > 0 && result.ok)
    ],
    ['overhead beyond the pacing bound is small', normal.every((result) => !largeOverhead(result))]
  ];
  console.log(`\n## Checks\n`);
  for (const [what, passed] of checks) console.log(`  ${passed ? '✔' : '✘'} ${what}`);
  console.log(`\nBenchmark took ${seconds(performance.now() - started, 0)}.`);
  return checks.every(([, passed]) => passed) ? 0 : 1;
}

function spread(samples: readonly StartSample[]): string[] {
  const wall = samples.map((sample) => sample.wallMs);
  const defined = (values: (number | undefined)[]): number[] => values.filter((value) => value !== undefined);
  const own = defined(samples.map((sample) => sample.ownMs));
  const cpu = defined(samples.map((sample) => sample.cpuMs));
  return [
    millis(median(wall)),
    millis(Math.min(...wall)),
    own.length ? millis(median(own)) : '-',
    cpu.length ? millis(median(cpu)) : '-'
  ];
}

process.exitCode = await main();
