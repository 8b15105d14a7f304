// Puts an API token scenario's starting state in place: the tokens named 'deploy' (none, one, two after a
// killed replacement, or one rolled minutes ago) and what each target holds; returns every value it seeded.

import type { Emulator } from '../../../emulator/server.ts';
import { ACCOUNT, CF_TOKEN, DAY, iso } from '../harness/world.ts';
import type { ApiTargetStart, ApiTokenScenarioConfig } from './scenario.ts';
import { API_SECRET_NAME, API_TOKEN_NAME, deployPolicies, tokensBase } from './world.ts';

/** The values the targets may start with, besides a dead one. */
interface StartValues {
  current?: { value: string; since: number };
  older?: string;
  rolledAway?: string;
}

type SeedToken = (issuedOn: number, expiresOn: number) => { id: string; value: string };

/** A roll through the API, `ago` ms before now on the emulator's clock (modified_on moves with it). */
async function rollThroughApi(emu: Emulator, config: ApiTokenScenarioConfig, id: string, ago: number) {
  emu.clock.advance(-ago);
  const response = await fetch(`${emu.cloudflareApiUrl}${tokensBase(config.owner)}/${id}/value`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${CF_TOKEN}`, 'content-type': 'application/json' },
    body: '{}'
  });
  emu.clock.advance(ago);
  const body = (await response.json()) as { result?: unknown };
  if (typeof body.result !== 'string') throw new Error(`seeding a roll failed: ${JSON.stringify(body)}`);
  return body.result;
}

async function seedTokens(
  emu: Emulator,
  config: ApiTokenScenarioConfig,
  now: number,
  seed: SeedToken,
  seeded: string[]
): Promise<StartValues> {
  const longAgo = now - 100 * DAY;
  const recently = now - 10 * 60_000;
  switch (config.token) {
    case 'missing':
      return {};
    case 'fresh':
    case 'expiring':
    case 'expired': {
      const expires = { fresh: now + 200 * DAY, expiring: now + 10 * DAY, expired: now - DAY }[config.token];
      return { current: { value: seed(longAgo, expires).value, since: longAgo } };
    }
    case 'half-done': {
      const older = seed(longAgo, now + 200 * DAY).value;
      return { older, current: { value: seed(recently, now + 365 * DAY).value, since: recently } };
    }
    case 'orphan': {
      const current = { value: seed(longAgo, now + 200 * DAY).value, since: longAgo };
      seed(recently, now + 365 * DAY);
      return { current };
    }
    case 'half-rolled': {
      const token = seed(longAgo, now + 200 * DAY);
      const value = await rollThroughApi(emu, config, token.id, now - recently);
      seeded.push(value);
      return { rolledAway: token.value, current: { value, since: recently } };
    }
  }
}

function targetValue(start: ApiTargetStart, values: StartValues, dead: () => string): string | undefined {
  switch (start) {
    case 'missing':
      return undefined;
    case 'stale':
      return dead();
    case 'current':
      return values.current?.value ?? dead();
    case 'older':
      return values.older ?? dead();
    case 'rolled-away':
      return values.rolledAway ?? dead();
  }
}

/** Seeds the tokens named 'deploy' and the targets; returns every value it put anywhere. */
export async function seedWorld(emu: Emulator, config: ApiTokenScenarioConfig): Promise<string[]> {
  const seeded: string[] = [];
  const spec = {
    name: API_TOKEN_NAME,
    owner: config.owner,
    ...(config.owner === 'account' ? { account: ACCOUNT } : {}),
    policies: deployPolicies(config.owner, config.runAs === 'self', emu.cloudflare.userId)
  };
  const now = emu.clock.nowMs();
  const longAgo = now - 100 * DAY;
  const values = await seedTokens(
    emu,
    config,
    now,
    (issuedOn, expiresOn) => {
      const token = emu.cloudflare.seedApiToken({
        ...spec,
        issuedOn: iso(issuedOn),
        expiresOn: iso(expiresOn)
      });
      seeded.push(token.value);
      return token;
    },
    seeded
  );
  config.targets.forEach(({ def, start }, index) => {
    const placed = targetValue(start, values, () => {
      const value = `cfut_deleted${config.seed.toString(36)}x${index}${Math.random().toString(36).slice(2, 14)}`;
      seeded.push(value);
      return value;
    });
    if (placed === undefined) return;
    const writtenAt =
      start === 'current'
        ? (values.current?.since ?? longAgo) + 30_000
        : start === 'stale'
          ? longAgo - 20 * DAY
          : longAgo + 30_000;
    emu.github.seedSecret({ ...def.scope, name: API_SECRET_NAME, value: placed, updatedAt: iso(writtenAt) });
  });
  return seeded;
}
