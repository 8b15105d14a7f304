import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { AccessPolicyStore, PolicyObject } from '../../src/cloudflare/access-policies.js';
import { putBody } from '../../src/cloudflare/access-policies.js';
import { inactivityNotes } from '../../src/credentials/service-token/access/inactivity.js';
import {
  AccessMembership,
  type AccessRecord
} from '../../src/credentials/service-token/access/membership.js';
import {
  decisionProblem,
  includesToken,
  samePolicy,
  withToken
} from '../../src/credentials/service-token/access/rules.js';
import type { TokenState } from '../../src/credentials/service-token/model.js';
import { readSettings } from '../../src/credentials/settings.js';
import { AccessPolicyError, InputError } from '../../src/errors.js';
import {
  parseAccessPolicies,
  parseMaxIdleDays,
  type AccessPolicyRef
} from '../../src/settings/access-policies.js';
import { setInputs, validInputs, ZONE_ID } from '../support/inputs.js';

const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterEach(() => {
  setInputs({});
  stdout.mockClear();
});

const POLICY = '11111111-1111-4111-8111-111111111111';
const APP = 'AAAAAAAA-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TOKEN = 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415';
const OTHER = { service_token: { token_id: '99999999-9999-4999-8999-999999999999' } };
const base: PolicyObject = {
  id: POLICY,
  name: 'CI',
  decision: 'non_identity',
  include: [OTHER],
  exclude: [{ ip: { ip: '192.0.2.0/24' } }],
  require: [{ geo: { country_code: 'CH' } }],
  session_duration: '30m',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-02T00:00:00Z'
};

describe('the include merge (pure)', () => {
  it('appends the token rule and keeps every other field and rule', () => {
    const merged = withToken(base, TOKEN);
    expect(merged).toEqual({ ...base, include: [OTHER, { service_token: { token_id: TOKEN } }] });
    expect(base['include']).toEqual([OTHER]);
    expect(includesToken(merged, TOKEN)).toBe(true);
    expect(includesToken(base, TOKEN)).toBe(false);
  });

  it('changes nothing when the rule is there, and copes with a missing include', () => {
    const merged = withToken(base, TOKEN);
    expect(withToken(merged, TOKEN)).toBe(merged);
    expect(withToken({ name: 'x', decision: 'non_identity' }, TOKEN)['include']).toEqual([
      { service_token: { token_id: TOKEN } }
    ]);
  });

  it('accepts only Service Auth policies', () => {
    expect(decisionProblem(base)).toBeUndefined();
    expect(decisionProblem({ ...base, decision: 'allow' })).toBe(
      "its decision is 'allow', not 'non_identity' (Service Auth)"
    );
    expect(decisionProblem({ name: 'x' })).toMatch(/not given/);
  });

  it('compares policies without updated_at and without regard to key order', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse());
    expect(samePolicy(base, { ...reordered, updated_at: '2027-01-01T00:00:00Z' })).toBe(true);
    expect(samePolicy(base, { ...base, session_duration: '8h' })).toBe(false);
  });

  it('sends back every field but the server-set ones', () => {
    expect(putBody({ ...base, uid: POLICY, app_count: 2, reusable: true })).toEqual({
      name: 'CI',
      decision: 'non_identity',
      include: [OTHER],
      exclude: base['exclude'],
      require: base['require'],
      session_duration: '30m'
    });
  });
});

describe('access-policy-id and max-idle-days', () => {
  it('reads reusable and app-scoped ids, lower-cased, skipping blank lines and comments', () => {
    expect(
      parseAccessPolicies(`\n${POLICY}\n# note\n${APP}/${POLICY.toUpperCase()}\n`, {
        kind: 'account',
        id: 'a'
      })
    ).toEqual([
      { kind: 'reusable', policyId: POLICY, label: POLICY },
      { kind: 'app', appId: APP.toLowerCase(), policyId: POLICY, label: `${APP.toLowerCase()}/${POLICY}` }
    ]);
  });

  it.each([
    ['not-a-uuid', /'not-a-uuid' is not a policy id/],
    [`${APP}/${POLICY}/x`, /is not a policy id/],
    [`${POLICY}\n${POLICY}`, /is listed twice/]
  ])('rejects %j', (text, message) => {
    expect(() => parseAccessPolicies(text, { kind: 'account', id: 'a' })).toThrow(message);
  });

  it('refuses a reusable policy for a zone-scoped token', () => {
    expect(() => parseAccessPolicies(POLICY, { kind: 'zone', id: 'z' })).toThrow(
      /reusable policies belong to an account/
    );
    expect(parseAccessPolicies(`${APP}/${POLICY}`, { kind: 'zone', id: 'z' })).toHaveLength(1);
  });

  it('reads max-idle-days as whole days, empty as none', () => {
    expect(parseMaxIdleDays('')).toBeUndefined();
    expect(parseMaxIdleDays(' 45 ')).toBe(45);
    for (const bad of ['0', '1.5', 'ten', '4000']) expect(() => parseMaxIdleDays(bad)).toThrow(InputError);
  });

  it('parses both inputs into the settings, and refuses them for an API token run', () => {
    setInputs(validInputs({ 'access-policy-id': POLICY, 'max-idle-days': '30' }));
    const settings = readSettings({});
    if (settings.credential !== 'access-service-token') throw new Error('not a service token run');
    expect(settings.serviceToken.accessPolicies).toHaveLength(1);
    expect(settings.maxIdleDays).toBe(30);
    setInputs(validInputs({ 'account-id': '', 'zone-id': ZONE_ID, 'access-policy-id': 'bad' }));
    expect(() => readSettings({})).toThrow(/access-policy-id/);
    setInputs(validInputs({ credential: 'api-token', 'access-policy-id': POLICY }));
    expect(() => readSettings({})).toThrow(/credential api-token does not use it/);
  });
});

/** A policy store in memory; `onRead` may change the policy after a read, as another editor would. */
function memoryStore(policy: PolicyObject, onRead?: (reads: number, current: PolicyObject) => PolicyObject) {
  let current = policy;
  let reads = 0;
  const writes: PolicyObject[] = [];
  const store: AccessPolicyStore = {
    read: () => {
      reads += 1;
      const answer = current;
      if (onRead) current = onRead(reads, current);
      return Promise.resolve(answer);
    },
    write: (_ref, body) => {
      writes.push(body);
      current = body;
      return Promise.resolve(body);
    }
  };
  return { store, writes, current: () => current };
}

const ref: AccessPolicyRef = { kind: 'reusable', policyId: POLICY, label: POLICY };
const newRecord = (): AccessRecord => ({ policies: [], notes: [] });

describe('AccessMembership (read-modify-write)', () => {
  it('adds the token once, re-reading just before the PUT; present needs no PUT', async () => {
    const { store, writes } = memoryStore(base);
    const record = newRecord();
    const membership = await AccessMembership.observe([ref], store, TOKEN, record);
    expect(record.policies).toEqual([{ id: POLICY, status: 'would-add' }]);
    await membership.prepare(TOKEN);
    await membership.ensure(TOKEN);
    expect(writes).toEqual([withToken(base, TOKEN)]);
    expect(record.policies).toEqual([{ id: POLICY, status: 'added' }]);
    const again = newRecord();
    await (await AccessMembership.observe([ref], store, TOKEN, again)).ensure(TOKEN);
    expect(again.policies).toEqual([{ id: POLICY, status: 'present' }]);
    expect(writes).toHaveLength(1);
  });

  it('starts over when the policy changed between the reads, keeping the edit', async () => {
    const { store, writes } = memoryStore(base, (reads, current) =>
      reads === 1 ? { ...current, session_duration: '8h' } : current
    );
    const membership = await AccessMembership.observe([ref], store, TOKEN, newRecord());
    await membership.ensure(TOKEN);
    expect(writes).toEqual([withToken({ ...base, session_duration: '8h' }, TOKEN)]);
  });

  it('gives up after three changes in a row, without writing', async () => {
    const { store, writes } = memoryStore(base, (reads, current) => ({ ...current, precedence: reads }));
    const record = newRecord();
    const membership = await AccessMembership.observe([ref], store, TOKEN, record);
    await expect(membership.ensure(TOKEN)).rejects.toThrow(AccessPolicyError);
    expect(writes).toEqual([]);
    expect(record.policies).toEqual([{ id: POLICY, status: 'failed' }]);
  });

  it('before a create, proves the edit permission by writing the policy back unchanged', async () => {
    const { store, writes } = memoryStore(base);
    const membership = await AccessMembership.observe([ref], store, undefined, newRecord());
    await membership.prepare(undefined);
    expect(writes).toEqual([base]);
  });

  it('refuses a policy that is not Service Auth before any write', async () => {
    const { store, writes } = memoryStore({ ...base, decision: 'allow' });
    await expect(AccessMembership.observe([ref], store, TOKEN, newRecord())).rejects.toThrow(
      /cannot admit a service token: its decision is 'allow'.*Make it a Service Auth policy/
    );
    expect(writes).toEqual([]);
  });
});

describe('inactivity notes (pure)', () => {
  const token: TokenState = {
    id: TOKEN,
    name: 'svc',
    clientId: 'c.access',
    enabled: true,
    duration: '8760h',
    expiresAt: null,
    hints: { lastSeenAt: new Date('2026-01-01T00:00:00Z') }
  };
  const input = {
    token,
    tokenName: 'svc',
    policies: 0,
    maxIdleDays: 30,
    now: new Date('2026-03-01T00:00:00Z')
  };

  it('describes the setting and the last use', () => {
    expect(
      inactivityNotes({ ...input, setting: { enabled: true, action: 'delete', thresholdDays: 60 } })
    ).toEqual([
      'Inactivity policy: delete service tokens no policy references after 60 days without use; no policy this action manages references this token.',
      'Last used: 2026-01-01T00:00:00.000Z.'
    ]);
    expect(
      inactivityNotes({
        ...input,
        policies: 2,
        setting: { enabled: true, action: 'disable', thresholdDays: 90 }
      })[0]
    ).toMatch(/this token is kept in 2 policy/);
    expect(inactivityNotes({ ...input, setting: 'unreadable', token: undefined })).toEqual([
      'Inactivity policy: not checked (the Access organization could not be read; that needs Access: Organizations, Identity Providers, and Groups Read).'
    ]);
    expect(inactivityNotes({ ...input, setting: undefined, token: { ...token, hints: {} } })).toEqual([
      'Last used: not reported by Cloudflare.'
    ]);
  });
});
