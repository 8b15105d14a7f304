// `npm run bench -- --start`: the start targets, side by side in one run, interleaved so that the machine's load
// falls alike on each: fail-fast start (dist/index.js with no inputs, spawn → exit) against `node -e 0`, and
// process start → first request of an unchanged run against `node` + one `fetch` to the same local server.
// Medians of n samples (default 15), with the ratios the targets name, the size of dist/ and the peak RSS.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_ENTRY } from '../run-dist.ts';
import { machine } from './machine.ts';
import { FAST_INTERVAL_MS } from './options.ts';
import { timeNode } from './probe.ts';
import { progress, withWorld } from './result.ts';
import { median, millis, table } from './table.ts';
import { measureRun, seedStale, startWorld } from './world.ts';

/** Bytes of every file under dir (as `du -b` counts the files). */
export function treeBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? treeBytes(path) : statSync(path).size);
  }, 0);
}

/** The environment of a fail-fast run: none of this process's inputs or GitHub variables. */
function bareEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !entry[0].startsWith('INPUT_') && !entry[0].startsWith('GITHUB_')
    )
  );
}

interface StartFigures {
  readonly nodeExit: number[];
  readonly failFast: number[];
  readonly nodeFetch: number[];
  readonly firstRequest: number[];
  readonly peakRssKiB: number[];
}

async function sampleStarts(samples: number): Promise<StartFigures> {
  const figures: StartFigures = {
    nodeExit: [],
    failFast: [],
    nodeFetch: [],
    firstRequest: [],
    peakRssKiB: []
  };
  await withWorld(await startWorld(1), async (world) => {
    seedStale(world);
    await measureRun(world, { writeIntervalMs: FAST_INTERVAL_MS });
    const url = `${world.emu.githubApiUrl}/rate_limit`;
    for (let index = 0; index < samples; index++) {
      progress(`start sample ${index + 1}/${samples}`);
      const exit = await timeNode(['-e', '0'], process.env, false);
      figures.nodeExit.push(exit.exitAt - exit.spawnAt);
      const fail = await timeNode([DIST_ENTRY], bareEnv(), false);
      figures.failFast.push(fail.exitAt - fail.spawnAt);
      world.emu.resetRequests();
      const fetched = await timeNode(
        ['--input-type=module', '-e', `await fetch(${JSON.stringify(url)})`],
        process.env,
        false
      );
      const reached = world.emu.requests()[0];
      if (reached) figures.nodeFetch.push(reached.startedAt - fetched.spawnAt);
      const run = await measureRun(world, { writeIntervalMs: FAST_INTERVAL_MS, probe: index === 0 });
      if (run.run.outputs.result !== 'unchanged')
        throw new Error(`unchanged run reported ${run.run.outputs.result}`);
      figures.firstRequest.push(Math.min(...run.requests.map((request) => request.startedAt)) - run.spawnAt);
      if (run.probe) figures.peakRssKiB.push(run.probe.peakRssKiB);
    }
  });
  return figures;
}

const ratio = (value: number, base: number): string => `${(value / base).toFixed(2)}×`;

export async function startBench(samples: number): Promise<number> {
  const figures = await sampleStarts(samples);
  const distBytes = treeBytes(join(DIST_ENTRY, '..'));
  const [exit, fail, fetched, first] = [
    figures.nodeExit,
    figures.failFast,
    figures.nodeFetch,
    figures.firstRequest
  ].map(median) as [number, number, number, number];
  console.log(`\n# Start of dist/index.js (median of ${samples}, interleaved)`);
  console.log(machine());
  console.log(
    table(
      ['what', 'median', 'min', 'ratio', 'target'],
      [
        ['node -e 0: start → exit', millis(exit), millis(Math.min(...figures.nodeExit)), '1×', ''],
        [
          'dist/index.js, no inputs: start → exit (fail fast)',
          millis(fail),
          millis(Math.min(...figures.failFast)),
          ratio(fail, exit),
          '≤ 2.5×'
        ],
        [
          'node + one fetch: start → request',
          millis(fetched),
          millis(Math.min(...figures.nodeFetch)),
          '1×',
          ''
        ],
        [
          'dist/index.js, unchanged run: start → first request',
          millis(first),
          millis(Math.min(...figures.firstRequest)),
          ratio(first, fetched),
          '≤ 1.5×'
        ]
      ]
    )
  );
  console.log(
    `\ndist/: ${distBytes} bytes (${(distBytes / 1e6).toFixed(2)} MB; target ≤ 1 MB). Peak RSS of an unchanged run (N=1): ${(median(figures.peakRssKiB) / 1024).toFixed(0)} MiB.`
  );
  const passed = fail / exit <= 2.5 && first / fetched <= 1.5 && distBytes <= 1e6;
  console.log(`\n  ${passed ? '✔' : '✘'} start targets met`);
  return passed ? 0 : 1;
}
