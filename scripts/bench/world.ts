// The benchmark's worlds: an emulator with N repositories of one organization, seeded for a scenario, and a
// measured run of dist/index.js against it (request log, spawn time, peak RSS, and whether it worked).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RateLimitFixture } from '../../emulator/github/rate-limit.ts';
import { preciseNow, type RequestRecord } from '../../emulator/request-log.ts';
import { startEmulator, type Emulator } from '../../emulator/server.ts';
import { runDist, type DistRun } from '../run-dist.ts';

export const ACCOUNT = '0123456789abcdef0123456789abcdef';
export const OWNER = 'bench-org';
export const TOKEN_NAME = 'bench';
const CLIENT_ID = 'CF_ACCESS_CLIENT_ID';
const CLIENT_SECRET = 'CF_ACCESS_CLIENT_SECRET';
const DAY = 86_400_000;

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
function probeEnv(enabled: boolean): { env: Record<string, string>; read: () => ProcessProbe | undefined } {
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

export interface World {
  readonly emu: Emulator;
  readonly repos: readonly string[];
}

const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

export function repoNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `repo-${String(index + 1).padStart(4, '0')}`);
}

/** An emulator with `count` repositories of one organization; no service token, no secrets yet. */
export async function startWorld(count: number, rateLimit?: RateLimitFixture): Promise<World> {
  const repos = repoNames(count);
  const emu = await startEmulator({
    fixture: {
      cloudflare: {
        accounts: [ACCOUNT],
        apiTokens: [{ value: 'cf-bench-token', permissions: ['access:service_tokens:write'] }]
      },
      github: {
        orgs: [OWNER],
        repositories: repos.map((name) => ({ owner: OWNER, name })),
        tokens: [{ value: 'gh-bench-token', canWriteSecrets: true }],
        ...(rateLimit && { rateLimit })
      }
    }
  });
  return { emu, repos };
}

function ref(repo: string, name: string) {
  return { kind: 'repo', owner: OWNER, repo, name } as const;
}

/** For (a): no token, and every target holds both secrets of an earlier, deleted token. */
export function seedLeftovers(world: World): void {
  for (const [index, repo] of world.repos.entries()) {
    world.emu.github.seedSecret({
      ...ref(repo, CLIENT_ID),
      value: `old-id-${index}`,
      updatedAt: iso(-30 * DAY)
    });
    world.emu.github.seedSecret({
      ...ref(repo, CLIENT_SECRET),
      value: `old-secret-${index}`,
      updatedAt: iso(-30 * DAY)
    });
  }
}

/**
 * For (b): a token rotated a day ago whose rotation never reached any target: every target holds its client id
 * (written after the token was created, so current) and the previous secret (written before the rotation).
 */
export function seedStale(world: World): void {
  const token = world.emu.cloudflare.seedToken({
    account: ACCOUNT,
    name: TOKEN_NAME,
    createdAt: iso(-300 * DAY),
    updatedAt: iso(-1 * DAY),
    expiresAt: iso(200 * DAY)
  });
  for (const repo of world.repos) {
    world.emu.github.seedSecret({ ...ref(repo, CLIENT_ID), value: token.clientId, updatedAt: iso(-2 * DAY) });
    world.emu.github.seedSecret({
      ...ref(repo, CLIENT_SECRET),
      value: 'previous-secret',
      updatedAt: iso(-2 * DAY)
    });
  }
}

/** Every secret of every target, by `repo/NAME`. */
export function snapshot(world: World): Map<string, string | undefined> {
  return new Map(
    world.repos.flatMap((repo) =>
      [CLIENT_ID, CLIENT_SECRET].map((name) => [
        `${repo}/${name}`,
        world.emu.github.secretPlaintext(ref(repo, name))
      ])
    )
  );
}

/** Every target holds a client id and secret that the emulated Access application accepts now. */
export function allTargetsWork(world: World): boolean {
  return world.repos.every((repo) => {
    const id = world.emu.github.secretPlaintext(ref(repo, CLIENT_ID));
    const secret = world.emu.github.secretPlaintext(ref(repo, CLIENT_SECRET));
    return Boolean(id && secret && world.emu.cloudflare.authenticates(id, secret));
  });
}

export interface Measured {
  readonly run: DistRun;
  /** preciseNow() right after spawn() returned: the emulator's request times are on the same clock. */
  readonly spawnAt: number;
  readonly requests: RequestRecord[];
  readonly probe: ProcessProbe | undefined;
  /** Secrets whose value the run changed (the writes that were needed). */
  readonly changedSecrets: number;
  /** Key scopes (repositories) with a changed secret: the public-key reads that were needed. */
  readonly changedScopes: number;
  readonly targetsWork: boolean;
}

export interface RunOptions {
  readonly writeIntervalMs: number;
  readonly mode?: string;
  /** Preload the probe (default true). */
  readonly probe?: boolean;
}

/** Runs dist/index.js once against the world, with the request log cleared first. */
export async function measureRun(world: World, options: RunOptions): Promise<Measured> {
  const before = snapshot(world);
  world.emu.resetRequests();
  const probe = probeEnv(options.probe !== false);
  let spawnAt = Number.NaN;
  const run = await runDist({
    inputs: {
      'cloudflare-api-token': 'cf-bench-token',
      'github-token': 'gh-bench-token',
      'account-id': ACCOUNT,
      'token-name': TOKEN_NAME,
      mode: options.mode ?? 'auto',
      targets: world.repos.map((repo) => `${OWNER}/${repo}`).join('\n'),
      'cloudflare-api-url': world.emu.cloudflareApiUrl,
      'github-api-url': world.emu.githubApiUrl
    },
    env: {
      GITHUB_REPOSITORY: `${OWNER}/${world.repos[0] ?? 'repo'}`,
      ROTATOR_WRITE_INTERVAL_MS: String(options.writeIntervalMs),
      ...probe.env
    },
    onStart: () => {
      spawnAt = preciseNow();
    },
    timeoutMs: 60 * 60_000
  });
  const after = snapshot(world);
  const changed = [...after].filter(([key, value]) => before.get(key) !== value).map(([key]) => key);
  return {
    run,
    spawnAt,
    requests: world.emu.requests(),
    probe: probe.read(),
    changedSecrets: changed.length,
    changedScopes: new Set(changed.map((key) => key.split('/')[0])).size,
    targetsWork: allTargetsWork(world)
  };
}

export interface ProcessTiming {
  readonly spawnAt: number;
  readonly exitAt: number;
  readonly probe: ProcessProbe | undefined;
}

/** Runs `node args…` (the same binary as the action) and times it, with the probe preloaded. */
export async function timeNode(args: readonly string[]): Promise<ProcessTiming> {
  const probe = probeEnv(true);
  const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, ...probe.env } });
  const spawnAt = preciseNow();
  const exitAt = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve(preciseNow()));
  });
  return { spawnAt, exitAt, probe: probe.read() };
}
