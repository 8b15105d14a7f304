// The `config` runs: one file of 20 credentials (15 Access service tokens, 5 API tokens) × 25 repository
// targets each (500 targets), with the emulator's secondary rate limit on at the run's pacing: a first run that
// creates everything, then a second one that must change nothing. Calls by kind against the minimum, the
// largest and smallest gap between two writes, overlaps, wall time against the pacing bound, peak memory.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecondaryLimitStats } from '../../emulator/github/secondary-limit.ts';
import { preciseNow } from '../../emulator/request-log.ts';
import { startEmulator, type Emulator } from '../../emulator/server.ts';
import { dnsWritePolicy } from '../dns-write-policy.ts';
import { runDist, type DistRun } from '../run-dist.ts';
import { countCalls, pacingFigures, writeTiming } from './analyze.ts';
import type { CallCounts, PacingFigures, WriteTiming } from './analyze.ts';
import { FAST_INTERVAL_MS } from './options.ts';
import { probeEnv, type ProcessProbe } from './probe.ts';
import { progress } from './result.ts';
import { ACCOUNT, OWNER, repoNames } from './world.ts';

const ADMIN = 'cf-bench-config-token';
const ZONE = 'fedcba9876543210fedcba9876543210';

export interface ConfigShape {
  readonly serviceTokens: number;
  readonly apiTokens: number;
  readonly targetsEach: number;
}

export interface ConfigRunResult {
  readonly label: string;
  readonly run: DistRun;
  readonly calls: CallCounts;
  /** What a correct run cannot do without: one write per changed secret, one key per changed repository. */
  readonly minimum: { secretWrites: number; publicKeys: number; creates: number };
  readonly writes: WriteTiming;
  readonly pacing: PacingFigures;
  readonly limit: SecondaryLimitStats;
  readonly probe: ProcessProbe | undefined;
  readonly results: readonly { result: string }[];
}

function configText(shape: ConfigShape, repos: readonly string[]): string {
  const targets = (entry: number) =>
    `[${repos
      .slice(entry * shape.targetsEach, (entry + 1) * shape.targetsEach)
      .map((repo) => `${OWNER}/${repo}`)
      .join(', ')}]`;
  // A YAML double-quoted scalar is a JSON string.
  const policy = JSON.stringify(dnsWritePolicy(ZONE));
  const entries = Array.from({ length: shape.serviceTokens + shape.apiTokens }, (_, entry) =>
    entry < shape.serviceTokens
      ? `  - token-name: svc-${entry + 1}\n    targets: ${targets(entry)}\n`
      : `  - token-name: api-${entry + 1}\n    credential: api-token\n    api-token-secret-name: CLOUDFLARE_API_TOKEN\n    api-token-policy: ${policy}\n    targets: ${targets(entry)}\n`
  );
  return `defaults:\n  account-id: ${ACCOUNT}\ncredentials:\n${entries.join('')}`;
}

function secretsNow(emu: Emulator): Map<string, string> {
  return new Map(
    emu.github
      .secrets()
      .map((secret) => [`${'repo' in secret ? secret.repo : ''}/${secret.name}`, secret.plaintext])
  );
}

async function measure(emu: Emulator, workspace: string, label: string): Promise<ConfigRunResult> {
  const before = secretsNow(emu);
  emu.resetRequests();
  emu.github.resetSecondaryLimitStats();
  const probe = probeEnv(true);
  let spawnAt = Number.NaN;
  const run = await runDist({
    inputs: {
      'cloudflare-api-token': ADMIN,
      'github-token': 'gh-bench-token',
      config: '.github/cloudflare-tokens.yml',
      'cloudflare-api-url': emu.cloudflareApiUrl,
      'github-api-url': emu.githubApiUrl
    },
    env: {
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: `${OWNER}/repo-0001`,
      ROTATOR_WRITE_INTERVAL_MS: String(FAST_INTERVAL_MS),
      ...probe.env
    },
    onStart: () => {
      spawnAt = preciseNow();
    },
    timeoutMs: 60 * 60_000
  });
  const requests = emu.requests();
  const changed = [...secretsNow(emu)]
    .filter(([key, value]) => before.get(key) !== value)
    .map(([key]) => key);
  const writes = writeTiming(requests);
  const results = JSON.parse(run.outputs.results ?? '[]') as { result: string }[];
  return {
    label,
    run,
    calls: countCalls(requests),
    minimum: {
      secretWrites: changed.length,
      publicKeys: new Set(changed.map((key) => key.split('/')[0])).size,
      creates: results.filter((entry) => entry.result === 'created').length
    },
    writes,
    pacing: pacingFigures(writes, FAST_INTERVAL_MS, spawnAt, run.durationMs),
    limit: emu.github.secondaryLimitStats(),
    probe: probe.read(),
    results
  };
}

export async function configRuns(shape: ConfigShape): Promise<ConfigRunResult[]> {
  const count = shape.serviceTokens + shape.apiTokens;
  const repos = repoNames(count * shape.targetsEach);
  const emu = await startEmulator({
    fixture: {
      cloudflare: {
        accounts: [ACCOUNT],
        zones: [ZONE],
        apiTokens: [
          { value: ADMIN, permissions: ['access:service_tokens:write', 'account:api_tokens:write'] }
        ]
      },
      github: {
        orgs: [OWNER],
        repositories: repos.map((name) => ({ owner: OWNER, name })),
        tokens: [{ value: 'gh-bench-token', canWriteSecrets: true }],
        secondaryRateLimit: { minIntervalMs: FAST_INTERVAL_MS }
      }
    }
  });
  const workspace = mkdtempSync(join(tmpdir(), 'rotator-bench-config-'));
  try {
    mkdirSync(join(workspace, '.github'));
    writeFileSync(join(workspace, '.github', 'cloudflare-tokens.yml'), configText(shape, repos));
    progress(`config: ${count} credentials × ${shape.targetsEach} targets, first run`);
    const first = await measure(emu, workspace, 'first run (creates)');
    progress('config: second run');
    const second = await measure(emu, workspace, 'second run');
    return [first, second];
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    await emu.close();
  }
}
