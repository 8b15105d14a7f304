// What the benchmark measures inside a process without changing it: a probe preloaded with `node --import`
// that notes the first outgoing socket, CPU time and peak RSS; and a timed run of bare `node` for the baselines.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preciseNow } from '../../emulator/request-log.ts';

/**
 * Preloaded into the measured process (`node --import`), changing nothing in it: at its first outgoing socket it
 * notes its own clock (ms since its time origin) and CPU time, and at exit writes those with its peak RSS and
 * total CPU time as JSON to BENCH_PROBE_FILE. CPU time is what cold start costs the process itself, which the
 * load of other processes on the machine changes far less than it changes wall time. Plain JavaScript in a data:
 * URL, so that it loads nothing else (a .ts file would load Node's type stripper and add ~20 MiB to the RSS).
 */
const PROBE = `data:text/javascript,${encodeURIComponent(
  [
    'import { writeFileSync } from "node:fs";',
    'import { subscribe } from "node:diagnostics_channel";',
    'const file = process.env.BENCH_PROBE_FILE;',
    'const cpuMs = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };',
    'let first;',
    'if (file) {',
    '  subscribe("net.client.socket", () => { first ??= { ms: performance.now(), cpuMs: cpuMs() }; });',
    '  process.on("exit", () => writeFileSync(file, JSON.stringify({',
    '    peakRssKiB: process.resourceUsage().maxRSS, cpuMs: cpuMs(), firstSocket: first })));',
    '}'
  ].join('\n')
)}`;

export interface ProcessProbe {
  readonly peakRssKiB: number;
  /** User + system CPU time of the whole process, ms. */
  readonly cpuMs: number;
  /** At the first outgoing socket: ms since the process's time origin, and CPU time used until then. */
  readonly firstSocket?: { readonly ms: number; readonly cpuMs: number };
}

/** Environment that preloads the probe, and a reader for what it wrote. */
export function probeEnv(enabled: boolean): {
  env: Record<string, string>;
  read: () => ProcessProbe | undefined;
} {
  if (!enabled) return { env: {}, read: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'rotator-bench-'));
  const file = join(dir, 'probe.json');
  return {
    env: { NODE_OPTIONS: `--import=${PROBE}`, BENCH_PROBE_FILE: file },
    read: () => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as ProcessProbe;
      } catch {
        return undefined;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  };
}

export interface ProcessTiming {
  readonly spawnAt: number;
  readonly exitAt: number;
  readonly probe: ProcessProbe | undefined;
}

/**
 * Runs `node args…` (the same binary as the action) and times it, with the probe preloaded unless `withProbe` is
 * false; `env` replaces this process's environment.
 */
export async function timeNode(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  withProbe = true
): Promise<ProcessTiming> {
  const probe = probeEnv(withProbe);
  const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...env, ...probe.env } });
  const spawnAt = preciseNow();
  const exitAt = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve(preciseNow()));
  });
  return { spawnAt, exitAt, probe: probe.read() };
}
