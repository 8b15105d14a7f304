// The Access service token runs, two worlds per size: (a) a create (allow-overwrite) where every target holds
// an earlier token's secrets, then (c′) a second run; (b) a rotation of a token whose last rotation reached no
// target, then (c).

import { pacingFor, type BenchOptions } from './options.ts';
import { analyze, progress, withWorld, type ScenarioResult } from './result.ts';
import { measureRun, seedLeftovers, seedStale, startWorld, type World } from './world.ts';

/** One run in the world, analysed against the result it must report. */
async function step(
  world: World,
  size: number,
  intervalMs: number,
  label: string,
  expected: string,
  allowOverwrite = false
): Promise<ScenarioResult> {
  const measured = await measureRun(world, { writeIntervalMs: intervalMs, allowOverwrite });
  return analyze(label, size, intervalMs, expected, measured);
}

export async function serviceTokenRuns(size: number, options: BenchOptions): Promise<ScenarioResult[]> {
  const intervalMs = pacingFor(size, options);
  const results: ScenarioResult[] = [];
  progress(`${size} target(s), ${intervalMs} ms between writes: (a) create`);
  await withWorld(await startWorld(size), async (world) => {
    seedLeftovers(world);
    results.push(await step(world, size, intervalMs, '(a) create', 'created', true));
    progress(`${size} target(s): second run after (a)`);
    results.push(await step(world, size, intervalMs, '(c′) rerun after a', 'unchanged', true));
  });
  progress(`${size} target(s): (b) rotate, every target stale`);
  await withWorld(await startWorld(size), async (world) => {
    seedStale(world);
    results.push(await step(world, size, intervalMs, '(b) rotate stale', 'rotated'));
    progress(`${size} target(s): (c) second run after (b)`);
    results.push(await step(world, size, intervalMs, '(c) rerun after b', 'unchanged'));
  });
  return results;
}
