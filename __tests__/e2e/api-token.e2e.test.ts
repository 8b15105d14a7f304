// dist/index.js with `credential: api-token` against the emulator in strict contract mode: creating API tokens from
// api-token-policy, replacing and rolling them (also the token the action runs with), failures at each step of a
// replacement, check mode, dry runs and bad inputs. Every test ends with no contract violation.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PERMISSION_GROUPS } from '../../emulator/cloudflare/permission-groups.ts';
import type { Fixture } from '../../emulator/fixture.ts';
import { startEmulator, type Emulator } from '../../emulator/server.ts';
import type { DistRun } from '../../scripts/run-dist.ts';
import {
  ACCOUNT,
  DAY,
  PRODUCTION,
  WEB,
  ZONE,
  expectNothingLeaked,
  mutations,
  run,
  secretAt,
  type SecretPlace
} from './harness.ts';

const ZONE_2 = '00112233445566778899aabbccddeeff';
const ADMIN = 'cf-admin-token';
const ADMIN_ID = 'adadadadadadadadadadadadadadadad';
const SECRET = 'CLOUDFLARE_API_TOKEN';
const API: SecretPlace = { kind: 'repo', owner: 'octo-org', repo: 'api' };
const PLACES = [WEB, PRODUCTION, API];
const TARGETS = 'octo-org/web\nocto-org/web@production\nocto-org/api';
const ZONE_KEY = (zone: string) => `com.cloudflare.api.account.zone.${zone}`;
const ACCOUNT_KEY = `com.cloudflare.api.account.${ACCOUNT}`;

/** An account, two zones, an admin token that manages user and account API tokens, an org with repositories. */
const FIXTURE: Fixture = {
  cloudflare: {
    accounts: [ACCOUNT],
    zones: [ZONE, ZONE_2],
    apiTokens: [
      {
        value: ADMIN,
        id: ADMIN_ID,
        name: 'rotator admin',
        permissions: ['user:api_tokens:write', 'account:api_tokens:write']
      }
    ]
  },
  github: {
    orgs: ['octo-org'],
    repositories: [
      { owner: 'octo-org', name: 'web', environments: ['production'] },
      { owner: 'octo-org', name: 'api' }
    ],
    tokens: [
      { value: 'gh-e2e-token', canWriteSecrets: true },
      { value: 'gh-read-token', canWriteSecrets: false }
    ]
  }
};

/** The first example: DNS Write on one zone. */
const DNS_ONE_ZONE = `
policies:
  - effect: allow
    permission_groups: [DNS Write]
    resources:
      ${ZONE_KEY(ZONE)}: '*'
`;

let emu: Emulator;
/** Every token value the test has seen: issued by the emulator (created, rolled) or seeded. */
let values: Set<string>;

beforeEach(async () => {
  emu = await startEmulator({ fixture: FIXTURE, contractCheck: 'strict' });
  values = new Set([ADMIN]);
  // Records each value Cloudflare hands out, also those of tokens deleted again, for the leak checks.
  const handle = emu.cloudflare.handle.bind(emu.cloudflare);
  emu.cloudflare.handle = async (req) => {
    const response = await handle(req);
    const result = (response.body as { result?: unknown } | undefined)?.result;
    if (typeof result === 'string') values.add(result);
    const value = (result as { value?: unknown } | undefined)?.value;
    if (typeof value === 'string') values.add(value);
    return response;
  };
});
afterEach(async () => {
  const violations = emu.contractViolations();
  await emu.close();
  expect(violations).toEqual([]);
});

const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
/** A time in whole seconds, as Cloudflare stores token dates. */
const isoSeconds = (offsetMs: number): string =>
  new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000).toISOString();
const groupId = (name: string): string => PERMISSION_GROUPS.find((group) => group.name === name)?.id ?? '';

/** Runs the action for an API token: user-owned 'dns' by default, written to three targets. */
function runApiToken(overrides: Record<string, string> = {}, env: Record<string, string> = {}) {
  return run(
    emu,
    {
      credential: 'api-token',
      'api-token-secret-name': 'CLOUDFLARE_API_TOKEN',
      'cloudflare-api-token': ADMIN,
      'account-id': '',
      'token-name': 'dns',
      targets: TARGETS,
      ...overrides
    },
    // Verification retries for a short while only: a value that fails fails fast.
    { ROTATOR_VERIFY_TIMEOUT_MS: '300', ...env }
  );
}

const held = (place: SecretPlace): string | undefined => secretAt(emu, place, SECRET);
const tokenIds = (): string[] =>
  emu.cloudflare
    .apiTokens()
    .map((token) => token.id)
    .sort();
const named = (name: string) => emu.cloudflare.apiTokens().filter((token) => token.name === name);
const errors = (result: DistRun): string =>
  result.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error::'))
    .join('\n');
const targetStatuses = (result: DistRun): Record<string, string> =>
  Object.fromEntries(
    (JSON.parse(result.outputs.targets ?? '[]') as Array<{ target: string; status: string }>).map((entry) => [
      entry.target,
      entry.status
    ])
  );
const cloudflareCalls = (method: string) =>
  emu.requests().filter((request) => request.api === 'cloudflare' && request.method === method);

/** Exactly these tokens exist besides the admin token: no orphan, no leftover. */
function expectTokens(...ids: string[]): void {
  expect(tokenIds()).toEqual([ADMIN_ID, ...ids].sort());
}

/** Every place holds the value of the token `id`, and that value works. */
function expectHeldBy(id: string, places: readonly SecretPlace[] = PLACES): void {
  const token = emu.cloudflare.apiToken(id);
  expect(token).toBeDefined();
  for (const place of places) expect(held(place)).toBe(token?.value);
  expect(emu.cloudflare.apiTokenAuthenticates(token?.value ?? '')).toBe(true);
}

/** No token value appears in the visible log, the summary or the outputs (an exposed api-token output aside). */
function expectNoValueLeaked(result: DistRun): void {
  for (const token of emu.cloudflare.apiTokens()) values.add(token.value);
  const outputs = Object.fromEntries(Object.entries(result.outputs).filter(([name]) => name !== 'api-token'));
  expect(expectNothingLeaked({ ...result, outputs }, [...values])).toEqual([]);
}

/** A token 'name' issued 100 days ago, whose value every target received 99 days ago. */
function seedDeployed(
  name = 'dns',
  extra: Parameters<Emulator['cloudflare']['seedApiToken']>[0] = {}
): { id: string; value: string } {
  const seeded = emu.cloudflare.seedApiToken({
    name,
    policies: [
      {
        effect: 'allow',
        permission_groups: [{ name: 'DNS Write' }],
        resources: { [ZONE_KEY(ZONE)]: '*' }
      }
    ],
    issuedOn: iso(-100 * DAY),
    ...extra
  });
  values.add(seeded.value);
  for (const place of PLACES) {
    emu.github.seedSecret({ ...place, name: SECRET, value: seeded.value, updatedAt: iso(-99 * DAY) });
  }
  return seeded;
}

/** Policies as the emulator returns them, without the ids Cloudflare assigns. */
const withoutIds = (policies: Array<Record<string, unknown>>) =>
  policies.map((policy) => ({ ...policy, id: undefined }));

describe('creating an API token from api-token-policy (the three examples of the issue)', () => {
  it('a) DNS Write on one zone, with the value exposed as a masked output', async () => {
    const result = await runApiToken({ 'api-token-policy': DNS_ONE_ZONE, 'expose-secret': 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('created');
    const [token] = named('dns');
    expect(token?.owner).toBe('user');
    expect(token?.value).toMatch(/^cfut_/);
    expect(result.outputs['token-id']).toBe(token?.id);
    expect(Date.parse(result.outputs['expires-at'] ?? '')).toBe(Date.parse(token?.expiresOn ?? ''));
    // The default duration: a year.
    expect(Date.parse(token?.expiresOn ?? '')).toBeGreaterThan(Date.now() + 364 * DAY);
    expect(withoutIds(token?.policies ?? [])).toEqual([
      {
        id: undefined,
        effect: 'allow',
        permission_groups: [{ id: groupId('DNS Write'), name: 'DNS Write' }],
        resources: { [ZONE_KEY(ZONE)]: '*' }
      }
    ]);
    expect(targetStatuses(result)).toEqual({
      'octo-org/web': 'created',
      'octo-org/web@production': 'created',
      'octo-org/api': 'created'
    });
    expectHeldBy(token?.id ?? '');
    expectTokens(token?.id ?? '');
    // The exposed output is the new value, and the runner was told to mask it before anything else.
    expect(result.outputs['api-token']).toBe(token?.value);
    expect(result.stdout).toContain(`::add-mask::${token?.value}`);
    expectNoValueLeaked(result);
  });

  it('b) all zones of the account but one: an allow and a deny policy, stored with resolved group ids', async () => {
    const policy = `
policies:
  - effect: allow
    permission_groups: [dns write]   # names match without regard to case
    resources:
      ${ACCOUNT_KEY}:
        com.cloudflare.api.account.zone.*: '*'
  - effect: deny
    permission_groups: [{ name: DNS Write }]
    resources:
      ${ZONE_KEY(ZONE_2)}: '*'
`;
    const result = await runApiToken({ 'api-token-policy': policy, 'token-name': 'dns-but-one' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('created');
    const [token] = named('dns-but-one');
    expect(result.outputs['token-id']).toBe(token?.id);
    const dnsWrite = [{ id: groupId('DNS Write'), name: 'DNS Write' }];
    expect(withoutIds(token?.policies ?? [])).toEqual([
      {
        id: undefined,
        effect: 'allow',
        permission_groups: dnsWrite,
        resources: { [ACCOUNT_KEY]: { 'com.cloudflare.api.account.zone.*': '*' } }
      },
      { id: undefined, effect: 'deny', permission_groups: dnsWrite, resources: { [ZONE_KEY(ZONE_2)]: '*' } }
    ]);
    expectHeldBy(token?.id ?? '');
    expectTokens(token?.id ?? '');
    expectNoValueLeaked(result);
  });

  it('c) a read on every account, limited by request IP, with its own expires_on', async () => {
    const expiresOn = isoSeconds(200 * DAY);
    const policy = `
policies:
  - effect: allow
    permission_groups: ['Access: Audit Logs Read']   # the emulator's audit log read group
    resources:
      com.cloudflare.api.account.*: '*'
condition:
  request_ip:
    in: [127.0.0.0/8, 2001:db8::/32]   # the runner (the emulator sees 127.0.0.1)
    not_in: [192.0.2.0/24]
expires_on: ${expiresOn}
`;
    const result = await runApiToken({ 'api-token-policy': policy, 'token-name': 'audit' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('created');
    const [token] = named('audit');
    expect(result.outputs['token-id']).toBe(token?.id);
    expect(result.outputs['expires-at']).toBe(expiresOn);
    expect(Date.parse(token?.expiresOn ?? '')).toBe(Date.parse(expiresOn));
    expect(token?.condition).toEqual({
      'request.ip': { in: ['127.0.0.0/8', '2001:db8::/32'], not_in: ['192.0.2.0/24'] }
    });
    expect(withoutIds(token?.policies ?? [])).toEqual([
      {
        id: undefined,
        effect: 'allow',
        permission_groups: [{ id: groupId('Access: Audit Logs Read'), name: 'Access: Audit Logs Read' }],
        resources: { 'com.cloudflare.api.account.*': '*' }
      }
    ]);
    expectHeldBy(token?.id ?? '');
    expectTokens(token?.id ?? '');
    expectNoValueLeaked(result);
  });
});

describe('API token runs', () => {
  it('changes nothing on a second run: no write, no new token', async () => {
    const created = await runApiToken({ 'api-token-policy': DNS_ONE_ZONE });
    expect(created.exitCode).toBe(0);
    const id = created.outputs['token-id'] ?? '';
    emu.resetRequests();
    const again = await runApiToken({ 'api-token-policy': DNS_ONE_ZONE });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.result).toBe('unchanged');
    expect(again.outputs['token-id']).toBe(id);
    expect(mutations(emu)).toEqual([]);
    expectTokens(id);
    expectHeldBy(id);
    expectNoValueLeaked(again);
  });

  it('replaces on mode rotate: a new id with the old policies and condition, the old token deleted', async () => {
    const condition = { 'request.ip': { in: ['127.0.0.1/32', '10.0.0.0/8'], not_in: ['10.1.0.0/16'] } };
    const old = seedDeployed('dns', { condition, expiresOn: iso(300 * DAY) });
    const before = emu.cloudflare.apiToken(old.id);
    const result = await runApiToken({ mode: 'rotate' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('replaced');
    const id = result.outputs['token-id'] ?? '';
    expect(id).not.toBe(old.id);
    expectTokens(id);
    expect(emu.cloudflare.apiTokenAuthenticates(old.value)).toBe(false);
    expectHeldBy(id);
    const token = emu.cloudflare.apiToken(id);
    expect(withoutIds(token?.policies ?? [])).toEqual(withoutIds(before?.policies ?? []));
    expect(token?.condition).toEqual(condition);
    // A replacement gets a fresh expiry (duration, a year by default).
    expect(result.outputs['expires-at']).toBe(new Date(token?.expiresOn ?? '').toISOString());
    expect(Date.parse(token?.expiresOn ?? '')).toBeGreaterThan(Date.now() + 364 * DAY);
    expect(targetStatuses(result)).toEqual({
      'octo-org/web': 'updated',
      'octo-org/web@production': 'updated',
      'octo-org/api': 'updated'
    });
    expectNoValueLeaked(result);
  });

  it('creates an account-owned token (cfat_) when account-id is set', async () => {
    const policy = `
policies:
  - effect: allow
    permission_groups: [DNS Write]
    resources:
      ${ACCOUNT_KEY}:
        ${ZONE_KEY(ZONE)}: '*'
`;
    const result = await runApiToken({ 'api-token-policy': policy, 'account-id': ACCOUNT });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('created');
    const id = result.outputs['token-id'] ?? '';
    const token = emu.cloudflare.apiToken(id);
    expect(token?.owner).toBe('account');
    expect(token?.account).toBe(ACCOUNT);
    expect(token?.value).toMatch(/^cfat_/);
    expect(cloudflareCalls('POST').map((call) => call.path)).toEqual([`/accounts/${ACCOUNT}/tokens`]);
    expectHeldBy(id);
    expectTokens(id);
    expectNoValueLeaked(result);
    // Found again under the account (and not among the user's tokens) by the next run.
    emu.resetRequests();
    const again = await runApiToken({ 'account-id': ACCOUNT });
    expect(again.outputs.result).toBe('unchanged');
    expect(again.outputs['token-id']).toBe(id);
    expect(mutations(emu)).toEqual([]);
  });

  it('rolls the value on strategy roll, by token-id and by token-name: same id, the old value dead', async () => {
    const seeded = seedDeployed();
    const byId = await runApiToken({
      strategy: 'roll',
      mode: 'rotate',
      'token-name': '',
      'token-id': seeded.id
    });
    expect(byId.exitCode).toBe(0);
    expect(byId.outputs.result).toBe('rolled');
    expect(byId.outputs['token-id']).toBe(seeded.id);
    expect(emu.cloudflare.apiTokenAuthenticates(seeded.value)).toBe(false);
    expectHeldBy(seeded.id);
    expectTokens(seeded.id);
    expectNoValueLeaked(byId);

    const rolledOnce = emu.cloudflare.apiToken(seeded.id)?.value ?? '';
    const byName = await runApiToken({ strategy: 'roll', mode: 'rotate' });
    expect(byName.exitCode).toBe(0);
    expect(byName.outputs.result).toBe('rolled');
    expect(byName.outputs['token-id']).toBe(seeded.id);
    expect(emu.cloudflare.apiTokenAuthenticates(rolledOnce)).toBe(false);
    expectHeldBy(seeded.id);
    expectTokens(seeded.id);
    expectNoValueLeaked(byName);

    // Every target was written after the roll, so the next run sees them current.
    emu.resetRequests();
    const again = await runApiToken({ strategy: 'roll' });
    expect(again.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it('does not roll with a github-token that can only read: the write check fails first', async () => {
    const seeded = seedDeployed();
    emu.resetRequests();
    const result = await runApiToken({ strategy: 'roll', mode: 'rotate', 'github-token': 'gh-read-token' });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toContain(
      'github-token could not write a secret to octo-org/web (403 Resource not accessible by integration), so the token was not rolled.'
    );
    // Cloudflare was not touched: every consumer keeps its working value.
    expect(cloudflareCalls('PUT')).toEqual([]);
    expect(emu.cloudflare.apiTokenAuthenticates(seeded.value)).toBe(true);
    expectHeldBy(seeded.id);
  });

  it('renews, then rolls, a token expiring within the renewal window (mode auto, strategy roll)', async () => {
    const seeded = seedDeployed('dns', {
      expiresOn: iso(5 * DAY),
      condition: { 'request.ip': { in: ['127.0.0.0/8'] } }
    });
    const before = emu.cloudflare.apiToken(seeded.id);
    const result = await runApiToken({ strategy: 'roll' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('rolled');
    const token = emu.cloudflare.apiToken(seeded.id);
    // A year from now, and the update (a PUT of the whole token) kept its policies and condition.
    expect(Date.parse(token?.expiresOn ?? '')).toBeGreaterThan(Date.now() + 364 * DAY);
    expect(result.outputs['expires-at']).toBe(new Date(token?.expiresOn ?? '').toISOString());
    expect(withoutIds(token?.policies ?? [])).toEqual(withoutIds(before?.policies ?? []));
    expect(token?.condition).toEqual(before?.condition);
    expect(emu.cloudflare.apiTokenAuthenticates(seeded.value)).toBe(false);
    expectHeldBy(seeded.id);
    expectTokens(seeded.id);
    expectNoValueLeaked(result);
  });
});

describe('failures during a replacement leave a working token everywhere and no orphan', () => {
  it('a) create answers 500: nothing changes', async () => {
    const old = seedDeployed();
    emu.faults.add({ api: 'cloudflare', method: 'POST', path: '/user/tokens', fault: { status: 500 } });
    const result = await runApiToken({ mode: 'rotate' });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toMatch(/Could not create API token 'dns' for your user \(500/);
    expectTokens(old.id);
    expectHeldBy(old.id);
    expect(emu.requests().filter((request) => request.api === 'github' && request.method === 'PUT')).toEqual(
      []
    );
    expectNoValueLeaked(result);
  });

  it('b) create takes effect but its answer is lost: the orphan is deleted again', async () => {
    const old = seedDeployed();
    emu.faults.add({
      api: 'cloudflare',
      method: 'POST',
      path: '/user/tokens',
      fault: { drop: true, afterEffect: true }
    });
    const result = await runApiToken({ mode: 'rotate' });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toMatch(/took effect, but its answer \(and so the value\) was lost/);
    // The token the lost create made was found by name and deleted.
    const deleted = cloudflareCalls('DELETE').map((call) => call.path);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).not.toBe(`/user/tokens/${old.id}`);
    expectTokens(old.id);
    expectHeldBy(old.id);
    // The admin's, the old and the orphan's values: the orphan's was seen (and is looked for) too.
    expect(values.size).toBe(3);
    expectNoValueLeaked(result);
  });

  it('c) a new token whose condition excludes the runner fails verification: deleted, nothing written', async () => {
    const policy = `${DNS_ONE_ZONE}condition:\n  request_ip:\n    not_in: [127.0.0.1/32]\n`;
    const result = await runApiToken({ 'api-token-policy': policy });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toMatch(/The new API token 'dns' \(\w+\) does not work from this runner/);
    expect(errors(result)).toMatch(/It was deleted again; nothing was written/);
    expect(result.outputs.result).toBe('failed');
    expectTokens();
    for (const place of PLACES) expect(held(place)).toBeUndefined();
    expectNoValueLeaked(result);
  });

  it('c) the verify of the new value fails: the old token stays, the new one is deleted', async () => {
    const old = seedDeployed();
    // The first verify is of cloudflare-api-token itself; every later one is of the new value.
    emu.faults.add({
      api: 'cloudflare',
      method: 'GET',
      path: '/user/tokens/verify',
      nth: 2,
      times: 'always',
      fault: { status: 503 }
    });
    const result = await runApiToken({ mode: 'rotate' });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toMatch(/does not work from this runner/);
    expectTokens(old.id);
    expectHeldBy(old.id);
    expect(cloudflareCalls('DELETE')).toHaveLength(1);
    expectNoValueLeaked(result);
  });

  it('d) one target write fails: both tokens kept and working; a re-run heals to one token, then is unchanged', async () => {
    const old = seedDeployed();
    emu.faults.add({
      api: 'github',
      method: 'PUT',
      path: `/repos/octo-org/api/actions/secrets/${SECRET}`,
      times: 'always',
      fault: { status: 500 }
    });
    const failed = await runApiToken({ mode: 'rotate' });
    expect(failed.exitCode).toBe(1);
    expect(errors(failed)).toMatch(/1 of 3 target\(s\) did not receive the new API token: octo-org\/api/);
    const id = failed.outputs['token-id'] ?? '';
    expect(id).not.toBe(old.id);
    expectTokens(old.id, id);
    expectHeldBy(id, [WEB, PRODUCTION]);
    expectHeldBy(old.id, [API]);
    expect(targetStatuses(failed)['octo-org/api']).toMatch(/^failed/);
    expectNoValueLeaked(failed);

    // The fault is gone: the run replaces again, writes every target and deletes both older tokens.
    emu.faults.clear();
    const healed = await runApiToken();
    expect(healed.exitCode).toBe(0);
    expect(healed.outputs.result).toBe('replaced');
    const healedId = healed.outputs['token-id'] ?? '';
    expect(named('dns').map((token) => token.id)).toEqual([healedId]);
    expectTokens(healedId);
    expectHeldBy(healedId);
    expect(emu.cloudflare.apiTokenAuthenticates(old.value)).toBe(false);
    expectNoValueLeaked(healed);

    emu.resetRequests();
    const third = await runApiToken();
    expect(third.exitCode).toBe(0);
    expect(third.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it('e) the delete of the old token fails: every target holds the new one; the next run deletes the old', async () => {
    const old = seedDeployed();
    emu.faults.add({
      api: 'cloudflare',
      method: 'DELETE',
      path: `/user/tokens/${old.id}`,
      times: 'always',
      fault: { status: 500 }
    });
    const failed = await runApiToken({ mode: 'rotate' });
    expect(failed.exitCode).toBe(1);
    expect(errors(failed)).toMatch(/Could not delete API token\(s\) that no target holds any more: /);
    const id = failed.outputs['token-id'] ?? '';
    expectTokens(old.id, id);
    expectHeldBy(id);
    expect(emu.cloudflare.apiTokenAuthenticates(old.value)).toBe(true);
    expectNoValueLeaked(failed);

    emu.faults.clear();
    const next = await runApiToken();
    expect(next.exitCode).toBe(0);
    // The targets were written within the clock tolerance of the new token's issue time, so they may as well
    // hold the old one: the run cannot tell, replaces once more, and deletes both older tokens.
    expect(next.outputs.result).toBe('replaced');
    expect(emu.cloudflare.apiToken(old.id)).toBeUndefined();
    expect(emu.cloudflare.apiToken(id)).toBeUndefined();
    const nextId = next.outputs['token-id'] ?? '';
    expect(named('dns').map((token) => token.id)).toEqual([nextId]);
    expectTokens(nextId);
    expectHeldBy(nextId);
    expectNoValueLeaked(next);
  });
});

describe('the token that runs the action rotates itself', () => {
  /** 'deploy' may manage the user's tokens, and its value is cloudflare-api-token in every target. */
  function seedDeploy(): { id: string; value: string } {
    return seedDeployed('deploy', { policies: undefined, permissions: ['user:api_tokens:write'] });
  }

  it('replace: the new token is written everywhere, the old one (itself) deleted last', async () => {
    const old = seedDeploy();
    const result = await runApiToken({
      'cloudflare-api-token': old.value,
      'token-name': 'deploy',
      mode: 'rotate'
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('replaced');
    const id = result.outputs['token-id'] ?? '';
    expect(emu.cloudflare.apiTokenAuthenticates(old.value)).toBe(false);
    expectTokens(id);
    expectHeldBy(id);
    // The deletion of itself is the run's last Cloudflare call.
    expect(
      emu
        .requests()
        .filter((request) => request.api === 'cloudflare')
        .at(-1)
    ).toMatchObject({
      method: 'DELETE',
      path: `/user/tokens/${old.id}`,
      status: 200
    });
    expectNoValueLeaked(result);

    // The next run works with the value from the target secret, and has nothing to do.
    emu.resetRequests();
    const again = await runApiToken({ 'cloudflare-api-token': held(WEB) ?? '', 'token-name': 'deploy' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it('replace, account-owned: the new token (cfat_) may delete the old one, which goes last', async () => {
    const old = seedDeployed('deploy', {
      owner: 'account',
      account: ACCOUNT,
      policies: [
        {
          effect: 'allow',
          permission_groups: [{ name: 'Account API Tokens Write' }, { name: 'DNS Write' }],
          resources: { [ACCOUNT_KEY]: '*' }
        }
      ]
    });
    const result = await runApiToken({
      'cloudflare-api-token': old.value,
      'account-id': ACCOUNT,
      'token-name': 'deploy',
      mode: 'rotate'
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('replaced');
    const id = result.outputs['token-id'] ?? '';
    expect(held(WEB)).toMatch(/^cfat_/);
    expect(emu.cloudflare.apiTokenAuthenticates(old.value)).toBe(false);
    expectTokens(id);
    expectHeldBy(id);
    expect(
      emu
        .requests()
        .filter((request) => request.api === 'cloudflare')
        .at(-1)
    ).toMatchObject({ method: 'DELETE', path: `/accounts/${ACCOUNT}/tokens/${old.id}`, status: 200 });
    expectNoValueLeaked(result);

    emu.resetRequests();
    const again = await runApiToken({
      'cloudflare-api-token': held(WEB) ?? '',
      'account-id': ACCOUNT,
      'token-name': 'deploy'
    });
    expect(again.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it('roll: the value is rolled, the run goes on with the new one', async () => {
    const old = seedDeploy();
    const result = await runApiToken({
      'cloudflare-api-token': old.value,
      'token-name': 'deploy',
      strategy: 'roll',
      mode: 'rotate'
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('rolled');
    expect(result.outputs['token-id']).toBe(old.id);
    expect(emu.cloudflare.apiTokenAuthenticates(old.value)).toBe(false);
    expectTokens(old.id);
    expectHeldBy(old.id);
    expectNoValueLeaked(result);

    emu.resetRequests();
    const again = await runApiToken({
      'cloudflare-api-token': held(WEB) ?? '',
      'token-name': 'deploy',
      strategy: 'roll'
    });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });
});

describe('check mode, dry runs and bad inputs', () => {
  it('check fails for a token expiring within the renewal window; a dry run changes nothing', async () => {
    const seeded = seedDeployed('dns', { expiresOn: iso(10 * DAY) });
    emu.resetRequests();
    const check = await runApiToken({ mode: 'check' });
    expect(check.exitCode).toBe(1);
    expect(check.outputs.result).toBe('checked');
    expect(errors(check)).toMatch(
      new RegExp(`::error::API token 'dns' \\(${seeded.id}\\) expires at \\S+ \\(in 10\\.0 days\\)`)
    );
    expect(mutations(emu)).toEqual([]);

    const dryRun = await runApiToken({ 'dry-run': 'true' });
    expect(dryRun.exitCode).toBe(0);
    expect(dryRun.outputs.result).toBe('would-replace');
    expect(mutations(emu)).toEqual([]);
    expectTokens(seeded.id);
    expectHeldBy(seeded.id);
    expectNoValueLeaked(check);
    expectNoValueLeaked(dryRun);
  });

  it("requires api-token-secret-name (no default that could be the rotator's own secret)", async () => {
    const result = await runApiToken({ 'api-token-secret-name': '', 'api-token-policy': DNS_ONE_ZONE });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toMatch(
      /::error::Input 'api-token-secret-name': is required for credential: api-token \(it has no default\)/
    );
    expect(emu.requests()).toEqual([]);
  });

  it('refuses to write another token over the secret the workflow passes as cloudflare-api-token', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'rotator-workspace-'));
    mkdirSync(join(workspace, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(workspace, '.github', 'workflows', 'rotate.yml'),
      'jobs:\n  rotate:\n    steps:\n      - uses: owner/rotator@v1\n        with:\n          cloudflare-api-token: ${{ secrets.CLOUDFLARE_API_TOKEN }}\n'
    );
    const env = {
      GITHUB_WORKSPACE: workspace,
      GITHUB_WORKFLOW_REF: 'octo-org/web/.github/workflows/rotate.yml@refs/heads/main'
    };
    const refused = await runApiToken({ 'api-token-policy': DNS_ONE_ZONE }, env);
    expect(refused.exitCode).toBe(1);
    expect(errors(refused)).toMatch(
      /::error::Input 'api-token-secret-name': is CLOUDFLARE_API_TOKEN, the secret this workflow passes as cloudflare-api-token in octo-org\/web, but the managed token is another one/
    );
    expect(mutations(emu)).toEqual([]);
    expect(named('dns')).toEqual([]);
    // Its own secret name: fine.
    const own = await runApiToken(
      { 'api-token-policy': DNS_ONE_ZONE, 'api-token-secret-name': 'CLOUDFLARE_DNS_TOKEN' },
      env
    );
    expect(own.exitCode).toBe(0);
    rmSync(workspace, { recursive: true, force: true });
  });

  it('a dry run makes the read-only checks and names the checks not made', async () => {
    const fine = await runApiToken({ 'api-token-policy': DNS_ONE_ZONE, 'dry-run': 'true' });
    expect(fine.exitCode).toBe(0);
    expect(fine.outputs.result).toBe('would-create');
    expect(fine.stdout).toContain('Plan (dry run): would create');
    expect(fine.summary).toContain('not checked, as they need a write');
    expect(mutations(emu)).toEqual([]);
  });

  it('suggests quoting an unquoted permission group name with a colon', async () => {
    const policy = `policies:\n  - effect: allow\n    permission_groups:\n      - Access: Audit Logs Read\n    resources:\n      ${ACCOUNT_KEY}: '*'\n`;
    const result = await runApiToken({ 'api-token-policy': policy });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toMatch(
      /::error::Input 'api-token-policy': policies\[0\]\.permission_groups\[0\]: 'Access: Audit Logs Read' reads as a map .*Quote the name: - 'Access: Audit Logs Read'\./
    );
    expect(emu.requests()).toEqual([]);
  });

  it('fails on bad inputs before any request', async () => {
    const badCidr = `${DNS_ONE_ZONE}condition:\n  request_ip:\n    in: [10.0.0.300/8]\n`;
    const cidr = await runApiToken({ 'api-token-policy': badCidr });
    expect(cidr.exitCode).toBe(1);
    expect(errors(cidr)).toMatch(
      /::error::Input 'api-token-policy': condition.request_ip.in\[0\]: '10.0.0.300\/8' is not a CIDR/
    );
    const zone = await runApiToken({ 'zone-id': ZONE, 'api-token-policy': DNS_ONE_ZONE });
    expect(zone.exitCode).toBe(1);
    expect(errors(zone)).toMatch(
      /::error::Input 'zone-id': is set, but API tokens belong to a user or an account/
    );
    expect(emu.requests()).toEqual([]);
  });
});
