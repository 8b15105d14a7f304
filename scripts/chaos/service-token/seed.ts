// Puts a service token scenario's starting state in place: the token 'svc' (missing, fresh, expiring, expired or
// mid-rotation) and what each target holds; returns every secret it seeded, for invariant 4.

import type { Emulator } from '../../../emulator/server.ts';
import { ACCOUNT, DAY, ZONE, iso } from '../harness/world.ts';
import type { ScenarioConfig, TargetStart } from './scenario.ts';
import { serializeRecord } from '../../../src/credentials/service-token/rotation-record.ts';
import { CLIENT_ID_NAME, CLIENT_SECRET_NAME, RECORD_NAME, TOKEN_NAME } from './world.ts';

interface SeededToken {
  readonly id: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly previous: string;
  readonly rotatedAt: number;
}

const randomSecret = (tag: string, seed: number, index: number): string =>
  `seeded-${tag}-${seed.toString(36)}-${index}-${Math.random().toString(36).slice(2, 14)}`;

/** When the token was last rotated, when it expires, and until when its previous secret works. */
function tokenTimes(now: number, start: Exclude<ScenarioConfig['token'], 'missing'>) {
  return {
    fresh: { rotated: now - 5 * DAY, expires: now + 200 * DAY, previousUntil: now - 5 * DAY + 3_600_000 },
    expiring: { rotated: now - 40 * DAY, expires: now + 10 * DAY, previousUntil: now - 40 * DAY + 3_600_000 },
    expired: { rotated: now - 60 * DAY, expires: now - DAY, previousUntil: now - 60 * DAY + 3_600_000 },
    'in-grace': { rotated: now - 10 * 60_000, expires: now + 200 * DAY, previousUntil: now + 50 * 60_000 }
  }[start];
}

function seedToken(
  emu: Emulator,
  config: ScenarioConfig,
  now: number,
  seeded: string[]
): SeededToken | undefined {
  if (config.token === 'missing') return undefined;
  const previous = randomSecret('previous', config.seed, 0);
  const times = tokenTimes(now, config.token);
  const issued = emu.cloudflare.seedToken({
    ...(config.zoneScope ? { zone: ZONE } : { account: ACCOUNT }),
    name: TOKEN_NAME,
    duration: '8760h',
    createdAt: iso(now - 300 * DAY),
    updatedAt: iso(times.rotated),
    expiresAt: iso(times.expires),
    clientSecretVersion: 3,
    previousClientSecret: previous,
    previousClientSecretExpiresAt: iso(times.previousUntil)
  });
  seeded.push(issued.clientSecret, previous);
  return {
    id: issued.id,
    clientId: issued.clientId,
    clientSecret: issued.clientSecret,
    previous,
    rotatedAt: times.rotated
  };
}

function targetValues(
  start: TargetStart,
  token: SeededToken | undefined,
  fresh: () => string
): { clientId?: string; clientSecret?: string } {
  switch (start) {
    case 'missing':
      return {};
    case 'leftover':
      return { clientId: `deleted-${fresh()}.access`, clientSecret: fresh() };
    case 'id-only':
      return { clientId: token?.clientId };
    case 'current':
      return { clientId: token?.clientId, clientSecret: token?.clientSecret };
    case 'previous':
      return { clientId: token?.clientId, clientSecret: token?.previous };
    case 'stale':
      return { clientId: token?.clientId, clientSecret: fresh() };
  }
}

/** The record the earlier run that left this state behind would have written beside the first target. */
function seedRecord(
  emu: Emulator,
  config: ScenarioConfig,
  token: SeededToken | undefined,
  now: number
): void {
  const first = config.targets[0]?.def.scope;
  if (!token || config.record === 'missing' || !first) return;
  const times = tokenTimes(now, config.token as Exclude<ScenarioConfig['token'], 'missing'>);
  const value = serializeRecord({
    tokenId: token.id,
    tokenName: TOKEN_NAME,
    scope: config.zoneScope ? `zone ${ZONE}` : `account ${ACCOUNT}`,
    state: config.token === 'in-grace' ? 'distributing' : 'complete',
    issuedAt: new Date(times.rotated),
    clientIdSince: new Date(now - 300 * DAY),
    rotations: 2,
    clientSecretVersion: 3,
    previousValidUntil: new Date(times.previousUntil)
  });
  emu.github.seedVariable({ kind: 'repo', owner: first.owner, repo: first.repo, name: RECORD_NAME, value });
}

/** Puts the scenario's starting state in place; returns every secret it seeded. */
export function seedWorld(emu: Emulator, config: ScenarioConfig): string[] {
  const now = emu.clock.nowMs();
  const seeded: string[] = [];
  const token = seedToken(emu, config, now, seeded);
  seedRecord(emu, config, token, now);
  const rotatedAt = token?.rotatedAt ?? now - 5 * DAY;
  config.targets.forEach(({ def, start }, index) => {
    const values = targetValues(start, token, () => {
      const secret = randomSecret(start, config.seed, index);
      seeded.push(secret);
      return secret;
    });
    const updatedAt = iso(start === 'current' ? rotatedAt + 30_000 : rotatedAt - 20 * DAY);
    if (values.clientId !== undefined) {
      const clientId = { ...def.scope, name: CLIENT_ID_NAME, value: values.clientId, updatedAt };
      if (config.clientIdAsVariable) emu.github.seedVariable(clientId);
      else emu.github.seedSecret(clientId);
    }
    if (values.clientSecret !== undefined)
      emu.github.seedSecret({
        ...def.scope,
        name: CLIENT_SECRET_NAME,
        value: values.clientSecret,
        updatedAt
      });
  });
  return seeded;
}
