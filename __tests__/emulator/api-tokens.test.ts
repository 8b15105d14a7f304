// Cloudflare API tokens in the emulator: /user/tokens and /accounts/{id}/tokens through plain fetch, in
// contract-check mode, plus the in-process helpers (emu.cloudflare.apiTokens/seedApiToken/apiTokenAuthenticates).

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Cloudflare from 'cloudflare';
import { startEmulator } from '../../emulator/server.ts';
import type { Emulator } from '../../emulator/server.ts';
import type { Fixture } from '../../emulator/fixture.ts';
import { ACCOUNT, OTHER_ACCOUNT, START, ZONE, cloudflare } from './support.ts';

/** Real Cloudflare permission group ids (GET /user/tokens/permission_groups). */
const GROUP = {
  apiTokensRead: '0cc3a61731504c89b99ec1be78b77aa0',
  apiTokensWrite: '686d18d5ac6c441c867cbf6771e58a0a',
  accountApiTokensWrite: '5bc3f8b21c554832afc660159ab75fa4',
  serviceTokensRead: '91f7ce32fa614d73b7e1fc8f0e78582b',
  serviceTokensWrite: 'a1c0fec57cf94af79479a6d827fa518c',
  dnsWrite: '4755a26eedb94da69e1066d98aa820be',
  zoneRead: 'c8fed203ed3043cba015a93ad1616f1f'
};
const USER_ID = '5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a';
const DAY = 86_400_000;
const onAccount = (id = ACCOUNT) => ({ [`com.cloudflare.api.account.${id}`]: '*' });
const onUser = { [`com.cloudflare.api.user.${USER_ID}`]: '*' };
// The contract marks a policy's id as required even in requests; the emulator assigns its own on create.
const PLACEHOLDER_POLICY_ID = 'f267e341f3dd4697bd3b9f71dd96247f';
const user = '/user/tokens';
const account = `/accounts/${ACCOUNT}/tokens`;
const serviceTokens = (scope: string) => `${scope}/access/service_tokens`;

interface PolicyJson {
  id: string;
  effect: 'allow' | 'deny';
  permission_groups: Array<{ id: string; name?: string }>;
  resources: Record<string, unknown>;
}

interface TokenJson {
  id: string;
  name: string;
  status: 'active' | 'disabled' | 'expired';
  issued_on: string;
  modified_on: string;
  last_used_on?: string;
  not_before?: string;
  expires_on?: string;
  policies: PolicyJson[];
  condition?: Record<string, { in?: string[]; not_in?: string[] }>;
  value?: string;
}

function policy(groups: string[], resources: Record<string, unknown>, effect: 'allow' | 'deny' = 'allow') {
  return { id: PLACEHOLDER_POLICY_ID, effect, permission_groups: groups.map((id) => ({ id })), resources };
}

function fixture(): Fixture {
  return {
    startAt: START,
    frozenClock: true,
    cloudflare: {
      accounts: [ACCOUNT, OTHER_ACCOUNT],
      zones: [ZONE],
      userId: USER_ID,
      apiTokens: [
        {
          value: 'cf-admin',
          name: 'admin',
          permissions: ['user:api_tokens:write', 'account:api_tokens:write']
        },
        { value: 'cf-token-reader', permissions: ['user:api_tokens:read'] },
        { value: 'cf-write', permissions: ['access:service_tokens:write'] },
        { value: 'cf-disabled', permissions: ['user:api_tokens:write'], status: 'disabled' },
        {
          value: 'cf-account-admin',
          name: 'account admin',
          owner: 'account',
          account: ACCOUNT,
          policies: [
            {
              effect: 'allow',
              permission_groups: [{ name: 'Account API Tokens Write' }],
              resources: onAccount()
            }
          ]
        }
      ]
    }
  };
}

let emu: Emulator;
let admin: ReturnType<typeof cloudflare>;

beforeEach(async () => {
  emu = await startEmulator({ fixture: fixture(), contractCheck: true });
  admin = cloudflare(emu, 'cf-admin');
});

afterEach(async () => {
  // Every flow below stays inside the contract unless a test says otherwise (and resets the record).
  const violations = emu.contractViolations();
  await emu.close();
  expect(violations).toEqual([]);
});

async function create(
  body: Record<string, unknown>,
  path = user,
  as = admin
): Promise<TokenJson & { value: string }> {
  const { status, body: reply } = await as<TokenJson>('POST', path, body);
  expect(reply.errors).toEqual([]);
  expect(status).toBe(200);
  return reply.result as TokenJson & { value: string };
}

const serviceTokenWriter = (name = 'service tokens') =>
  create({ name, policies: [policy([GROUP.serviceTokensWrite], onAccount())] });

describe('create, get and list', () => {
  it('returns the value once, on create; gets, lists and verify never show it', async () => {
    const created = await create({
      name: 'ci deploy',
      policies: [policy([GROUP.serviceTokensWrite, GROUP.zoneRead], onAccount())],
      expires_on: '2026-06-01T00:00:00Z',
      not_before: '2026-01-01T00:00:00Z'
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: 'ci deploy',
      status: 'active',
      issued_on: '2026-01-01T00:00:00Z',
      modified_on: '2026-01-01T00:00:00Z',
      not_before: '2026-01-01T00:00:00Z',
      expires_on: '2026-06-01T00:00:00Z',
      policies: [
        {
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
          effect: 'allow',
          permission_groups: [
            { id: GROUP.serviceTokensWrite, name: 'Access: Service Tokens Write' },
            { id: GROUP.zoneRead, name: 'Zone Read' }
          ],
          resources: onAccount()
        }
      ],
      value: expect.stringMatching(/^cfut_[0-9A-Za-z]{43}$/)
    });
    expect(created.policies[0]?.id).not.toBe(PLACEHOLDER_POLICY_ID);

    const got = await admin<TokenJson>('GET', `${user}/${created.id}`);
    expect(got.status).toBe(200);
    const { value, ...withoutValue } = created;
    expect(value.length).toBeLessThanOrEqual(80);
    expect(got.body.result).toEqual(withoutValue);
    const listed = await admin<TokenJson[]>('GET', user);
    expect(listed.body.result.find((t) => t.id === created.id)).toEqual(withoutValue);
    expect(listed.body.result.every((t) => t.value === undefined)).toBe(true);

    const verify = await cloudflare(emu, created.value)<Record<string, unknown>>('GET', `${user}/verify`);
    expect(verify.body.result).toEqual({
      id: created.id,
      status: 'active',
      expires_on: '2026-06-01T00:00:00Z',
      not_before: '2026-01-01T00:00:00Z'
    });
    expect(verify.body.messages).toEqual([{ code: 10000, message: 'This API Token is valid and active' }]);

    expect(emu.cloudflare.apiToken(created.id)).toMatchObject({
      name: 'ci deploy',
      owner: 'user',
      status: 'active',
      value: created.value,
      expiresOn: '2026-06-01T00:00:00Z',
      lastUsedOn: '2026-01-01T00:00:00Z'
    });
    expect(emu.cloudflare.apiTokenAuthenticates(created.value)).toBe(true);
  });

  it('creates account-owned tokens (cfat_) that verify only at their account', async () => {
    const created = await create(
      { name: 'account owned', policies: [policy([GROUP.serviceTokensRead], onAccount())] },
      account
    );
    expect(created.value).toMatch(/^cfat_[0-9A-Za-z]{43}$/);
    expect(created.value.length).toBeGreaterThanOrEqual(40);
    expect(emu.cloudflare.apiToken(created.id)).toMatchObject({ owner: 'account', account: ACCOUNT });

    const accountList = await admin<TokenJson[]>('GET', account);
    expect(accountList.body.result.map((t) => t.name)).toEqual(['account admin', 'account owned']);
    const userList = await admin<TokenJson[]>('GET', user);
    expect(userList.body.result.map((t) => t.id)).not.toContain(created.id);
    expect((await admin('GET', `${user}/${created.id}`)).status).toBe(404);
    expect((await admin('GET', `/accounts/${OTHER_ACCOUNT}/tokens/${created.id}`)).status).toBe(404);

    const own = cloudflare(emu, created.value);
    expect((await own<{ id: string }>('GET', `${account}/verify`)).body.result.id).toBe(created.id);
    const atUser = await own('GET', `${user}/verify`);
    expect(atUser.status).toBe(401);
    expect(atUser.body.errors).toEqual([{ code: 1000, message: 'Invalid API Token' }]);
    expect((await own('GET', `/accounts/${OTHER_ACCOUNT}/tokens/verify`)).status).toBe(401);
  });

  it('pages through the list with page/per_page and result_info, in either direction', async () => {
    const fixtureUserTokens = emu.cloudflare.apiTokens().filter((t) => t.owner === 'user').length;
    for (let i = 1; i <= 7; i += 1) {
      emu.clock.advance(1000);
      await create({ name: `t${i}`, policies: [policy([GROUP.zoneRead], onAccount())] });
    }
    const total = fixtureUserTokens + 7;
    const first = await admin<TokenJson[]>('GET', `${user}?page=1&per_page=5`);
    expect(first.body.result).toHaveLength(5);
    expect(first.body.result_info).toEqual({
      page: 1,
      per_page: 5,
      count: 5,
      total_count: total,
      total_pages: Math.ceil(total / 5)
    });
    const seen: string[] = [];
    for (let page = 1; page <= Math.ceil(total / 5); page += 1) {
      const { body } = await admin<TokenJson[]>('GET', `${user}?page=${page}&per_page=5`);
      seen.push(...body.result.map((t) => t.name));
    }
    expect(seen).toHaveLength(total);
    expect(seen.slice(-7)).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7']);
    const beyond = await admin<TokenJson[]>('GET', `${user}?page=9&per_page=5`);
    expect(beyond.status).toBe(200);
    expect(beyond.body.result).toEqual([]);
    const desc = await admin<TokenJson[]>('GET', `${user}?direction=desc&per_page=5`);
    expect(desc.body.result.map((t) => t.name)).toEqual(['t7', 't6', 't5', 't4', 't3']);

    const tooSmall = await admin('GET', `${user}?per_page=2`);
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body.errors[0]?.code).toBe(1001);
    if (emu.contractCheck === 'active') {
      expect(emu.contractViolations().map((v) => v.messages)).toEqual([
        [`GET ${user}: query parameter /per_page must be >= 5`]
      ]);
    }
    emu.resetContractViolations();
  });
});

describe('using created tokens', () => {
  it('derives permissions from the policies: group, resource, read vs write, deny', async () => {
    const writer = cloudflare(emu, (await serviceTokenWriter()).value);
    expect((await writer('POST', serviceTokens(`/accounts/${ACCOUNT}`), { name: 'svc' })).status).toBe(201);
    const elsewhere = await writer('POST', serviceTokens(`/accounts/${OTHER_ACCOUNT}`), { name: 'svc' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.errors).toEqual([{ code: 10000, message: 'Authentication error' }]);
    // No token permissions, so it cannot manage API tokens.
    expect((await writer('GET', user)).status).toBe(403);

    const reader = cloudflare(
      emu,
      (await create({ name: 'reader', policies: [policy([GROUP.serviceTokensRead], onAccount())] })).value
    );
    expect((await reader('GET', serviceTokens(`/accounts/${ACCOUNT}`))).status).toBe(200);
    expect((await reader('POST', serviceTokens(`/accounts/${ACCOUNT}`), { name: 'x' })).status).toBe(403);

    const zoneOnly = cloudflare(
      emu,
      (
        await create({
          name: 'zone only',
          policies: [
            policy([GROUP.serviceTokensWrite], {
              [`com.cloudflare.api.account.${ACCOUNT}`]: { [`com.cloudflare.api.account.zone.${ZONE}`]: '*' }
            })
          ]
        })
      ).value
    );
    expect((await zoneOnly('POST', serviceTokens(`/zones/${ZONE}`), { name: 'z' })).status).toBe(201);
    expect((await zoneOnly('GET', serviceTokens(`/accounts/${ACCOUNT}`))).status).toBe(403);

    const denied = cloudflare(
      emu,
      (
        await create({
          name: 'all but one account',
          policies: [
            policy([GROUP.serviceTokensWrite], { 'com.cloudflare.api.account.*': '*' }),
            policy([GROUP.serviceTokensWrite], onAccount(OTHER_ACCOUNT), 'deny')
          ]
        })
      ).value
    );
    expect((await denied('GET', serviceTokens(`/accounts/${ACCOUNT}`))).status).toBe(200);
    expect((await denied('GET', serviceTokens(`/accounts/${OTHER_ACCOUNT}`))).status).toBe(403);
  });

  it('lets a token with API Tokens Write create further tokens', async () => {
    const manager = await create({
      name: 'manager',
      policies: [policy([GROUP.apiTokensWrite], onUser), policy([GROUP.accountApiTokensWrite], onAccount())]
    });
    const asManager = cloudflare(emu, manager.value);
    const child = await create(
      { name: 'child', policies: [policy([GROUP.dnsWrite], onAccount())] },
      user,
      asManager
    );
    expect(child.value).toMatch(/^cfut_/);
    await create(
      { name: 'account child', policies: [policy([GROUP.zoneRead], onAccount())] },
      account,
      asManager
    );
    const otherAccount = await asManager('POST', `/accounts/${OTHER_ACCOUNT}/tokens`, {
      name: 'nope',
      policies: [policy([GROUP.zoneRead], onAccount(OTHER_ACCOUNT))]
    });
    expect(otherAccount.status).toBe(403);
  });

  it('needs API Tokens Read to list and Write to change; account tokens stay in their account', async () => {
    const reader = cloudflare(emu, 'cf-token-reader');
    expect((await reader('GET', user)).status).toBe(200);
    const refused = await reader('POST', user, {
      name: 'x',
      policies: [policy([GROUP.zoneRead], onAccount())]
    });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]?.code).toBe(10000);
    expect((await reader('GET', account)).status).toBe(403);

    const accountAdmin = cloudflare(emu, 'cf-account-admin');
    expect((await accountAdmin('GET', account)).status).toBe(200);
    expect((await accountAdmin('GET', user)).status).toBe(403);
    expect((await accountAdmin('GET', `/accounts/${OTHER_ACCOUNT}/tokens`)).status).toBe(403);
    const created = await create(
      { name: 'made by account admin', policies: [policy([GROUP.serviceTokensWrite], onAccount())] },
      account,
      accountAdmin
    );
    expect(created.value).toMatch(/^cfat_/);

    expect((await cloudflare(emu, 'nope')('GET', user)).status).toBe(401);
    expect((await cloudflare(emu, null)('GET', user)).status).toBe(401);
  });
});

describe('roll, update and delete', () => {
  it('rolls the value: the old one stops at once, the answer carries the new one', async () => {
    const created = await serviceTokenWriter();
    emu.clock.advance(60_000);
    const rolled = await admin<string>('PUT', `${user}/${created.id}/value`, {});
    expect(rolled.status).toBe(200);
    expect(rolled.body.result).toMatch(/^cfut_[0-9A-Za-z]{43}$/);
    expect(rolled.body.result).not.toBe(created.value);

    expect(emu.cloudflare.apiTokenAuthenticates(created.value)).toBe(false);
    const old = await cloudflare(emu, created.value)('GET', serviceTokens(`/accounts/${ACCOUNT}`));
    expect(old.status).toBe(401);
    const fresh = await cloudflare(emu, rolled.body.result)('GET', serviceTokens(`/accounts/${ACCOUNT}`));
    expect(fresh.status).toBe(200);
    const got = await admin<TokenJson>('GET', `${user}/${created.id}`);
    expect(got.body.result).toMatchObject({
      issued_on: '2026-01-01T00:00:00Z',
      modified_on: '2026-01-01T00:01:00Z'
    });
    expect(got.body.result.policies).toEqual(created.policies);
    expect(emu.cloudflare.apiToken(created.id)?.value).toBe(rolled.body.result);
  });

  it('lets a token roll and delete itself without API token permissions', async () => {
    const created = await serviceTokenWriter('self managed');
    const self = cloudflare(emu, created.value);
    const rolled = await self<string>('PUT', `${user}/${created.id}/value`, {});
    expect(rolled.status).toBe(200);
    const again = cloudflare(emu, rolled.body.result);
    // Not another token, though.
    const other = await serviceTokenWriter('other');
    expect((await again('DELETE', `${user}/${other.id}`, {})).status).toBe(403);
    const deleted = await again<{ id: string }>('DELETE', `${user}/${created.id}`, {});
    expect(deleted.status).toBe(200);
    expect(deleted.body.result).toEqual({ id: created.id });
    expect(emu.cloudflare.apiTokenAuthenticates(rolled.body.result)).toBe(false);
  });

  it('deletes: the value stops working and the token is gone', async () => {
    const created = await serviceTokenWriter();
    const deleted = await admin<{ id: string }>('DELETE', `${user}/${created.id}`, {});
    expect(deleted.body.result).toEqual({ id: created.id });
    expect((await cloudflare(emu, created.value)('GET', `${user}/verify`)).status).toBe(401);
    const gone = await admin('GET', `${user}/${created.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0]?.code).toBe(7003);
    expect((await admin('DELETE', `${user}/${created.id}`, {})).status).toBe(404);
    expect(emu.cloudflare.apiToken(created.id)).toBeUndefined();
  });

  it('updates name, status, policies and condition as a replacement', async () => {
    const created = await create({
      name: 'before',
      policies: [policy([GROUP.serviceTokensRead], onAccount())],
      expires_on: '2026-03-01T00:00:00Z'
    });
    const path = `${user}/${created.id}`;
    emu.clock.advance(5000);
    const disabled = await admin<TokenJson>('PUT', path, {
      id: created.id,
      name: 'after',
      status: 'disabled',
      policies: [{ ...created.policies[0], permission_groups: [{ id: GROUP.serviceTokensWrite }] }],
      condition: { 'request.ip': { in: ['127.0.0.0/8', '2001:db8::/32'], not_in: ['127.0.0.2/32'] } }
    });
    expect(disabled.status).toBe(200);
    const expected = {
      id: created.id,
      name: 'after',
      status: 'disabled',
      issued_on: '2026-01-01T00:00:00Z',
      modified_on: '2026-01-01T00:00:05Z',
      // A replacement: expires_on was not sent, so it is gone.
      policies: [
        {
          id: created.policies[0]?.id, // sent back, so kept
          effect: 'allow',
          permission_groups: [{ id: GROUP.serviceTokensWrite, name: 'Access: Service Tokens Write' }],
          resources: onAccount()
        }
      ],
      condition: { 'request.ip': { in: ['127.0.0.0/8', '2001:db8::/32'], not_in: ['127.0.0.2/32'] } }
    };
    expect(disabled.body.result).toEqual(expected);
    expect((await admin<TokenJson>('GET', path)).body.result).toEqual(expected);

    const token = cloudflare(emu, created.value);
    expect((await token('GET', serviceTokens(`/accounts/${ACCOUNT}`))).status).toBe(401);
    expect((await token('GET', `${user}/verify`)).status).toBe(401);

    const { modified_on: modifiedOn, ...rest } = expected;
    expect(modifiedOn).toBe('2026-01-01T00:00:05Z');
    const active = await admin<TokenJson>('PUT', path, { ...rest, status: 'active' });
    expect(active.body.result.status).toBe('active');
    expect(
      (await token('POST', serviceTokens(`/accounts/${ACCOUNT}`), { name: 'now writable' })).status
    ).toBe(201);

    const wrongId = await admin('PUT', path, { ...rest, id: '0'.repeat(32) });
    expect(wrongId.status).toBe(400);
  });
});

describe('refused tokens', () => {
  it('refuses disabled, expired and not-yet-valid tokens with 401', async () => {
    expect((await cloudflare(emu, 'cf-disabled')('GET', user)).status).toBe(401);
    expect(emu.cloudflare.apiTokenAuthenticates('cf-disabled')).toBe(false);

    const expiring = await create({
      name: 'expiring',
      policies: [policy([GROUP.serviceTokensRead], onAccount())],
      expires_on: '2026-01-02T00:00:00Z'
    });
    const later = await create({
      name: 'later',
      policies: [policy([GROUP.serviceTokensRead], onAccount())],
      not_before: '2026-01-01T12:00:00Z'
    });
    const list = serviceTokens(`/accounts/${ACCOUNT}`);
    expect((await cloudflare(emu, expiring.value)('GET', list)).status).toBe(200);
    const early = await cloudflare(emu, later.value)('GET', list);
    expect(early.status).toBe(401);
    expect(early.body.errors).toEqual([{ code: 10000, message: 'Authentication error' }]);
    expect((await cloudflare(emu, later.value)('GET', `${user}/verify`)).status).toBe(401);

    emu.clock.advance(DAY);
    expect((await cloudflare(emu, later.value)('GET', list)).status).toBe(200);
    expect((await cloudflare(emu, expiring.value)('GET', list)).status).toBe(401);
    const verify = await cloudflare(emu, expiring.value)('GET', `${user}/verify`);
    expect(verify.body.errors).toEqual([{ code: 1000, message: 'Invalid API Token' }]);
    expect((await admin<TokenJson>('GET', `${user}/${expiring.id}`)).body.result.status).toBe('expired');
    expect(emu.cloudflare.apiToken(expiring.id)?.status).toBe('expired');

    const names = async (query: string) =>
      (await admin<TokenJson[]>('GET', `${user}${query}`)).body.result.map((t) => t.name);
    expect(await names('')).not.toContain('expiring');
    expect(await names('?include_expired=true')).toContain('expiring');
  });

  it('applies condition.request.ip to the caller, 127.0.0.1', async () => {
    const restricted = async (name: string, condition: Record<string, unknown>) =>
      (
        await create({
          name,
          policies: [policy([GROUP.serviceTokensRead], onAccount())],
          condition
        })
      ).value;
    const list = serviceTokens(`/accounts/${ACCOUNT}`);

    const elsewhere = await restricted('office only', { 'request.ip': { in: ['203.0.113.0/24'] } });
    const refused = await cloudflare(emu, elsewhere)('GET', list);
    expect(refused.status).toBe(403);
    expect(refused.body.errors).toEqual([
      { code: 9109, message: 'Cannot use the access token from location: 127.0.0.1' }
    ]);
    expect((await cloudflare(emu, elsewhere)('GET', `${user}/verify`)).status).toBe(403);
    expect(emu.cloudflare.apiTokenAuthenticates(elsewhere)).toBe(false);

    const local = await restricted('loopback', { 'request.ip': { in: ['127.0.0.0/8', '::1/128'] } });
    expect((await cloudflare(emu, local)('GET', list)).status).toBe(200);
    const excluded = await restricted('not here', { 'request.ip': { not_in: ['127.0.0.1/32'] } });
    expect((await cloudflare(emu, excluded)('GET', list)).status).toBe(403);
    // The SDK's spelling of the same condition.
    const sdkSpelling = await restricted('sdk spelling', { request_ip: { in: ['198.51.100.7'] } });
    expect((await cloudflare(emu, sdkSpelling)('GET', list)).status).toBe(403);
  });
});

describe('validation', () => {
  it('answers 400 code 1001 for bad policies, resources and conditions, and creates nothing', async () => {
    const before = emu.cloudflare.apiTokens().length;
    const attempt = async (body: Record<string, unknown>, path = user) => {
      const { status, body: reply } = await admin<null>('POST', path, body);
      expect(status).toBe(400);
      expect(reply.success).toBe(false);
      expect(reply.errors[0]?.code).toBe(1001);
      return reply.errors[0]?.message;
    };
    const name = 'invalid';
    expect(
      await attempt({ name, policies: [policy(['00000000000000000000000000000000'], onAccount())] })
    ).toBe('Invalid permission group id: 00000000000000000000000000000000');
    expect(await attempt({ name, policies: [] })).toMatch(/policies must be a non-empty array/);
    expect(await attempt({ name, policies: [policy([GROUP.zoneRead], onAccount('f'.repeat(32)))] })).toMatch(
      /unknown account/
    );
    expect(
      await attempt({ name, policies: [policy([GROUP.zoneRead], { 'com.example.thing': '*' })] })
    ).toMatch(/unsupported resource/);
    expect(await attempt({ name, policies: [policy([GROUP.apiTokensWrite], onAccount())] }, account)).toMatch(
      /account-owned tokens cannot hold the user permission "API Tokens Write"/
    );
    expect(
      await attempt({ name, policies: [policy([GROUP.zoneRead], onAccount(OTHER_ACCOUNT))] }, account)
    ).toMatch(/only grant on its own account/);
    expect(
      await attempt({
        name,
        policies: [policy([GROUP.zoneRead], onAccount())],
        condition: { 'request.ip': { in: ['10.0.0.0/33'] } }
      })
    ).toMatch(/CIDR/);
    expect(
      await attempt({
        name,
        policies: [policy([GROUP.zoneRead], onAccount())],
        not_before: '2026-02-01T00:00:00Z',
        expires_on: '2026-01-15T00:00:00Z'
      })
    ).toMatch(/expires_on must be later than not_before/);
    expect(await attempt({ name: '', policies: [policy([GROUP.zoneRead], onAccount())] })).toMatch(/name/);
    expect(emu.cloudflare.apiTokens()).toHaveLength(before);
  });
});

describe('permission groups', () => {
  it('lists realistic groups with stable ids, filtered by name and scope', async () => {
    const all = await admin<Array<{ id: string; name: string; scopes: string[] }>>(
      'GET',
      `${user}/permission_groups`
    );
    expect(all.status).toBe(200);
    const byName = new Map(all.body.result.map((g) => [`${g.name} ${g.scopes.join()}`, g.id]));
    expect(byName.get('DNS Write com.cloudflare.api.account.zone')).toBe(GROUP.dnsWrite);
    expect(byName.get('DNS Read com.cloudflare.api.account.zone')).toBe('82e64a83756745bbbb1c9c2701bf816b');
    expect(byName.get('Zone Read com.cloudflare.api.account.zone')).toBe(GROUP.zoneRead);
    expect(byName.get('Access: Service Tokens Write com.cloudflare.api.account')).toBe(
      GROUP.serviceTokensWrite
    );
    expect(byName.get('Account Settings Read com.cloudflare.api.account')).toBe(
      'c1fde68c7bcc44588cbb6ddbc16d6480'
    );
    expect(byName.get('Workers Scripts Write com.cloudflare.api.account')).toBe(
      'e086da7e2179491d91ee5f35b3ca210a'
    );
    expect(byName.get('Access: Audit Logs Read com.cloudflare.api.account')).toBe(
      'b05b28e839c54467a7d6cba5d3abb5a3'
    );
    expect(byName.get('API Tokens Write com.cloudflare.api.user')).toBe(GROUP.apiTokensWrite);
    expect(all.body.result[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: expect.any(String),
      description: expect.any(String),
      scopes: [expect.stringMatching(/^com\.cloudflare\.api\./)]
    });

    const named = await admin<Array<{ id: string }>>('GET', `${user}/permission_groups?name=dns%20write`);
    expect(named.body.result.map((g) => g.id)).toEqual([GROUP.dnsWrite]);
    const zoneScope = await admin<Array<{ scopes: string[] }>>(
      'GET',
      `${user}/permission_groups?scope=com.cloudflare.api.account.zone`
    );
    expect(zoneScope.body.result.every((g) => g.scopes[0] === 'com.cloudflare.api.account.zone')).toBe(true);

    const atAccount = await admin<Array<{ scopes: string[] }>>('GET', `${account}/permission_groups`);
    expect(atAccount.body.result.length).toBeGreaterThan(10);
    expect(atAccount.body.result.some((g) => g.scopes.includes('com.cloudflare.api.user'))).toBe(false);
    expect((await cloudflare(emu, 'cf-write')('GET', `${user}/permission_groups`)).status).toBe(403);
  });
});

describe('faults', () => {
  it('applies a create and then fails it (afterEffect): the token exists, its value was lost', async () => {
    emu.faults.add({
      api: 'cloudflare',
      method: 'POST',
      path: user,
      fault: { status: 502, afterEffect: true }
    });
    const lost = await admin('POST', user, {
      name: 'lost response',
      policies: [policy([GROUP.serviceTokensRead], onAccount())]
    });
    expect(lost.status).toBe(502);
    expect(lost.body.success).toBe(false);
    const made = emu.cloudflare.apiTokens().find((t) => t.name === 'lost response');
    expect(made?.value).toMatch(/^cfut_/);
    expect(emu.cloudflare.apiTokenAuthenticates(String(made?.value))).toBe(true);
    const listed = await admin<TokenJson[]>('GET', user);
    expect(listed.body.result.map((t) => t.name)).toContain('lost response');
  });

  it('applies a roll and then fails it: the old value is already dead', async () => {
    const created = await serviceTokenWriter();
    emu.faults.add({
      api: 'cloudflare',
      method: 'PUT',
      path: /\/value$/,
      fault: { status: 500, afterEffect: true }
    });
    expect((await admin('PUT', `${user}/${created.id}/value`, {})).status).toBe(500);
    expect(emu.cloudflare.apiTokenAuthenticates(created.value)).toBe(false);
    const current = emu.cloudflare.apiToken(created.id)?.value;
    expect(current).not.toBe(created.value);
    expect(emu.cloudflare.apiTokenAuthenticates(String(current))).toBe(true);
  });
});

describe('seeding', () => {
  it('seeds tokens in-process, with generated values and policies by group name', async () => {
    const seeded = emu.cloudflare.seedApiToken({
      name: 'seeded',
      owner: 'account',
      account: ACCOUNT,
      policies: [
        {
          effect: 'allow',
          permission_groups: [{ name: 'Access: Service Tokens Write' }],
          resources: onAccount()
        }
      ],
      expiresOn: '2026-12-31T00:00:00Z'
    });
    expect(seeded.value).toMatch(/^cfat_/);
    expect(emu.cloudflare.apiTokenAuthenticates(seeded.value)).toBe(true);
    const token = cloudflare(emu, seeded.value);
    expect((await token('POST', serviceTokens(`/accounts/${ACCOUNT}`), { name: 'from seeded' })).status).toBe(
      201
    );
    const got = await admin<TokenJson>('GET', `${account}/${seeded.id}`);
    expect(got.body.result).toMatchObject({
      name: 'seeded',
      expires_on: '2026-12-31T00:00:00Z',
      policies: [
        { permission_groups: [{ id: GROUP.serviceTokensWrite, name: 'Access: Service Tokens Write' }] }
      ]
    });
    expect(() =>
      emu.cloudflare.seedApiToken({
        policies: [
          { effect: 'allow', permission_groups: [{ name: 'No Such Group' }], resources: onAccount() }
        ]
      })
    ).toThrow(/unknown permission group "No Such Group"/);
  });

  it('shows simple fixture tokens with the policies their permissions amount to', async () => {
    const adminToken = emu.cloudflare.apiTokens().find((t) => t.value === 'cf-admin');
    expect(adminToken).toMatchObject({
      name: 'admin',
      owner: 'user',
      permissions: ['user:api_tokens:write', 'account:api_tokens:write']
    });
    const got = await admin<TokenJson>('GET', `${user}/${String(adminToken?.id)}`);
    expect(got.body.result.policies).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        effect: 'allow',
        permission_groups: [{ id: GROUP.apiTokensWrite, name: 'API Tokens Write' }],
        resources: onUser
      },
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        effect: 'allow',
        permission_groups: [{ id: GROUP.accountApiTokensWrite, name: 'Account API Tokens Write' }],
        resources: { 'com.cloudflare.api.account.*': '*' }
      }
    ]);
  });

  it('rejects fixture tokens with invalid policies when the emulator starts', async () => {
    await expect(
      startEmulator({
        fixture: {
          cloudflare: {
            accounts: [ACCOUNT],
            apiTokens: [
              {
                value: 'x',
                policies: [{ effect: 'allow', permission_groups: [{ id: 'nope' }], resources: onAccount() }]
              }
            ]
          }
        }
      })
    ).rejects.toThrow(/cloudflare\.apiTokens\[0\]: Invalid permission group id: nope/);
  });
});

describe('the cloudflare SDK the action uses', () => {
  it('creates, lists, rolls, verifies and deletes within the contract', async () => {
    const client = (apiToken: string) =>
      new Cloudflare({
        apiToken,
        apiKey: null,
        apiEmail: null,
        userServiceKey: null,
        baseURL: emu.cloudflareApiUrl,
        maxRetries: 0
      });
    const sdk = client('cf-admin');
    // The contract requires a policy id (read-only, replaced by Cloudflare's own) and a body on roll and delete,
    // which the SDK sends only when asked to.
    const sdkPolicy = {
      id: '',
      effect: 'allow' as const,
      permission_groups: [{ id: GROUP.serviceTokensWrite }],
      resources: onAccount()
    };
    const created = await sdk.user.tokens.create({
      name: 'via sdk',
      policies: [sdkPolicy],
      condition: { request_ip: { in: ['127.0.0.1/32'] } }
    });
    expect(created.value).toMatch(/^cfut_/);
    const names: string[] = [];
    for await (const token of sdk.user.tokens.list({ per_page: 5 })) names.push(String(token.name));
    expect(names).toContain('via sdk');
    const rolled = await sdk.user.tokens.value.update(String(created.id), { body: {} });
    expect(await client(rolled).user.tokens.verify()).toEqual({ id: created.id, status: 'active' });
    const groups = [];
    for await (const group of sdk.user.tokens.permissionGroups.list({ name: 'DNS Write' }))
      groups.push(group.id);
    expect(groups).toEqual([GROUP.dnsWrite]);
    await sdk.user.tokens.delete(String(created.id), { body: {} });
    await expect(client(rolled).user.tokens.verify()).rejects.toMatchObject({ status: 401 });
  });
});
