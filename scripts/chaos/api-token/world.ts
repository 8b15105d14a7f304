// The API token scenarios' part of the chaos world: the shared account, zone and repositories, a management token
// (user- or account-owned) and the rotated token 'deploy' (user- or account-owned, optionally the one the action
// runs with), plus helpers to read back what each target holds and which tokens bear the name.

import type { Emulator } from '../../../emulator/server.ts';
import type { Fixture } from '../../../emulator/fixture.ts';
import { ACCOUNT, CF_TOKEN, ZONE, worldFixture, type TargetDef } from '../harness/world.ts';
import { dnsWritePolicy } from '../../dns-write-policy.ts';

export const API_TOKEN_NAME = 'deploy';
export const API_SECRET_NAME = 'CLOUDFLARE_API_TOKEN';

export type TokenOwnerKind = 'user' | 'account';

/** The rotated token's permissions: DNS Write on the zone, and the right to manage its siblings when it runs the action. */
export function deployPolicies(
  owner: TokenOwnerKind,
  self: boolean,
  userId: string
): Array<{
  effect: 'allow';
  permission_groups: Array<{ name: string }>;
  resources: Record<string, string>;
}> {
  const dns = {
    effect: 'allow' as const,
    permission_groups: [{ name: 'DNS Write' }],
    resources: { [`com.cloudflare.api.account.zone.${ZONE}`]: '*' }
  };
  if (!self) return [dns];
  const manage =
    owner === 'user'
      ? {
          effect: 'allow' as const,
          permission_groups: [{ name: 'API Tokens Write' }],
          resources: { [`com.cloudflare.api.user.${userId}`]: '*' }
        }
      : {
          effect: 'allow' as const,
          permission_groups: [{ name: 'Account API Tokens Write' }],
          resources: { [`com.cloudflare.api.account.${ACCOUNT}`]: '*' }
        };
  return [manage, dns];
}

/** api-token-policy for a first create: the same DNS Write grant (self-rotation never starts without a token). */
export const API_TOKEN_POLICY = dnsWritePolicy(ZONE);

/** The chaos world with a management token that may manage user tokens, or (account-owned) the account's. */
export function apiTokenFixture(manager: TokenOwnerKind): Fixture {
  return worldFixture([
    manager === 'user'
      ? {
          value: CF_TOKEN,
          name: 'chaos manager',
          permissions: ['user:api_tokens:write', 'account:api_tokens:write']
        }
      : {
          value: CF_TOKEN,
          name: 'chaos manager',
          owner: 'account',
          account: ACCOUNT,
          permissions: ['account:api_tokens:write']
        }
  ]);
}

/** Where the tokens of an owner live: the user's, or the account's. */
export function tokensBase(owner: TokenOwnerKind): string {
  return owner === 'user' ? '/user/tokens' : `/accounts/${ACCOUNT}/tokens`;
}

/** What one target holds right now, and whether Cloudflare accepts it. */
export interface ApiHolding {
  readonly value: string | undefined;
  /** The id of the live token with this value, if any. */
  readonly tokenId: string | undefined;
  readonly works: boolean;
}

export function apiHolding(emu: Emulator, target: TargetDef): ApiHolding {
  const value = emu.github.secretPlaintext({ ...target.scope, name: API_SECRET_NAME });
  const token = value === undefined ? undefined : emu.cloudflare.apiTokens().find((t) => t.value === value);
  return {
    value,
    tokenId: token?.id,
    works: value !== undefined && emu.cloudflare.apiTokenAuthenticates(value)
  };
}

export interface ApiTokenView {
  readonly id: string;
  readonly value: string;
  readonly status: string;
  readonly issuedOn: string;
  readonly modifiedOn: string;
  readonly expiresOn: string | undefined;
}

/** Every token named like the scenario's, of its owner (expired ones included: filter on status). */
export function namedApiTokens(emu: Emulator, owner: TokenOwnerKind): ApiTokenView[] {
  return emu.cloudflare
    .apiTokens()
    .filter(
      (token) =>
        token.name === API_TOKEN_NAME &&
        token.owner === owner &&
        (owner === 'user' || token.account === ACCOUNT)
    )
    .map((token) => ({
      id: token.id,
      value: token.value,
      status: token.status,
      issuedOn: token.issuedOn,
      modifiedOn: token.modifiedOn,
      expiresOn: token.expiresOn
    }));
}
