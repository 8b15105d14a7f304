// Access policy membership and inactivity awareness against the emulator, in both response profiles: the token
// the action creates is admitted by Access without a dashboard step, and nothing else in a policy changes.
import { afterEach, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/server.ts';
import type { Fixture } from '../../emulator/fixture.ts';
import { ACCOUNT, WEB, ZONE, changes, fixture, run, secretAt } from './harness.ts';

const POLICY = '11111111-1111-4111-8111-111111111111';
const SECOND = '22222222-2222-4222-8222-222222222222';
const ALLOW = '33333333-3333-4333-8333-333333333333';
const APP = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const ZONE_APP = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const ZONE_POLICY = '44444444-4444-4444-8444-444444444444';
const MISSING = '55555555-5555-4555-8555-555555555555';
const OTHER_TOKEN = { service_token: { token_id: '99999999-9999-4999-8999-999999999999' } };
const EMAIL = { email: { email: 'ops@example.com' } };

function world(): Fixture {
  const base = fixture();
  const cloudflare = base.cloudflare ?? {};
  return {
    ...base,
    cloudflare: {
      ...cloudflare,
      apiTokens: [
        ...(cloudflare.apiTokens ?? []),
        { value: 'cf-access-token', permissions: ['access:service_tokens:write', 'access:apps:write'] },
        { value: 'cf-apps-read', permissions: ['access:service_tokens:write', 'access:apps:read'] },
        { value: 'cf-admin', permissions: ['user:api_tokens:write'] }
      ],
      accessPolicies: [
        {
          account: ACCOUNT,
          id: POLICY,
          name: 'CI service auth',
          decision: 'non_identity',
          include: [OTHER_TOKEN],
          require: [{ ip: { ip: '10.0.0.0/8' } }],
          fields: { session_duration: '30m', approval_required: false }
        },
        {
          account: ACCOUNT,
          id: SECOND,
          name: 'Deploy bots',
          decision: 'non_identity',
          include: [OTHER_TOKEN]
        },
        { account: ACCOUNT, id: ALLOW, name: 'Staff', decision: 'allow', include: [EMAIL] }
      ],
      accessApps: [
        { id: APP, name: 'internal', account: ACCOUNT, policies: [POLICY, SECOND, ALLOW] },
        {
          id: ZONE_APP,
          name: 'zone app',
          zone: ZONE,
          appPolicies: [
            { id: ZONE_POLICY, name: 'Zone bots', decision: 'non_identity', include: [OTHER_TOKEN] }
          ]
        }
      ],
      organizations: [
        {
          account: ACCOUNT,
          serviceTokenInactivity: { enabled: true, action: 'disable', inactivity_threshold_days: 90 }
        }
      ]
    }
  };
}

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(): Promise<Emulator> {
  emu = await startEmulator({ fixture: world(), contractCheck: 'strict' });
  return emu;
}

const policyRequests = (e: Emulator) =>
  e.requests().filter((r) => r.api === 'cloudflare' && /\/access\/(policies|apps)\//.test(r.path));
const include = (e: Emulator, id: string) => e.cloudflare.access.policy(id)?.fields['include'] as unknown[];
const tokenRule = (e: Emulator) => ({ service_token: { token_id: e.cloudflare.tokens()[0]?.id } });
const policies = (outputs: Record<string, string>) =>
  JSON.parse(outputs['access-policies'] ?? '[]') as unknown;

describe(`Access policy membership (${process.env['EMULATOR_PROFILE'] ?? 'rich'} profile)`, () => {
  it('creates a token that the app admits on the first run: added before distribution, other rules kept', async () => {
    const e = await start();
    const result = await run(e, {
      'cloudflare-api-token': 'cf-access-token',
      'access-policy-id': POLICY,
      'verify-url': e.accessAppUrl
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(policies(result.outputs)).toEqual([{ id: POLICY, status: 'added' }]);
    const policy = e.cloudflare.access.policy(POLICY);
    expect(policy?.fields).toMatchObject({
      name: 'CI service auth',
      decision: 'non_identity',
      include: [OTHER_TOKEN, tokenRule(e)],
      require: [{ ip: { ip: '10.0.0.0/8' } }],
      session_duration: '30m',
      approval_required: false
    });
    // The policy PUT came before the first secret was written.
    const log = e.requests();
    const put = log.findIndex(
      (r) => r.method === 'PUT' && r.path.includes(`/access/policies/${POLICY}`) && r.status === 200
    );
    const firstSecret = log.findIndex(
      (r) => r.api === 'github' && r.method === 'PUT' && r.path.includes('/secrets/')
    );
    expect(put).toBeGreaterThan(-1);
    expect(put).toBeLessThan(firstSecret);
    expect(result.summary).toContain('verify-url accepted the new credential.');
    expect(secretAt(e, WEB)).toBeDefined();
    // The token is now referenced by a policy: Cloudflare refuses to delete it.
    expect(result.stdout).not.toContain('inactivity policy will');
  });

  it('adds the token to two policies; a second run makes no policy request other than reads', async () => {
    const e = await start();
    const lines = `${POLICY}\n${SECOND}`;
    const first = await run(e, { 'cloudflare-api-token': 'cf-access-token', 'access-policy-id': lines });
    expect(first.exitCode).toBe(0);
    expect(policies(first.outputs)).toEqual([
      { id: POLICY, status: 'added' },
      { id: SECOND, status: 'added' }
    ]);
    expect(include(e, SECOND)).toEqual([OTHER_TOKEN, tokenRule(e)]);
    e.resetRequests();
    const second = await run(e, { 'cloudflare-api-token': 'cf-access-token', 'access-policy-id': lines });
    expect(second.exitCode).toBe(0);
    expect(second.outputs.result).toBe('unchanged');
    expect(policies(second.outputs)).toEqual([
      { id: POLICY, status: 'present' },
      { id: SECOND, status: 'present' }
    ]);
    expect(policyRequests(e).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(changes(e)).toEqual([]);
  });

  it('adds a zone-scoped token to a policy of a zone application (APP_ID/POLICY_ID)', async () => {
    const e = await start();
    const result = await run(e, {
      'cloudflare-api-token': 'cf-access-token',
      'account-id': '',
      'zone-id': ZONE,
      'access-policy-id': `${ZONE_APP}/${ZONE_POLICY}`
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(policies(result.outputs)).toEqual([{ id: `${ZONE_APP}/${ZONE_POLICY}`, status: 'added' }]);
    expect(include(e, ZONE_POLICY)).toEqual([OTHER_TOKEN, tokenRule(e)]);
    expect(
      e
        .requests()
        .some(
          (r) =>
            r.path === `/zones/${ZONE}/access/apps/${ZONE_APP}/policies/${ZONE_POLICY}` && r.method === 'PUT'
        )
    ).toBe(true);
  });

  it.each([
    [
      'a policy with decision allow',
      { 'access-policy-id': ALLOW },
      /cannot admit a service token: its decision is 'allow'/
    ],
    [
      'a missing policy',
      { 'access-policy-id': MISSING },
      new RegExp(`Access policy ${MISSING} in account ${ACCOUNT} does not exist`)
    ],
    [
      'a caller that may only read policies',
      { 'access-policy-id': POLICY, 'cloudflare-api-token': 'cf-apps-read' },
      /may not edit Access policy .* \(403\)\. Grant it 'Access: Apps and Policies Write'/
    ],
    [
      'a caller that may not read policies',
      { 'access-policy-id': POLICY, 'cloudflare-api-token': 'cf-e2e-token' },
      /may not read Access policy .* \(403\)/
    ]
  ])('fails before any change for %s', async (_what, overrides, message) => {
    const e = await start();
    const result = await run(e, { 'cloudflare-api-token': 'cf-access-token', ...overrides });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(policies(result.outputs)).toEqual([{ id: overrides['access-policy-id'], status: 'failed' }]);
    expect(changes(e)).toEqual([]);
    expect(e.cloudflare.tokens()).toEqual([]);
    expect(include(e, POLICY)).toEqual([OTHER_TOKEN]);
  });

  it('shows the planned change in a dry run and changes nothing', async () => {
    const e = await start();
    const result = await run(e, {
      'cloudflare-api-token': 'cf-access-token',
      'access-policy-id': POLICY,
      'dry-run': 'true'
    });
    expect(result.exitCode).toBe(0);
    expect(policies(result.outputs)).toEqual([{ id: POLICY, status: 'would-add' }]);
    expect(changes(e)).toEqual([]);
  });

  it('re-adds the rule after it was removed by hand, without rotating, and keeps an edit made between read and write', async () => {
    const e = await start();
    const inputs = { 'cloudflare-api-token': 'cf-access-token', 'access-policy-id': POLICY };
    expect((await run(e, inputs)).exitCode).toBe(0);
    const token = e.cloudflare.tokens()[0];
    const stored = e.cloudflare.access.policy(POLICY);
    if (!stored || !token) throw new Error('no policy or token');
    stored.fields['include'] = [OTHER_TOKEN];
    const admitted = () => e.cloudflare.admit(token.clientId, secretAt(e, WEB) ?? '');
    expect(admitted()).toBe(false);
    // Someone edits the policy right after the action's first read of it.
    e.cloudflare.access.editAfterRead(POLICY, 1, (fields) => {
      fields['include'] = [...(fields['include'] as unknown[]), EMAIL];
      fields['session_duration'] = '8h';
    });
    e.resetRequests();
    const again = await run(e, inputs);
    expect(again.exitCode).toBe(0);
    expect(again.outputs.result).toBe('unchanged');
    expect(policies(again.outputs)).toEqual([{ id: POLICY, status: 'added' }]);
    expect(stored.fields).toMatchObject({
      include: [OTHER_TOKEN, EMAIL, { service_token: { token_id: token.id } }],
      session_duration: '8h'
    });
    expect(
      e.requests().filter((r) => r.path.includes('/access/service_tokens') && r.method !== 'GET')
    ).toEqual([]);
    expect(e.cloudflare.tokens()[0]?.clientSecret).toBe(token.clientSecret);
    expect(admitted()).toBe(true);
  });

  it('warns when the inactivity policy would disable a token no managed policy references', async () => {
    const e = await start();
    const result = await run(e, { 'cloudflare-api-token': 'cf-access-token' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      "::warning::The account's inactivity policy will disable service token 'svc'"
    );
    expect(result.summary).toContain(
      'Inactivity policy: disable service tokens no policy references after 90 days'
    );
  });

  it('skips the inactivity check where the organization may not be read', async () => {
    const e = await start();
    const result = await run(e);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('inactivity policy will');
    expect(result.summary).toContain('Inactivity policy: not checked');
  });

  it("shows an API token's last use (last_used_on) and warns past max-idle-days", async () => {
    const e = await start();
    const dns = e.cloudflare.seedApiToken({ name: 'dns', permissions: ['access:service_tokens:read'] });
    // Used 40 days ago, on the emulator's clock.
    e.clock.advance(-40 * 86_400_000);
    await fetch(`${e.cloudflareApiUrl}/accounts/${ACCOUNT}/access/service_tokens`, {
      headers: { authorization: `Bearer ${dns.value}` }
    });
    e.clock.advance(40 * 86_400_000);
    const result = await run(e, {
      credential: 'api-token',
      'api-token-secret-name': 'CLOUDFLARE_DNS_TOKEN',
      'cloudflare-api-token': 'cf-admin',
      'account-id': '',
      'token-name': 'dns',
      mode: 'check',
      'max-idle-days': '30'
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /::warning::API token 'dns' \(\w+\) was last used at .*, more than max-idle-days \(30\) ago\./
    );
    expect(result.summary).toMatch(/Last used: \d{4}-/);
  });
});
