// Process start → first HTTP request of dist/index.js, against two bare node baselines (start → exit, and
// start → a fetch reaching the emulator), with CPU time and peak RSS from the preloaded probe.

import { FAST_INTERVAL_MS } from './options.ts';
import { withWorld } from './result.ts';
import { median, millis } from './table.ts';
import { timeNode } from './probe.ts';
import { measureRun, seedStale, startWorld } from './world.ts';

export interface StartSample {
  /** Spawn → the moment measured (exit, or the first request reaching the emulator), on the bench's clock. */
  readonly wallMs: number;
  /** The process's own clock (since its time origin) at its first outgoing socket. */
  readonly ownMs: number | undefined;
  /** CPU time the process used until its first outgoing socket (or in all, for `node -e 0`). */
  readonly cpuMs: number | undefined;
}

export interface ColdStart {
  readonly nodeExit: StartSample[];
  readonly nodeFetch: StartSample[];
  readonly dist: StartSample[];
  readonly nodePeakRssKiB: number | undefined;
}

async function nodeExitSamples(samples: number): Promise<{ nodeExit: StartSample[]; rss: number[] }> {
  const nodeExit: StartSample[] = [];
  const rss: number[] = [];
  for (let index = 0; index < samples; index++) {
    const { spawnAt, exitAt, probe } = await timeNode(['-e', '0']);
    nodeExit.push({ wallMs: exitAt - spawnAt, ownMs: undefined, cpuMs: probe?.cpuMs });
    if (probe) rss.push(probe.peakRssKiB);
  }
  return { nodeExit, rss };
}

/** Process start → first HTTP request of dist/index.js, against bare node baselines, median of n. */
export async function coldStart(samples: number): Promise<ColdStart> {
  const { nodeExit, rss } = await nodeExitSamples(samples);
  const nodePeakRssKiB = rss.length ? median(rss) : undefined;
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

/** wall median, wall min, own clock median, CPU median. */
export function spread(samples: readonly StartSample[]): string[] {
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
