// One measured run, analysed: its calls by kind, its write timing against the pacing, rate-limit answers, and
// whether it did what it should. Shared by every kind of benchmark run.

import { countCalls, pacingFigures, rateLimitAnswers, writeTiming } from './analyze.ts';
import type { CallCounts, PacingFigures, WriteTiming } from './analyze.ts';
import type { Measured, World } from './world.ts';

export interface ScenarioResult {
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

export function analyze(
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

/** Progress goes to stderr, so that stdout is the report alone. */
export function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Runs the body in the world, then closes its emulator. */
export async function withWorld<T>(world: World, body: (world: World) => Promise<T>): Promise<T> {
  try {
    return await body(world);
  } finally {
    await world.emu.close();
  }
}
