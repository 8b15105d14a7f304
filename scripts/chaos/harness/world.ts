// The world every chaos scenario starts from, whichever credential it rotates: one Cloudflare account and zone,
// an organization and a user with a few repositories and environments, and the targets a scenario may pick.

import type { Fixture } from '../../../emulator/fixture.ts';

export const ACCOUNT = '0123456789abcdef0123456789abcdef';
export const ZONE = 'fedcba9876543210fedcba9876543210';
/** The action's cloudflare-api-token (the management token); each credential grants it its own permissions. */
export const CF_TOKEN = 'cf-chaos-token';
export const GH_TOKEN = 'gh-chaos-token';

export const DAY = 86_400_000;
export const iso = (ms: number): string => new Date(ms).toISOString();

export interface TargetDef {
  /** As written in the `targets` input, and as the action labels it. */
  readonly line: string;
  readonly scope:
    | { kind: 'repo'; owner: string; repo: string }
    | { kind: 'environment'; owner: string; repo: string; environment: string };
  /** API-relative base of its secrets, decoded (fault paths match decoded paths too). */
  readonly secretsPath: string;
  /** API-relative base of its variables, decoded. */
  readonly variablesPath: string;
}

function repoTarget(owner: string, repo: string): TargetDef {
  return {
    line: `${owner}/${repo}`,
    scope: { kind: 'repo', owner, repo },
    secretsPath: `/repos/${owner}/${repo}/actions/secrets`,
    variablesPath: `/repos/${owner}/${repo}/actions/variables`
  };
}

function environmentTarget(owner: string, repo: string, environment: string): TargetDef {
  return {
    line: `${owner}/${repo}@${environment}`,
    scope: { kind: 'environment', owner, repo, environment },
    secretsPath: `/repos/${owner}/${repo}/environments/${environment}/secrets`,
    variablesPath: `/repos/${owner}/${repo}/environments/${environment}/variables`
  };
}

/** Every target a scenario may pick: repository and environment targets of two owners. */
export const TARGET_POOL: readonly TargetDef[] = [
  repoTarget('octo-org', 'web'),
  environmentTarget('octo-org', 'web', 'production'),
  environmentTarget('octo-org', 'web', 'staging eu'),
  repoTarget('octo-org', 'api'),
  environmentTarget('octo-org', 'api', 'production'),
  repoTarget('octo-org', 'docs'),
  repoTarget('alice', 'tools'),
  environmentTarget('alice', 'tools', 'live')
];

type ManagementToken = NonNullable<NonNullable<Fixture['cloudflare']>['apiTokens']>[number];

/** The shared world with the management token(s) a credential's scenarios run the action with. */
export function worldFixture(managementTokens: ManagementToken[]): Fixture {
  return {
    cloudflare: { accounts: [ACCOUNT], zones: [ZONE], apiTokens: managementTokens },
    github: {
      orgs: ['octo-org'],
      repositories: [
        { owner: 'octo-org', name: 'web', environments: ['production', 'staging eu'] },
        { owner: 'octo-org', name: 'api', environments: ['production'] },
        { owner: 'octo-org', name: 'docs' },
        { owner: 'alice', name: 'tools', environments: ['live'] }
      ],
      tokens: [{ value: GH_TOKEN, canWriteSecrets: true }]
    }
  };
}

/** The inputs every run has, whichever credential: the GitHub token, the targets, the mode, the proxy's URLs. */
export function commonInputs(
  targets: ReadonlyArray<{ readonly def: TargetDef }>,
  proxyUrl: string,
  mode: string
): Record<string, string> {
  return {
    'github-token': GH_TOKEN,
    mode,
    targets: targets.map(({ def }) => def.line).join('\n'),
    'cloudflare-api-url': `${proxyUrl}/cloudflare/client/v4`,
    'github-api-url': `${proxyUrl}/github`
  };
}
