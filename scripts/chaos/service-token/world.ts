// The service token scenarios' part of the chaos world: the management token may manage Access service tokens,
// the token is named 'svc', and every target holds a client id and a client secret.

import type { Emulator } from '../../../emulator/server.ts';
import type { Fixture } from '../../../emulator/fixture.ts';
import type { ResponseProfile } from '../../../emulator/cloudflare/service-tokens.ts';
import { ACCOUNT, CF_TOKEN, ZONE, worldFixture, type TargetDef } from '../harness/world.ts';

export const TOKEN_NAME = 'svc';
export const CLIENT_ID_NAME = 'CF_ACCESS_CLIENT_ID';
export const CLIENT_SECRET_NAME = 'CF_ACCESS_CLIENT_SECRET';
/** The action's rotation record: a variable beside the first target. */
export const RECORD_NAME = `${CLIENT_SECRET_NAME}_ROTATION`;

export function fixture(profile: ResponseProfile): Fixture {
  const world = worldFixture([{ value: CF_TOKEN, permissions: ['access:service_tokens:write'] }]);
  return { ...world, cloudflare: { ...world.cloudflare, responseProfile: profile } };
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
