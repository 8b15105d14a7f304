// The world every chaos scenario starts from: one Cloudflare account and zone, an organization and a user with
// a few repositories and environments, and helpers to seed a starting state and read back what each target holds.

import type { Emulator } from '../../emulator/server.ts';
import type { Fixture } from '../../emulator/fixture.ts';

export const ACCOUNT = '0123456789abcdef0123456789abcdef';
export const ZONE = 'fedcba9876543210fedcba9876543210';
export const CF_TOKEN = 'cf-chaos-token';
export const GH_TOKEN = 'gh-chaos-token';
export const TOKEN_NAME = 'svc';
export const CLIENT_ID_NAME = 'CF_ACCESS_CLIENT_ID';
export const CLIENT_SECRET_NAME = 'CF_ACCESS_CLIENT_SECRET';

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

export function fixture(): Fixture {
  return {
    cloudflare: {
      accounts: [ACCOUNT],
      zones: [ZONE],
      apiTokens: [{ value: CF_TOKEN, permissions: ['access:service_tokens:write'] }]
    },
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

/** What one target holds right now, and whether Access would let it in. */
export interface Holding {
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  /** authenticates(clientId, clientSecret) at the emulator's now. */
  readonly works: boolean;
}

export function holding(emu: Emulator, target: TargetDef, clientIdAsVariable: boolean): Holding {
  const clientId = clientIdAsVariable
    ? emu.github.variable({ ...target.scope, name: CLIENT_ID_NAME })?.value
    : emu.github.secretPlaintext({ ...target.scope, name: CLIENT_ID_NAME });
  const clientSecret = emu.github.secretPlaintext({ ...target.scope, name: CLIENT_SECRET_NAME });
  return {
    clientId,
    clientSecret,
    works: Boolean(clientId && clientSecret && emu.cloudflare.authenticates(clientId, clientSecret))
  };
}

export interface TokenView {
  readonly id: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientSecretVersion: number;
  readonly previousClientSecret: string | undefined;
  readonly previousClientSecretExpiresAt: string | undefined;
  readonly expiresAt: string | undefined;
  readonly updatedAt: string;
}

/** The service tokens named like the scenario's, in its scope. More than one is itself a finding. */
export function namedTokens(emu: Emulator, zoneScope: boolean): TokenView[] {
  return emu.cloudflare
    .tokens()
    .filter(
      (token) => token.name === TOKEN_NAME && (zoneScope ? token.zone === ZONE : token.account === ACCOUNT)
    )
    .map((token) => ({
      id: token.id,
      clientId: token.clientId,
      clientSecret: token.clientSecret,
      clientSecretVersion: token.clientSecretVersion,
      previousClientSecret: token.previousClientSecret,
      previousClientSecretExpiresAt: token.previousClientSecretExpiresAt,
      expiresAt: token.expiresAt,
      updatedAt: token.updatedAt
    }));
}
