// The benchmark's worlds: an emulator with N repositories of one organization, seeded for a scenario, and a
// measured run of dist/index.js against it (request log, spawn time, peak RSS, and whether it worked), for an
// Access service token or (credential api-token) a Cloudflare API token of the user.

import type { RateLimitFixture } from '../../emulator/github/rate-limit.ts';
import { preciseNow, type RequestRecord } from '../../emulator/request-log.ts';
import { startEmulator, type Emulator } from '../../emulator/server.ts';
import { runDist, type DistRun } from '../run-dist.ts';
import { probeEnv, type ProcessProbe } from './probe.ts';
import { dnsWritePolicy } from '../dns-write-policy.ts';
import { serializeRecord } from '../../src/credentials/service-token/rotation-record.ts';

export const ACCOUNT = '0123456789abcdef0123456789abcdef';
export const OWNER = 'bench-org';
export const TOKEN_NAME = 'bench';
const CLIENT_ID = 'CF_ACCESS_CLIENT_ID';
const CLIENT_SECRET = 'CF_ACCESS_CLIENT_SECRET';
const DAY = 86_400_000;
/** The action's cloudflare-api-token in the service-token runs: Access service tokens only. */
const SERVICE_CF_TOKEN = 'cf-bench-token';
/** The action's cloudflare-api-token in the API token runs: it may manage the user's API tokens. */
const ADMIN_CF_TOKEN = 'cf-bench-admin-token';
const ZONE = 'fedcba9876543210fedcba9876543210';
/** The user-owned API token the API token runs create, replace and roll. */
export const API_TOKEN_NAME = 'bench-api';
export const API_SECRET = 'CLOUDFLARE_API_TOKEN';
/** api-token-policy of the first create: DNS Write on one zone (a replacement copies the old token's). */
const API_TOKEN_POLICY = dnsWritePolicy(ZONE);

export type Credential = 'access-service-token' | 'api-token';

export interface World {
  readonly emu: Emulator;
  readonly repos: readonly string[];
  /** What the runs in this world rotate: the secrets each target holds follow from it. */
  readonly credential: Credential;
}

export interface WorldOptions {
  readonly rateLimit?: RateLimitFixture;
  readonly credential?: Credential;
}

const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

export function repoNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `repo-${String(index + 1).padStart(4, '0')}`);
}

/**
 * An emulator with `count` repositories of one organization; no service token, no API token named
 * API_TOKEN_NAME, no secrets yet. Two tokens may call it: one for Access service tokens, and an admin token
 * that may manage the user's API tokens ('user:api_tokens:write', "API Tokens Write").
 */
export async function startWorld(count: number, options: WorldOptions = {}): Promise<World> {
  const { rateLimit, credential = 'access-service-token' } = options;
  const repos = repoNames(count);
  const emu = await startEmulator({
    fixture: {
      cloudflare: {
        accounts: [ACCOUNT],
        zones: [ZONE],
        apiTokens: [
          { value: SERVICE_CF_TOKEN, permissions: ['access:service_tokens:write'] },
          { value: ADMIN_CF_TOKEN, name: 'bench admin', permissions: ['user:api_tokens:write'] }
        ]
      },
      github: {
        orgs: [OWNER],
        repositories: repos.map((name) => ({ owner: OWNER, name })),
        tokens: [{ value: 'gh-bench-token', canWriteSecrets: true }],
        ...(rateLimit && { rateLimit })
      }
    }
  });
  return { emu, repos, credential };
}

function ref(repo: string, name: string) {
  return { kind: 'repo', owner: OWNER, repo, name } as const;
}

/**
 * For (a): no token, and every target holds both secrets of an earlier, deleted token: the create guard stops
 * such a run unless allow-overwrite, which the (a) runs set.
 */
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
 * (written after the token was created, so current) and the previous secret (written before the rotation), and
 * the action's rotation record says so (state distributing), so the run rotates and writes every secret but
 * no client id (beyond the write probe).
 */
export function seedStale(world: World): void {
  const token = world.emu.cloudflare.seedToken({
    account: ACCOUNT,
    name: TOKEN_NAME,
    createdAt: iso(-300 * DAY),
    updatedAt: iso(-1 * DAY),
    expiresAt: iso(200 * DAY)
  });
  // The record that rotation left beside the first target: issued a day ago, still distributing.
  world.emu.github.seedVariable({
    ...ref(world.repos[0] ?? 'repo', `${CLIENT_SECRET}_ROTATION`),
    value: serializeRecord({
      tokenId: token.id,
      tokenName: TOKEN_NAME,
      scope: `account ${ACCOUNT}`,
      state: 'distributing',
      issuedAt: new Date(iso(-1 * DAY)),
      clientIdSince: new Date(iso(-300 * DAY)),
      rotations: 2,
      clientSecretVersion: undefined,
      previousValidUntil: undefined
    })
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

const secretNames = (world: World): string[] =>
  world.credential === 'api-token' ? [API_SECRET] : [CLIENT_ID, CLIENT_SECRET];

/** Every secret of every target, by `repo/NAME`. */
export function snapshot(world: World): Map<string, string | undefined> {
  return new Map(
    world.repos.flatMap((repo) =>
      secretNames(world).map((name) => [`${repo}/${name}`, world.emu.github.secretPlaintext(ref(repo, name))])
    )
  );
}

/** The live API tokens named API_TOKEN_NAME. */
export function namedApiTokens(world: World): { id: string; value: string }[] {
  return world.emu.cloudflare
    .apiTokens()
    .filter((token) => token.name === API_TOKEN_NAME && token.status === 'active');
}

/**
 * Service token: every target holds a client id and secret that the emulated Access application accepts now.
 * API token: exactly one token bears the name (a replaced one was deleted), and every target holds its value,
 * which Cloudflare accepts now.
 */
export function allTargetsWork(world: World): boolean {
  if (world.credential === 'api-token') {
    const [token, ...more] = namedApiTokens(world);
    return (
      token !== undefined &&
      more.length === 0 &&
      world.emu.cloudflare.apiTokenAuthenticates(token.value) &&
      world.repos.every((repo) => world.emu.github.secretPlaintext(ref(repo, API_SECRET)) === token.value)
    );
  }
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
  /** API tokens: replace (default) or roll. */
  readonly strategy?: 'replace' | 'roll';
  /** Preload the probe (default true). */
  readonly probe?: boolean;
  /** Service tokens: allow-overwrite, for a create over the secrets of a deleted token (world a). */
  readonly allowOverwrite?: boolean;
}

/** The inputs that name the credential: a service token of the account, or a user-owned API token. */
function credentialInputs(world: World, options: RunOptions): Record<string, string> {
  if (world.credential === 'api-token') {
    return {
      credential: 'api-token',
      'api-token-secret-name': 'CLOUDFLARE_API_TOKEN',
      'cloudflare-api-token': ADMIN_CF_TOKEN,
      'token-name': API_TOKEN_NAME,
      // As a workflow would have it: used by the first create only.
      'api-token-policy': API_TOKEN_POLICY,
      strategy: options.strategy ?? 'replace'
    };
  }
  return {
    'cloudflare-api-token': SERVICE_CF_TOKEN,
    'account-id': ACCOUNT,
    'token-name': TOKEN_NAME,
    ...(options.allowOverwrite ? { 'allow-overwrite': 'true' } : {})
  };
}

/** Runs dist/index.js once against the world, with the request log cleared first. */
export async function measureRun(world: World, options: RunOptions): Promise<Measured> {
  const before = snapshot(world);
  world.emu.resetRequests();
  const probe = probeEnv(options.probe !== false);
  let spawnAt = Number.NaN;
  const run = await runDist({
    inputs: {
      ...credentialInputs(world, options),
      'github-token': 'gh-bench-token',
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
