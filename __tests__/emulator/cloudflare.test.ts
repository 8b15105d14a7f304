import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startEmulator } from '../../emulator/server.ts';
import type { Emulator } from '../../emulator/server.ts';
import { ACCOUNT, OTHER_ACCOUNT, ZONE, cloudflare, haveContracts, testFixture } from './support.ts';
import type { ServiceTokenJson } from './support.ts';

const HOUR = 3_600_000;
const tokensPath = `/accounts/${ACCOUNT}/access/service_tokens`;
const zoneTokensPath = `/zones/${ZONE}/access/service_tokens`;

let emu: Emulator;
let cf: ReturnType<typeof cloudflare>;

beforeEach(async () => {
  emu = await startEmulator({ fixture: testFixture(), contractCheck: true });
  cf = cloudflare(emu);
});

afterEach(async () => {
  // Every flow below stays inside the contract unless a test says otherwise (and resets the record).
  const violations = emu.contractViolations();
  await emu.close();
  expect(violations).toEqual([]);
});

interface Created extends ServiceTokenJson {
  client_secret: string;
}

async function create(
  name: string,
  extra: Record<string, unknown> = {},
  path = tokensPath
): Promise<Created> {
  const { status, body } = await cf('POST', path, { name, ...extra });
  expect(status).toBe(201);
  expect(typeof body.result.client_secret).toBe('string');
  return body.result as Created;
}

const ms = (time: string | undefined) => Date.parse(time ?? 'missing');

describe('Cloudflare envelope and token verify', () => {
  it('verifies the calling API token at user and account scope', async () => {
    const user = await cf<{ id: string; status: string }>('GET', '/user/tokens/verify');
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ success: true, errors: [], result: { status: 'active' } });
    expect(user.body.result.id).toMatch(/^[0-9a-f]{32}$/);
    const account = await cf<{ id: string }>('GET', `/accounts/${ACCOUNT}/tokens/verify`);
    expect(account.body.result.id).toBe(user.body.result.id);
  });

  it('answers verify with 401 "Invalid API Token" for unknown and disabled tokens', async () => {
    for (const token of ['nope', 'cf-disabled']) {
      const { status, body } = await cloudflare(emu, token)<null>('GET', '/user/tokens/verify');
      expect(status).toBe(401);
      expect(body).toEqual({
        success: false,
        errors: [{ code: 1000, message: 'Invalid API Token' }],
        messages: [],
        result: null
      });
    }
  });

  it('answers unknown routes with 404 code 7003', async () => {
    const { status, body } = await cf('GET', '/accounts/x/nothing-here');
    expect(status).toBe(404);
    expect(body.errors[0]?.code).toBe(7003);
    emu.resetContractViolations(); // the route is not in the contract, by design
  });
});

describe('service token lifecycle', () => {
  it('returns the client secret on create and never again', async () => {
    const created = await create('ci');
    expect(created.client_secret).toMatch(/^cfast_[0-9A-Za-z]{64}$/);
    expect(created.client_id).toMatch(/^[0-9a-f]{32}\.access$/);
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({
      name: 'ci',
      duration: '8760h',
      client_secret_version: 1,
      previous_client_secret_expires_at: null
    });
    expect(ms(created.expires_at) - ms(created.created_at)).toBe(8760 * HOUR);
    expect(created.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const fetched = await cf('GET', `${tokensPath}/${created.id}`);
    expect(fetched.body.result).not.toHaveProperty('client_secret');
    const listed = await cf<ServiceTokenJson[]>('GET', tokensPath);
    expect(listed.body.result[0]).not.toHaveProperty('client_secret');
    expect(emu.cloudflare.authenticates(created.client_id, created.client_secret)).toBe(true);
  });

  it('allows duplicate names, filters by exact name and paginates', async () => {
    for (const name of ['dup', 'dup', 'dup', 'other', 'dup-2']) await create(name);
    const byName = await cf<ServiceTokenJson[]>('GET', `${tokensPath}?name=dup`);
    expect(byName.body.result).toHaveLength(3);
    expect(byName.body.result_info).toEqual({
      page: 1,
      per_page: 20,
      count: 3,
      total_count: 3,
      total_pages: 1
    });

    const page2 = await cf<ServiceTokenJson[]>('GET', `${tokensPath}?per_page=2&page=2`);
    expect(page2.body.result).toHaveLength(2);
    expect(page2.body.result_info).toEqual({
      page: 2,
      per_page: 2,
      count: 2,
      total_count: 5,
      total_pages: 3
    });
    const page3 = await cf<ServiceTokenJson[]>('GET', `${tokensPath}?per_page=2&page=3`);
    expect(page3.body.result_info).toMatchObject({ count: 1 });

    const bad = await cf<ServiceTokenJson[]>('GET', `${tokensPath}?per_page=0`);
    expect(bad.status).toBe(400);
  });

  it('parses Go durations, supports forever, and refuses nonsense with 400', async () => {
    const short = await create('short', { duration: '2h45m' });
    expect(ms(short.expires_at) - ms(short.created_at)).toBe(2.75 * HOUR);
    const forever = await create('forever', { duration: 'forever' });
    expect(forever).not.toHaveProperty('expires_at');
    expect(forever.duration).toBe('forever');

    const bad = await cf('POST', tokensPath, { name: 'bad', duration: '1 year' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.code).toBe(1001);
    expect(bad.body.result).toBeNull();
  });

  it('rotates with a grace period: the old secret works until previous_client_secret_expires_at', async () => {
    const created = await create('graceful');
    const clientId = created.client_id;
    const oldSecret = created.client_secret;
    emu.clock.advance(60_000);
    const graceEnd = new Date(emu.clock.nowMs() + HOUR).toISOString();

    const { status, body } = await cf('POST', `${tokensPath}/${created.id}/rotate`, {
      previous_client_secret_expires_at: graceEnd
    });
    expect(status).toBe(200);
    const rotated = body.result;
    const newSecret = String(rotated.client_secret);
    expect(newSecret).toMatch(/^cfast_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.client_secret_version).toBe(2);
    expect(rotated.previous_client_secret_expires_at).toBe(graceEnd);
    expect(rotated.expires_at).toBe(created.expires_at);
    expect(Date.parse(rotated.updated_at)).toBeGreaterThan(Date.parse(created.updated_at));

    expect(emu.cloudflare.authenticates(clientId, oldSecret)).toBe(true);
    expect(emu.cloudflare.authenticates(clientId, oldSecret, new Date(Date.parse(graceEnd) - 1))).toBe(true);
    expect(emu.cloudflare.authenticates(clientId, oldSecret, new Date(graceEnd))).toBe(false);
    emu.clock.advance(HOUR - 60_000);
    expect(emu.cloudflare.authenticates(clientId, oldSecret)).toBe(true);
    emu.clock.advance(2 * 60_000);
    expect(emu.cloudflare.authenticates(clientId, oldSecret)).toBe(false);
    expect(emu.cloudflare.authenticates(clientId, newSecret)).toBe(true);
    expect(emu.cloudflare.tokens()[0]).toMatchObject({
      clientSecret: newSecret,
      previousClientSecret: oldSecret
    });
  });

  it('rotates without a grace period: the old secret stops at once', async () => {
    const created = await create('abrupt');
    const { body } = await cf('POST', `${tokensPath}/${created.id}/rotate`);
    const clientId = created.client_id;
    expect(emu.cloudflare.authenticates(clientId, created.client_secret)).toBe(false);
    expect(emu.cloudflare.authenticates(clientId, String(body.result.client_secret))).toBe(true);
  });

  it('rotates a zone token by bumping client_secret_version with PUT', async () => {
    const created = await create('zone-svc', {}, zoneTokensPath);
    const path = `${zoneTokensPath}/${created.id}`;
    const graceEnd = new Date(emu.clock.nowMs() + 10 * 60_000).toISOString();

    const bumped = await cf('PUT', path, {
      client_secret_version: 2,
      previous_client_secret_expires_at: graceEnd
    });
    expect(bumped.status).toBe(200);
    const newSecret = String(bumped.body.result.client_secret);
    expect(newSecret).toMatch(/^cfast_/);
    expect(bumped.body.result).toMatchObject({
      client_secret_version: 2,
      previous_client_secret_expires_at: graceEnd
    });
    const clientId = created.client_id;
    expect(emu.cloudflare.authenticates(clientId, created.client_secret)).toBe(true);
    expect(emu.cloudflare.authenticates(clientId, newSecret)).toBe(true);

    const same = await cf('PUT', path, { client_secret_version: 2 });
    expect(same.body.result).not.toHaveProperty('client_secret');
    expect(emu.cloudflare.authenticates(clientId, newSecret)).toBe(true);

    const skip = await cf('PUT', path, { client_secret_version: 4 });
    expect(skip.status).toBe(400);
    expect(skip.body.errors[0]?.message).toContain('client_secret_version');
  });

  it('lets PUT move previous_client_secret_expires_at: extend the grace, or revoke at once', async () => {
    const created = await create('grace-edit');
    const path = `${tokensPath}/${created.id}`;
    const clientId = created.client_id;
    const oldSecret = created.client_secret;
    await cf('POST', `${path}/rotate`, {
      previous_client_secret_expires_at: new Date(emu.clock.nowMs() + 60_000).toISOString()
    });

    await cf('PUT', path, {
      previous_client_secret_expires_at: new Date(emu.clock.nowMs() + 2 * HOUR).toISOString()
    });
    emu.clock.advance(HOUR);
    expect(emu.cloudflare.authenticates(clientId, oldSecret)).toBe(true);

    await cf('PUT', path, {
      previous_client_secret_expires_at: new Date(emu.clock.nowMs() - 1000).toISOString()
    });
    expect(emu.cloudflare.authenticates(clientId, oldSecret)).toBe(false);
  });

  it('resets expires_at from now when PUT changes the duration, and renames', async () => {
    const created = await create('renamed');
    emu.clock.advance(5 * HOUR);
    const { body } = await cf('PUT', `${tokensPath}/${created.id}`, { name: 'new-name', duration: '24h' });
    const result = body.result;
    expect(result.name).toBe('new-name');
    expect(ms(result.expires_at)).toBe(emu.clock.nowMs() + 24 * HOUR);
    expect(result.updated_at).toBe(new Date(emu.clock.nowMs()).toISOString());
  });

  it('refreshes: one more year from now, same secret, and an expired token works again', async () => {
    const created = await create('short-lived', { duration: '1h' });
    const clientId = created.client_id;
    const secret = created.client_secret;
    emu.clock.advance(2 * HOUR);
    expect(emu.cloudflare.authenticates(clientId, secret)).toBe(false);

    const { status, body } = await cf('POST', `${tokensPath}/${created.id}/refresh`);
    expect(status).toBe(200);
    expect(ms(body.result.expires_at)).toBe(emu.clock.nowMs() + 8760 * HOUR);
    expect(body.result.updated_at).toBe(new Date(emu.clock.nowMs()).toISOString());
    expect(body.result).not.toHaveProperty('client_secret');
    expect(emu.cloudflare.authenticates(clientId, secret)).toBe(true);
  });

  it('offers rotate and refresh at account scope only (zone → 404 no route)', async () => {
    const created = await create('zone-only', {}, zoneTokensPath);
    for (const action of ['rotate', 'refresh']) {
      const { status, body } = await cf('POST', `${zoneTokensPath}/${created.id}/${action}`);
      expect(status).toBe(404);
      expect(body.errors[0]?.code).toBe(7003);
    }
    if (haveContracts) {
      expect(emu.contractViolations().map((v) => v.messages[0])).toEqual(
        expect.arrayContaining([`no contract for POST ${zoneTokensPath}/${created.id}/rotate`])
      );
    }
    emu.resetContractViolations();
  });

  it('deletes, refuses to delete a token still in use (12139), and 404s unknown ids (12130)', async () => {
    const created = await create('doomed');
    const deleted = await cf('DELETE', `${tokensPath}/${created.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.result.id).toBe(created.id);
    const gone = await cf('GET', `${tokensPath}/${created.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0]?.code).toBe(12130);

    const { id } = emu.cloudflare.seedToken({ account: ACCOUNT, name: 'in-policy', inUse: true });
    const refused = await cf('DELETE', `${tokensPath}/${id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]?.code).toBe(12139);
  });

  it('keeps account and zone tokens apart', async () => {
    const created = await create('account-only');
    const viaZone = await cf('GET', `${zoneTokensPath}/${created.id}`);
    expect(viaZone.status).toBe(404);
  });
});

describe('permissions', () => {
  it('401 without a token or with an unknown one', async () => {
    for (const token of [null, 'nope']) {
      const { status, body } = await cloudflare(emu, token)('GET', tokensPath);
      expect(status).toBe(401);
      expect(body.errors).toEqual([{ code: 10000, message: 'Authentication error' }]);
    }
  });

  it('403 for writes with a read-only token, which can still list', async () => {
    const read = cloudflare(emu, 'cf-read');
    expect((await read('GET', tokensPath)).status).toBe(200);
    const { status, body } = await read('POST', tokensPath, { name: 'x' });
    expect(status).toBe(403);
    expect(body.errors[0]?.code).toBe(10000);
  });

  it('403 outside the accounts a token is limited to; 404 for an unknown account', async () => {
    const limited = cloudflare(emu, 'cf-other-account');
    expect((await limited('GET', tokensPath)).status).toBe(403);
    expect((await limited('GET', `/accounts/${OTHER_ACCOUNT}/access/service_tokens`)).status).toBe(200);
    const unknown = await cf('GET', `/accounts/${'f'.repeat(32)}/access/service_tokens`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0]?.code).toBe(7003);
  });
});

describe('seeding and the protected Access app', () => {
  it('seeds tokens with chosen state and exposes them with their secrets', async () => {
    const seeded = emu.cloudflare.seedToken({
      account: ACCOUNT,
      name: 'seeded',
      createdAt: '2025-01-01T00:00:00.000Z',
      duration: '720h',
      clientSecretVersion: 3
    });
    const snapshot = emu.cloudflare.token(seeded.id);
    expect(snapshot).toMatchObject({
      name: 'seeded',
      account: ACCOUNT,
      clientSecret: seeded.clientSecret,
      clientSecretVersion: 3,
      expiresAt: '2025-01-31T00:00:00.000Z'
    });
    const { body } = await cf('GET', `${tokensPath}/${seeded.id}`);
    expect(body.result).toMatchObject({
      client_secret_version: 3,
      expires_at: '2025-01-31T00:00:00.000Z'
    });
  });

  it('redirects without credentials, 403s wrong ones, admits right ones and records last_seen_at', async () => {
    const { id, clientId, clientSecret } = emu.cloudflare.seedToken({ account: ACCOUNT, name: 'app' });
    const visit = (headers: Record<string, string>) =>
      fetch(emu.accessAppUrl, { headers, redirect: 'manual' });

    const anonymous = await visit({});
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toContain('/access/login');
    expect(
      (await visit({ 'CF-Access-Client-Id': clientId, 'CF-Access-Client-Secret': 'wrong' })).status
    ).toBe(403);

    const admitted = await visit({
      'CF-Access-Client-Id': clientId,
      'CF-Access-Client-Secret': clientSecret
    });
    expect(admitted.status).toBe(200);
    expect(await admitted.json()).toEqual({ ok: true });
    expect(emu.cloudflare.token(id)?.lastSeenAt).toBe(emu.clock.now().toISOString());
  });
});
