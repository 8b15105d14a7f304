// Prints the benchmark's report, section by section, each table with the note that says how to read it.

import type { ApiScenarioResult } from './api-token-runs.ts';
import { apiCallsTable, callsTable } from './calls-tables.ts';
import { spread, type ColdStart } from './cold-start.ts';
import { machine } from './machine.ts';
import { FAST_INTERVAL_MS, REAL_INTERVAL_MS, REAL_PACING_MS, type BenchOptions } from './options.ts';
import type { RateLimitResult } from './rate-limit-runs.ts';
import type { ScenarioResult } from './result.ts';
import { table } from './table.ts';
import { mib, rateLimitTable, timeTable } from './time-tables.ts';
import { API_SECRET, API_TOKEN_NAME } from './world.ts';

export function printHeader(options: BenchOptions): void {
  const { sizes, realPacingUpTo } = options;
  console.log(`\n# Benchmark of dist/index.js against the local emulator`);
  console.log(`${machine()}; ${options.quick ? 'quick run' : 'full run'}, ${new Date().toISOString()}`);
  console.log(
    `Targets: N repositories of one organization, each holding both secrets. Pacing: ${sizes.filter((size) => size <= realPacingUpTo).join(', ') || 'none'} at the real pacing (write interval ${REAL_INTERVAL_MS} ms: ${REAL_PACING_MS} ms between writes); ` +
      `${sizes.filter((size) => size > realPacingUpTo).join(', ') || 'none'} with ROTATOR_WRITE_INTERVAL_MS=${FAST_INTERVAL_MS} (time @real is projected).`
  );
}

export function printServiceTokens(results: readonly ScenarioResult[]): void {
  console.log(`\n## API calls by kind (minimum in parentheses)\n`);
  console.log(callsTable(results));
  console.log(`
Minimum = one public-key read per key scope that gets a changed secret + one write per secret whose value changed
(read back from the emulator). Extra GitHub calls: secret lists (one per target, every run: updated_at tells fresh
from stale; on a create, only the first repository or environment target of each owner is read, for the create
guard, and none with allow-overwrite, as in (a)), repository reads (archived check: one GraphQL query per 100
repositories written), the rotation record (GH var reads, and GH other: its writes, 3 in a create, 2 in a
rotation), the write-permission probe (one client-id rewrite per owner before a rotation: the +1 write in (b)). Cloudflare: verify (cloudflare-api-token is
active, its expiry), list (find the token by name), get (re-read before rotating: another run rotated?),
create/rotate (the change itself). RL answers: GitHub 403/429 rate-limit answers received.`);

  console.log(`\n## Wall time against the pacing bound (bound = (writes − 1) × pacing)\n`);
  console.log(timeTable(results));
  console.log(`
first req: process start → first HTTP request. median/min gap: start-to-start between consecutive GitHub
writes as the emulator saw them (the client spaces its limiter slots by the pacing; each request follows its slot
after a few ms that vary, the first write's the most, so one gap may be a little under the pacing).
overlaps: writes that started before the previous one was answered (must be 0). time @real: for runs at
${FAST_INTERVAL_MS} ms, the same run with each gap between writes raised to max(${REAL_PACING_MS} ms, the gap measured), the
client's real pacing (interval + 25 ms limiter margin); overhead is LARGE beyond max(5 s, 10 % of the bound @real,
20 ms per target).`);
}

export function printApiTokens(apiResults: readonly ApiScenarioResult[]): void {
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
}

export function printRateLimits(rateLimited: readonly RateLimitResult[]): void {
  console.log(
    `\n## Rate limits: 10 stale targets rotated while GitHub limits (pacing ${FAST_INTERVAL_MS} ms, retry base 1 s)\n`
  );
  console.log(rateLimitTable(rateLimited));
  for (const result of rateLimited) {
    console.log(`  ${result.variant}:`);
    for (const wait of result.waits.slice(0, 6)) console.log(`    ${wait}`);
    if (result.waits.length > 6) console.log(`    … ${result.waits.length - 6} more`);
  }
}

/** The service token runs with the highest peak RSS, and the second run of the smallest size (the lowest). */
function memoryExtremes(results: readonly ScenarioResult[], sizes: readonly number[]) {
  const large = results.reduce<ScenarioResult | undefined>(
    (best, result) =>
      !best || (result.measured.probe?.peakRssKiB ?? 0) > (best.measured.probe?.peakRssKiB ?? 0)
        ? result
        : best,
    undefined
  );
  const small = results.find(
    (result) => result.label.startsWith('(c)') && result.size === Math.min(...sizes)
  );
  return { large, small };
}

export function printColdStart(
  results: readonly ScenarioResult[],
  cold: ColdStart,
  options: BenchOptions,
  bundleBytes: number
): void {
  console.log(`\n## Cold start and memory (median of ${options.coldSamples})\n`);
  const { large, small } = memoryExtremes(results, options.sizes);
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
    `\ndist/ (every file): ${(bundleBytes / 1e6).toFixed(2)} MB (${bundleBytes} bytes). Peak RSS: node -e 0 ${mib(cold.nodePeakRssKiB)}; ` +
      `dist ${mib(small?.measured.probe?.peakRssKiB)} (${small?.label ?? '-'}, N=${small?.size ?? '-'}), ` +
      `${mib(large?.measured.probe?.peakRssKiB)} (${large?.label ?? '-'}, N=${large?.size ?? '-'}).`
  );
}
