// Runs dist/index.js once as a process under a watch: the proxy's hooks on, the sabotage of the oracle tests in
// the faulty run, the child handed to the kill switch; then sums the run up for the report.

import type { Emulator } from '../../../emulator/server.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDist, visibleLog, type DistRun } from '../../run-dist.ts';
import type { RecordingProxy } from '../proxy.ts';
import type { RunReport, ScenarioOptions } from './types.ts';
import type { Watch } from './watch.ts';

export const RUN_TIMEOUT_MS = 90_000;

export const TIMING_ENV = {
  // dist/index.js is a 5 MB bundle: compiling it once, not in every run, saves a good part of each run.
  NODE_COMPILE_CACHE: join(tmpdir(), 'rotator-chaos-compile-cache'),
  GITHUB_REPOSITORY: 'octo-org/web',
  ROTATOR_WRITE_INTERVAL_MS: '0',
  ROTATOR_RETRY_BASE_MS: '5',
  ROTATOR_VERIFY_TIMEOUT_MS: '3000',
  ROTATOR_REQUEST_TIMEOUT_MS: '1500'
};

/**
 * Runs dist/index.js once with the watch on the proxy (and, in the faulty run, the sabotage), and waits until the
 * emulator has answered every request it received.
 */
export async function runWatched(
  emu: Emulator,
  proxy: RecordingProxy,
  watch: Watch,
  inputs: Record<string, string>,
  options: ScenarioOptions = {}
): Promise<DistRun> {
  const { sabotage } = watch.kind === 'faulty' ? options : {};
  proxy.setHooks({
    onArrival: (exchange) => {
      const decision = watch.onArrival(exchange);
      sabotage?.(exchange, { emu, proxyUrl: proxy.url });
      return decision;
    },
    onServed: (exchange) => watch.onServed(exchange)
  });
  const run = await runDist({
    inputs,
    env: TIMING_ENV,
    timeoutMs: RUN_TIMEOUT_MS,
    onStart: (child) => {
      watch.kill.child = child;
    }
  });
  // The emulator goes on with what it received (a delayed write, the request the kill interrupted).
  await proxy.idle();
  proxy.setHooks(undefined);
  return run;
}

export function runReport(watch: Watch, run: DistRun, allTargetsCurrent: boolean): RunReport {
  return {
    kind: watch.kind,
    exitCode: run.exitCode,
    signal: run.signal,
    result: run.outputs.result,
    killedAt: watch.kill.killedAt,
    allTargetsCurrent,
    error: run.stdout
      .split('\n')
      .findLast((line) => line.startsWith('::error::'))
      ?.slice('::error::'.length),
    durationMs: run.durationMs,
    log: `${visibleLog(run.stdout)}${run.stderr ? `\n[stderr]\n${run.stderr}` : ''}`,
    requests: watch.exchanges.map(
      (exchange) =>
        `${exchange.method} ${exchange.api} ${exchange.path} → ${exchange.killedHere ? 'KILL ' : ''}${exchange.dropped ? 'dropped' : exchange.status}`
    )
  };
}
