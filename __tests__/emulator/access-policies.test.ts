import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startEmulator } from '../../emulator/server.ts';
import type { Emulator } from '../../emulator/server.ts';
import { ACCOUNT, ZONE, cloudflare, testFixture } from './support.ts';

const POLICY = '11111111-1111-4111-8111-111111111111';
const APP = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const ZONE_APP = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const ZONE_POLICY = '44444444-4444-4444-8444-444444444444';
const policyPath = `/accounts/${ACCOUNT}/access/policies/${POLICY}`;
const zonePolicyPath = `/zones/${ZONE}/access/apps/${ZONE_APP}/policies/${ZONE_POLICY}`;

let emu: Emulator;

beforeEach(async () => {
  const fixture = testFixture();
  const cf = fixture.cloudflare ?? {};
  emu = await startEmulator({
    contractCheck: true,
    fixture: {
      ...fixture,
      cloudflare: {
        ...cf,
        apiTokens: [
          ...(cf.apiTokens ?? []),
          { value: 'cf-apps', permissions: ['access:service_tokens:write', 'access:apps:write'] }
        ],
        accessPolicies: [
          { account: ACCOUNT, id: POLICY, name: 'CI', include: [{ email: { email: 'a@example.com' } }] }
        ],
        accessApps: [
          { id: APP, account: ACCOUNT, policies: [POLICY] },
          { id: ZONE_APP, zone: ZONE, appPolicies: [{ id: ZONE_POLICY, name: 'Zone', decision: 'allow' }] }
        ],
        organizations: [
          {
            account: ACCOUNT,
            serviceTokenInactivity: { enabled: true, action: 'delete', inactivity_threshold_days: 30 }
          }
        ]
      }
    }
  });
});

afterEach(async () => {
  const violations = emu.contractViolations();
  await emu.close();
  expect(violations).toEqual([]);
});

describe('emulated Access policies', () => {
  it('reads and replaces a reusable policy: a field left out of the PUT is gone', async () => {
    const cf = cloudflare(emu, 'cf-apps');
    const read = await cf('GET', policyPath);
    expect(read.status).toBe(200);
    expect(read.body.result).toMatchObject({
      id: POLICY,
      name: 'CI',
      decision: 'non_identity',
      session_duration: '24h',
      reusable: true,
      app_count: 1
    });
    const put = await cf('PUT', policyPath, {
      name: 'CI',
      decision: 'non_identity',
      include: [{ any_valid_service_token: {} }]
    });
    expect(put.status).toBe(200);
    expect(put.body.result).not.toHaveProperty('session_duration');
    expect((await cf('PUT', policyPath, { name: 'CI', decision: 'non_identity', include: [] })).status).toBe(
      400
    );
    expect(
      (await cf('GET', `/accounts/${ACCOUNT}/access/policies/55555555-5555-4555-8555-555555555555`)).status
    ).toBe(404);
  });

  it('serves app-scoped policies at zone scope, and needs Apps and Policies permissions', async () => {
    expect((await cloudflare(emu, 'cf-apps')('GET', zonePolicyPath)).body.result).toMatchObject({
      id: ZONE_POLICY,
      decision: 'allow'
    });
    expect((await cloudflare(emu, 'cf-write')('GET', zonePolicyPath)).status).toBe(403);
    expect(
      (await cloudflare(emu, 'cf-apps')('GET', `/zones/${ZONE}/access/apps/${APP}/policies/${POLICY}`)).status
    ).toBe(404);
  });

  it('answers the organization with service_token_inactivity', async () => {
    const org = await cloudflare(emu, 'cf-apps')('GET', `/accounts/${ACCOUNT}/access/organizations`);
    expect(org.body.result).toMatchObject({
      service_token_inactivity: { enabled: true, action: 'delete', inactivity_threshold_days: 30 }
    });
  });

  it('admits a token only through a Service Auth policy that includes it, and refuses to delete it then', async () => {
    const seeded = emu.cloudflare.seedToken({ name: 'svc', account: ACCOUNT });
    const token = emu.cloudflare.tokens()[0];
    if (!token) throw new Error('no token');
    expect(emu.cloudflare.admit(seeded.clientId, seeded.clientSecret)).toBe(false);
    const policy = emu.cloudflare.access.policy(POLICY);
    if (!policy) throw new Error('no policy');
    policy.fields['include'] = [{ service_token: { token_id: token.id } }];
    expect(emu.cloudflare.admit(seeded.clientId, seeded.clientSecret)).toBe(true);
    const deleted = await cloudflare(emu)('DELETE', `/accounts/${ACCOUNT}/access/service_tokens/${token.id}`);
    expect(deleted.status).toBe(400);
    expect(deleted.body.errors[0]?.code).toBe(12139);
    policy.fields['decision'] = 'allow';
    expect(emu.cloudflare.admit(seeded.clientId, seeded.clientSecret)).toBe(false);
  });

  it('applies an edit right after the nth read (the control API hook)', async () => {
    const control = await fetch(`${emu.url}/_emulator/cloudflare/access-policies/${POLICY}/edit-after-read`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ afterReads: 1, set: { session_duration: '8h' } })
    });
    expect(control.status).toBe(204);
    const cf = cloudflare(emu, 'cf-apps');
    expect((await cf('GET', policyPath)).body.result).toMatchObject({ session_duration: '24h' });
    expect((await cf('GET', policyPath)).body.result).toMatchObject({ session_duration: '8h' });
  });
});
