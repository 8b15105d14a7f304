import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/server.ts';
import type { Fixture } from '../../emulator/fixture.ts';
import { runDist, visibleLog, type DistRun } from '../../scripts/run-dist.ts';
import { serializeRecord, type RotationRecord } from '../../src/credentials/service-token/rotation-record.js';

export const ACCOUNT = '0123456789abcdef0123456789abcdef';
export const ZONE = 'fedcba9876543210fedcba9876543210';
export const DAY = 86_400_000;

/** A small world: one account and zone, two API tokens, an organization with two repositories. */
export function fixture(
  extra: { repositories?: NonNullable<Fixture['github']>['repositories'] } = {}
): Fixture {
  return {
    cloudflare: {
      accounts: [ACCOUNT],
      zones: [ZONE],
      apiTokens: [
        { value: 'cf-e2e-token', permissions: ['access:service_tokens:write'] },
        { value: 'cf-read-token', permissions: ['access:service_tokens:read'] }
      ]
    },
    github: {
      orgs: ['octo-org'],
      repositories: extra.repositories ?? [
        { owner: 'octo-org', name: 'web', environments: ['production', 'staging eu'] },
        { owner: 'octo-org', name: 'api' },
        { owner: 'octo-org', name: 'old-site', archived: true }
      ],
      tokens: [
        { value: 'gh-e2e-token', canWriteSecrets: true },
        { value: 'gh-read-token', canWriteSecrets: false }
      ]
    }
  };
}

export async function emulator(extra: Parameters<typeof fixture>[0] = {}): Promise<Emulator> {
  return startEmulator({ fixture: fixture(extra), contractCheck: 'strict' });
}

export function inputs(emu: Emulator, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'cloudflare-api-token': 'cf-e2e-token',
    'github-token': 'gh-e2e-token',
    'account-id': ACCOUNT,
    'token-name': 'svc',
    targets: 'octo-org/web\nocto-org/web@production',
    'cloudflare-api-url': emu.cloudflareApiUrl,
    'github-api-url': emu.githubApiUrl,
    ...overrides
  };
}

/** Runs dist/index.js as the runner does, fast-paced (the emulator has no rate limit unless a test sets one). */
export function run(
  emu: Emulator,
  overrides: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<DistRun> {
  return runDist({
    inputs: inputs(emu, overrides),
    env: {
      GITHUB_REPOSITORY: 'octo-org/web',
      ROTATOR_WRITE_INTERVAL_MS: '0',
      ROTATOR_RETRY_BASE_MS: '10',
      ...env
    }
  });
}

export type SecretPlace =
  | { kind: 'repo'; owner: string; repo: string }
  | { kind: 'environment'; owner: string; repo: string; environment: string }
  | { kind: 'org'; org: string }
  | { kind: 'dependabot-repo'; owner: string; repo: string }
  | { kind: 'dependabot-org'; org: string };

export const WEB: SecretPlace = { kind: 'repo', owner: 'octo-org', repo: 'web' };
export const PRODUCTION: SecretPlace = {
  kind: 'environment',
  owner: 'octo-org',
  repo: 'web',
  environment: 'production'
};

export function secretAt(
  emu: Emulator,
  place: SecretPlace,
  name = 'CF_ACCESS_CLIENT_SECRET'
): string | undefined {
  return emu.github.secretPlaintext({ ...place, name });
}

/** Every place holds a client id and secret that the emulated Access application accepts now. */
export function accepted(emu: Emulator, place: SecretPlace): boolean {
  const id = secretAt(emu, place, 'CF_ACCESS_CLIENT_ID');
  const secret = secretAt(emu, place);
  return Boolean(id && secret && emu.cloudflare.authenticates(id, secret));
}

/** A GitHub GraphQL query (the archived check, repository ids): it reads, like a GET. */
export function isGraphqlQuery(request: { api: string; path: string }): boolean {
  return request.api === 'github' && /^(?:\/api)?\/graphql$/.test(request.path);
}

export function mutations(emu: Emulator): string[] {
  return emu
    .requests()
    .filter((request) => request.method !== 'GET' && request.api !== 'access' && !isGraphqlQuery(request))
    .map((request) => `${request.method} ${request.api} ${request.path}`);
}

/** Changes that took effect: requests other than GET that succeeded. */
export function changes(emu: Emulator): string[] {
  return emu
    .requests()
    .filter(
      (request) =>
        request.method !== 'GET' &&
        request.api !== 'access' &&
        !isGraphqlQuery(request) &&
        request.status >= 200 &&
        request.status < 300
    )
    .map((request) => `${request.method} ${request.api} ${request.path}`);
}

/** No secret a test knows of appears where the runner would show or keep it. */
export function expectNothingLeaked(result: DistRun, secrets: readonly string[]): string[] {
  const places = {
    log: visibleLog(result.stdout) + result.stderr,
    summary: result.summary,
    outputs: JSON.stringify(result.outputs)
  };
  return secrets.flatMap((secret) =>
    Object.entries(places)
      .filter(([, text]) => secret && text.includes(secret))
      .map(([where]) => `secret found in ${where}`)
  );
}

export const fixturesDir = join(import.meta.dirname, '..', '..', 'emulator', 'fixtures');

/** The rotation record's variable for the default secret names, beside the first target. */
export function recordRef(
  place: { owner: string; repo: string } | { org: string } = { owner: 'octo-org', repo: 'web' },
  clientSecretName = 'CF_ACCESS_CLIENT_SECRET'
) {
  const name = `${clientSecretName}_ROTATION`;
  return 'org' in place
    ? ({ kind: 'org', org: place.org, name } as const)
    : ({ kind: 'repo', owner: place.owner, repo: place.repo, name } as const);
}

/** Seeds the record an earlier run of the action would have left for `token`. */
export function seedRecord(
  emu: Emulator,
  token: { id: string; name?: string },
  times: { issuedAt: string; clientIdSince?: string; state?: RotationRecord['state'] },
  place?: Parameters<typeof recordRef>[0]
): void {
  const value = serializeRecord({
    tokenId: token.id,
    tokenName: token.name ?? 'svc',
    scope: `account ${ACCOUNT}`,
    state: times.state ?? 'complete',
    issuedAt: new Date(times.issuedAt),
    clientIdSince: new Date(times.clientIdSince ?? times.issuedAt),
    rotations: 1,
    clientSecretVersion: undefined,
    previousValidUntil: undefined
  });
  emu.github.seedVariable({ ...recordRef(place), value });
}
