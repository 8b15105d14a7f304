import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeApis, CLOUDFLARE_URL, GITHUB_URL } from '../support/nock-apis.js';
import { cfError } from '../support/cloudflare-envelope.js';
import {
  groupId,
  stamp,
  type FakeApiToken,
  type FakePolicy,
  type SeedApiToken
} from '../support/nock-api-tokens.js';
import { ACCOUNT_ID, ZONE_ID, validInputs } from '../support/inputs.js';
import { runAction, visibleLog, type ActionRun } from '../support/run-action.js';
import type { TargetEntry } from '../../src/report/outputs.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const REPO = 'repo:octo/web';
const ENV = 'env:octo/web@production';
const API = 'repo:octo/api';
const SECRET = 'CLOUDFLARE_API_TOKEN';
const PROBE = 'CF_TOKEN_ROTATOR_WRITE_PROBE';
const WHOLE_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const ZONE_RESOURCE = `com.cloudflare.api.account.zone.${ZONE_ID}`;
const ACCOUNT_RESOURCE = `com.cloudflare.api.account.${ACCOUNT_ID}`;

const POLICY = `
policies:
  - effect: allow
    permission_groups: [DNS Write, zone read]
    resources:
      ${ZONE_RESOURCE}: '*'
  - effect: allow
    permission_groups:
      - name: 'Access: Audit Logs Read'
    resources:
      ${ACCOUNT_RESOURCE}: '*'
condition:
  request_ip:
    in: [127.0.0.0/8, 192.0.2.0/24]
    not_in: [192.0.2.7/32]
`;

let fake: FakeApis;

beforeEach(async () => {
  fake = await FakeApis.start();
  fake.addRepository('octo/web', ['production']);
});
afterEach(() => {
  expect(fake.violations).toEqual([]);
  fake.stop();
});

/** A user-owned API token named 'deploy', run with the operator token unless overridden. */
function inputs(overrides: Record<string, string> = {}): Record<string, string> {
  return validInputs({
    'cloudflare-api-url': CLOUDFLARE_URL,
    'github-api-url': GITHUB_URL,
    credential: 'api-token',
    'api-token-secret-name': 'CLOUDFLARE_API_TOKEN',
    'account-id': '',
    'token-name': 'deploy',
    'api-token-policy': POLICY,
    ...overrides
  });
}

const entries = (run: ActionRun): TargetEntry[] => JSON.parse(run.outputs.targets ?? '[]') as TargetEntry[];
const cloudflareCalls = (): string[] => fake.calls.filter((call) => call.includes(' cf/'));
const secretPuts = (): number[] =>
  fake.calls.flatMap((call, index) =>
    call.startsWith('PUT gh/') && call.endsWith(`/${SECRET}`) ? [index] : []
  );
/** The policies without the ids Cloudflare assigns: what a replacement must carry over. */
const withoutIds = (policies: readonly FakePolicy[]) =>
  policies.map((policy) => ({
    effect: policy.effect,
    permission_groups: policy.permission_groups,
    resources: policy.resources
  }));

function only(name = 'deploy'): FakeApiToken {
  const tokens = fake.apiTokens.named(name);
  expect(tokens).toHaveLength(1);
  return tokens[0] as FakeApiToken;
}

/** A token as a replacement copies it: two policies, a condition, 200 days of validity left. */
function seedDeploy(overrides: SeedApiToken = {}): FakeApiToken {
  return fake.apiTokens.seed({
    name: 'deploy',
    issued_on: new Date(Date.now() - 100 * DAY),
    expires_on: stamp(new Date(Date.now() + 200 * DAY)),
    policies: [
      {
        id: 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0',
        effect: 'allow',
        permission_groups: [{ id: groupId('DNS Write'), name: 'DNS Write' }],
        resources: { [ZONE_RESOURCE]: '*' }
      },
      {
        id: 'b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1',
        effect: 'deny',
        permission_groups: [{ id: groupId('Zone Read'), name: 'Zone Read' }],
        resources: { [`com.cloudflare.api.account.zone.${'e'.repeat(32)}`]: '*' }
      }
    ],
    condition: { 'request.ip': { in: ['127.0.0.1/32', '198.51.100.0/24'] } },
    ...overrides
  });
}

/** Every place holds the token's value, written a minute after the token was issued. */
function seedHeld(token: FakeApiToken, places = [REPO, ENV]): void {
  const written = new Date(Date.parse(token.issued_on) + 60_000);
  for (const place of places) fake.seedSecret(place, SECRET, token.value, written);
}

/** No value may appear where the action prints or writes, except the exposed (masked) output. */
function expectNoValuePrinted(run: ActionRun, values: string[], exposed = false): void {
  for (const value of values) {
    expect(visibleLog(run.stdout)).not.toContain(value);
    expect(run.summary).not.toContain(value);
    const outputs = { ...run.outputs };
    if (exposed) delete outputs['api-token'];
    expect(JSON.stringify(outputs)).not.toContain(value);
  }
}

describe('credential api-token: run() against the nock fake of Cloudflare and GitHub', () => {
  it('creates a token from a YAML policy with resolved group ids, its condition and expiry, and writes it everywhere', async () => {
    const started = Date.now();
    const run = await runAction(inputs());
    expect(run.failed).toBe(false);
    const token = only();
    expect(token.owner).toEqual({ kind: 'user' });
    expect(token.policies).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        effect: 'allow',
        permission_groups: [
          { id: '4755a26eedb94da69e1066d98aa820be', name: 'DNS Write' },
          { id: 'c8fed203ed3043cba015a93ad1616f1f', name: 'Zone Read' }
        ],
        resources: { [ZONE_RESOURCE]: '*' }
      },
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        effect: 'allow',
        permission_groups: [{ id: 'b05b28e839c54467a7d6cba5d3abb5a3', name: 'Access: Audit Logs Read' }],
        resources: { [ACCOUNT_RESOURCE]: '*' }
      }
    ]);
    expect(token.condition).toEqual({
      'request.ip': { in: ['127.0.0.0/8', '192.0.2.0/24'], not_in: ['192.0.2.7/32'] }
    });
    // duration defaults to 8760h; Cloudflare keeps whole seconds.
    expect(token.issued_on).toMatch(WHOLE_SECONDS);
    expect(token.expires_on).toMatch(WHOLE_SECONDS);
    const expires = Date.parse(token.expires_on as string);
    expect(expires).toBeGreaterThanOrEqual(Math.floor((started + 8760 * HOUR) / 1000) * 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 8760 * HOUR);
    // Opened with each scope's private key by the fake: sealed for the right key, and the token's value.
    expect(fake.secret(REPO, SECRET)).toBe(token.value);
    expect(fake.secret(ENV, SECRET)).toBe(token.value);
    expect(fake.mutations()).toEqual([
      'POST cf/user/tokens',
      `PUT gh/repos/octo/web/actions/secrets/${SECRET}`,
      `PUT gh/repos/octo/web/environments/production/secrets/${SECRET}`
    ]);
    expect(cloudflareCalls()).toContain('GET cf/user/tokens/permission_groups');
    expect(run.outputs).toMatchObject({
      result: 'created',
      'token-id': token.id,
      'expires-at': new Date(expires).toISOString()
    });
    expect(entries(run)).toEqual([
      { target: 'octo/web', secret: SECRET, status: 'created' },
      { target: 'octo/web@production', secret: SECRET, status: 'created' }
    ]);
    expect(run.outputs['api-token']).toBeUndefined();
    expect(run.stdout).toContain(`::add-mask::${token.value}`);
    expectNoValuePrinted(run, [token.value]);
    expect(run.summary).toContain('<b>created</b>');
  });

  it('changes nothing on a second run right after a successful one', async () => {
    expect((await runAction(inputs())).failed).toBe(false);
    const token = only();
    const before = fake.calls.length;
    const run = await runAction(inputs());
    expect(run.failed).toBe(false);
    expect(run.outputs).toMatchObject({ result: 'unchanged', 'token-id': token.id });
    expect(fake.calls.slice(before).filter((call) => !call.startsWith('GET '))).toEqual([]);
    expect(entries(run).map((entry) => entry.status)).toEqual(['unchanged', 'unchanged']);
    expect(only().value).toBe(token.value);
  });

  it('finds the token on a later page of the list, asking for 50 per page', async () => {
    for (let index = 0; index < 55; index++) {
      fake.apiTokens.seed({
        name: `other-${index}`,
        issued_on: new Date(Date.now() - 300 * DAY + index * DAY)
      });
    }
    const token = seedDeploy();
    seedHeld(token);
    const run = await runAction(inputs());
    expect(run.failed).toBe(false);
    expect(run.outputs).toMatchObject({ result: 'unchanged', 'token-id': token.id });
    const lists = fake.apiTokens.requests.filter(
      (request) => request.method === 'GET' && request.path === '/user/tokens'
    );
    expect(lists.map((request) => request.query)).toEqual([
      // Expired tokens too: one that targets still hold is the template of its replacement.
      { per_page: '50', include_expired: 'true' },
      { per_page: '50', include_expired: 'true', page: '2' }
    ]);
  });

  it('replaces a token: old policies and condition, verified before the first write, the old one deleted after the last', async () => {
    const old = seedDeploy();
    seedHeld(old);
    const run = await runAction(inputs({ mode: 'rotate' }));
    expect(run.failed).toBe(false);
    const replacement = only();
    expect(replacement.id).not.toBe(old.id);
    expect(withoutIds(replacement.policies)).toEqual(withoutIds(old.policies));
    expect(replacement.condition).toEqual(old.condition);
    expect(Date.parse(replacement.expires_on as string)).toBeGreaterThan(Date.now() + 364 * DAY);
    expect(fake.apiTokens.deleted.map((token) => token.id)).toEqual([old.id]);
    expect(fake.mutations()).toEqual([
      'POST cf/user/tokens',
      `PUT gh/repos/octo/web/actions/secrets/${SECRET}`,
      `PUT gh/repos/octo/web/environments/production/secrets/${SECRET}`,
      `DELETE cf/user/tokens/${old.id}`
    ]);
    // The new value is verified (by its own bearer value) before any secret is written.
    const verified = fake.apiTokens.verifications().find((request) => request.caller === replacement.id);
    expect(verified?.status).toBe(200);
    const puts = secretPuts();
    expect(verified?.at).toBeLessThan(puts[0] as number);
    expect(fake.calls.indexOf(`DELETE cf/user/tokens/${old.id}`)).toBeGreaterThan(puts.at(-1) as number);
    expect(fake.secret(REPO, SECRET)).toBe(replacement.value);
    expect(fake.secret(ENV, SECRET)).toBe(replacement.value);
    expect(run.outputs).toMatchObject({
      result: 'replaced',
      'token-id': replacement.id,
      'expires-at': new Date(replacement.expires_on as string).toISOString()
    });
    expect(entries(run).map((entry) => entry.status)).toEqual(['updated', 'updated']);
    expectNoValuePrinted(run, [old.value, replacement.value]);
  });

  it('rolls a token: same id, a new value through PUT /value, every target holds it', async () => {
    const token = seedDeploy();
    seedHeld(token);
    const { id, value: oldValue, issued_on: issuedOn, modified_on: modifiedOn } = token;
    const started = Math.floor(Date.now() / 1000) * 1000;
    const run = await runAction(inputs({ mode: 'rotate', strategy: 'roll' }));
    expect(run.failed).toBe(false);
    expect(only()).toBe(token);
    expect(token.id).toBe(id);
    expect(token.value).not.toBe(oldValue);
    expect(fake.apiTokens.byValue(oldValue)).toBeUndefined();
    expect(token.issued_on).toBe(issuedOn);
    expect(token.modified_on).not.toBe(modifiedOn);
    expect(Date.parse(token.modified_on)).toBeGreaterThanOrEqual(started);
    // A throw-away secret first: a roll cannot be undone, so github-token must prove it can write.
    expect(fake.mutations()).toEqual([
      `PUT gh/repos/octo/web/actions/secrets/${PROBE}`,
      `DELETE gh/repos/octo/web/actions/secrets/${PROBE}`,
      // One probe per owner and kind of target: the environment's secrets are a permission of their own.
      `PUT gh/repos/octo/web/environments/production/secrets/${PROBE}`,
      `DELETE gh/repos/octo/web/environments/production/secrets/${PROBE}`,
      `PUT cf/user/tokens/${id}/value`,
      `PUT gh/repos/octo/web/actions/secrets/${SECRET}`,
      `PUT gh/repos/octo/web/environments/production/secrets/${SECRET}`
    ]);
    expect(fake.secret(REPO, SECRET)).toBe(token.value);
    expect(fake.secret(ENV, SECRET)).toBe(token.value);
    expect(run.outputs).toMatchObject({ result: 'rolled', 'token-id': id });
    expectNoValuePrinted(run, [oldValue, token.value]);
    // The rolled value is fresh in every target: the next run leaves it alone.
    const again = await runAction(inputs({ strategy: 'roll' }));
    expect(again.outputs.result).toBe('unchanged');
  });

  it('does not roll when github-token cannot write secrets: the probe fails first', async () => {
    const token = seedDeploy();
    seedHeld(token);
    const oldValue = token.value;
    fake.faults.push((method, path) =>
      method === 'PUT' && path.includes('/secrets/')
        ? [403, { message: 'Resource not accessible by integration' }]
        : undefined
    );
    const run = await runAction(inputs({ mode: 'rotate', strategy: 'roll' }));
    expect(run.failed).toBe(true);
    expect(run.stdout).toContain(
      '::error::github-token could not write a secret to octo/web (403 Resource not accessible by integration), so the token was not rolled.'
    );
    // Nothing changed on Cloudflare: every consumer keeps its working value.
    expect(fake.mutations().filter((call) => call.includes(' cf/'))).toEqual([]);
    expect(token.value).toBe(oldValue);
    expect(fake.secret(REPO, SECRET)).toBe(oldValue);
  });

  it('renews a token inside the renewal window before rolling it (strategy roll, mode auto)', async () => {
    const token = seedDeploy({ expires_on: stamp(new Date(Date.now() + 10 * DAY)) });
    seedHeld(token);
    const oldValue = token.value;
    const started = Date.now();
    const run = await runAction(inputs({ strategy: 'roll', duration: '720h' }));
    expect(run.failed).toBe(false);
    expect(run.outputs.result).toBe('rolled');
    expect(fake.mutations()).toEqual([
      `PUT gh/repos/octo/web/actions/secrets/${PROBE}`,
      `DELETE gh/repos/octo/web/actions/secrets/${PROBE}`,
      // One probe per owner and kind of target: the environment's secrets are a permission of their own.
      `PUT gh/repos/octo/web/environments/production/secrets/${PROBE}`,
      `DELETE gh/repos/octo/web/environments/production/secrets/${PROBE}`,
      `PUT cf/user/tokens/${token.id}`,
      `PUT cf/user/tokens/${token.id}/value`,
      `PUT gh/repos/octo/web/actions/secrets/${SECRET}`,
      `PUT gh/repos/octo/web/environments/production/secrets/${SECRET}`
    ]);
    const expires = Date.parse(token.expires_on as string);
    expect(expires).toBeGreaterThanOrEqual(Math.floor((started + 720 * HOUR) / 1000) * 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 720 * HOUR);
    // The renewal is a whole-token PUT: policies and condition survive it.
    expect(token.policies.map((policy) => policy.permission_groups)).toEqual([
      [{ id: groupId('DNS Write'), name: 'DNS Write' }],
      [{ id: groupId('Zone Read'), name: 'Zone Read' }]
    ]);
    expect(token.condition).toEqual({ 'request.ip': { in: ['127.0.0.1/32', '198.51.100.0/24'] } });
    expect(token.value).not.toBe(oldValue);
    expect(fake.secret(REPO, SECRET)).toBe(token.value);
    expect(run.outputs['expires-at']).toBe(new Date(expires).toISOString());
  });

  it('rolls the token it runs with and carries on with the new value', async () => {
    const token = seedDeploy();
    seedHeld(token);
    const oldValue = token.value;
    const run = await runAction(
      inputs({ mode: 'rotate', strategy: 'roll', 'cloudflare-api-token': oldValue })
    );
    expect(run.failed).toBe(false);
    expect(run.outputs).toMatchObject({ result: 'rolled', 'token-id': token.id });
    expect(fake.secret(REPO, SECRET)).toBe(token.value);
    expect(fake.secret(ENV, SECRET)).toBe(token.value);
    const rolled = fake.apiTokens.requests.findIndex((request) => request.path.endsWith('/value'));
    // Whatever the run asks Cloudflare after the roll, it asks with the new value: the old one is dead.
    const after = fake.apiTokens.requests.slice(rolled + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((request) => request.caller === token.id)).toBe(true);
    expectNoValuePrinted(run, [oldValue, token.value]);
  });

  it('reports a roll whose answer was lost, sent once, and writes nothing', async () => {
    const token = seedDeploy();
    seedHeld(token);
    const oldValue = token.value;
    fake.apiTokens.loseAnswer('PUT', `/user/tokens/${token.id}/value`);
    const run = await runAction(inputs({ mode: 'rotate', strategy: 'roll' }));
    expect(run.failed).toBe(true);
    expect(token.value).not.toBe(oldValue);
    expect(run.stdout).toContain(
      `::error::Rolling API token 'deploy' (${token.id}) took effect, but its answer was lost: the old value no longer works and the new one is unknown.`
    );
    expect(fake.mutations()).toEqual([
      `PUT gh/repos/octo/web/actions/secrets/${PROBE}`,
      `DELETE gh/repos/octo/web/actions/secrets/${PROBE}`,
      // One probe per owner and kind of target: the environment's secrets are a permission of their own.
      `PUT gh/repos/octo/web/environments/production/secrets/${PROBE}`,
      `DELETE gh/repos/octo/web/environments/production/secrets/${PROBE}`,
      `PUT cf/user/tokens/${token.id}/value`
    ]);
    expect(fake.secret(REPO, SECRET)).toBe(oldValue);
    expectNoValuePrinted(run, [oldValue, token.value]);
  });

  it('manages an account-owned token through the /accounts/{id}/tokens routes', async () => {
    const ops = fake.apiTokens.seed({
      name: 'ops',
      owner: { kind: 'account', accountId: ACCOUNT_ID },
      groups: ['Account API Tokens Write'],
      resources: { [ACCOUNT_RESOURCE]: '*' }
    });
    const accountInputs = inputs({ 'account-id': ACCOUNT_ID, 'cloudflare-api-token': ops.value });
    const created = await runAction(accountInputs);
    expect(created.failed).toBe(false);
    const token = only();
    expect(token.owner).toEqual({ kind: 'account', accountId: ACCOUNT_ID });
    expect(token.value).toMatch(/^cfat_/);
    expect(fake.secret(REPO, SECRET)).toBe(token.value);
    const replaced = await runAction({ ...accountInputs, mode: 'rotate' });
    expect(replaced.failed).toBe(false);
    expect(replaced.outputs.result).toBe('replaced');
    const replacement = only();
    expect(fake.secret(ENV, SECRET)).toBe(replacement.value);
    const base = `cf/accounts/${ACCOUNT_ID}/tokens`;
    expect(fake.mutations().filter((call) => call.includes(' cf/'))).toEqual([
      `POST ${base}`,
      `POST ${base}`,
      `DELETE ${base}/${token.id}`
    ]);
    expect(cloudflareCalls()).toEqual(
      expect.arrayContaining([`GET ${base}/permission_groups`, `GET ${base}/verify`, `GET ${base}`])
    );
    // cloudflare-api-token is account-owned: /user/tokens/verify refuses it, nothing else goes to /user.
    expect(cloudflareCalls().filter((call) => call.includes(' cf/user/'))).toEqual([
      'GET cf/user/tokens/verify',
      'GET cf/user/tokens/verify'
    ]);
    expect(
      cloudflareCalls().every((call) => call.includes(` ${base}`) || call === 'GET cf/user/tokens/verify')
    ).toBe(true);
  });

  it('names API Tokens Write when Cloudflare refuses the create with 403, and writes nothing', async () => {
    fake.apiTokens.inject({
      method: 'POST',
      path: '/user/tokens',
      reply: [403, cfError(10000, 'Authentication error')]
    });
    const run = await runAction(inputs());
    expect(run.failed).toBe(true);
    expect(run.stdout).toMatch(
      /::error::cloudflare-api-token may not create API token 'deploy' for your user \(403: 10000 Authentication error\)\. Grant it the 'API Tokens Write' permission on your user\./
    );
    expect(fake.mutations()).toEqual(['POST cf/user/tokens']);
    expect(fake.apiTokens.named('deploy')).toEqual([]);
    expect(fake.secret(REPO, SECRET)).toBeUndefined();
    expect(run.outputs.result).toBe('failed');
  });

  it('reports a create that failed with 500, sent once, with nothing written and no token left', async () => {
    fake.apiTokens.inject({
      method: 'POST',
      path: '/user/tokens',
      nth: 1,
      reply: [500, cfError(10001, 'Internal server error')]
    });
    const run = await runAction(inputs());
    expect(run.failed).toBe(true);
    expect(run.stdout).toMatch(
      /::error::Could not create API token 'deploy' for your user \(500: 10001 Internal server error\)/
    );
    expect(fake.mutations()).toEqual(['POST cf/user/tokens']);
    expect(fake.apiTokens.named('deploy')).toEqual([]);
    expect(fake.secret(REPO, SECRET)).toBeUndefined();
    expect(fake.secret(ENV, SECRET)).toBeUndefined();
  });

  it('deletes the orphan of a create whose answer was lost, and reports the lost value', async () => {
    fake.apiTokens.loseAnswer('POST', '/user/tokens');
    const run = await runAction(inputs());
    expect(run.failed).toBe(true);
    const [orphan] = fake.apiTokens.deleted;
    expect(orphan?.name).toBe('deploy');
    expect(run.stdout).toContain(
      `::error::Creating API token 'deploy' for your user took effect, but its answer (and so the value) was lost; the new token ${orphan?.id} was deleted again.`
    );
    expect(fake.mutations()).toEqual(['POST cf/user/tokens', `DELETE cf/user/tokens/${orphan?.id}`]);
    expect(fake.apiTokens.named('deploy')).toEqual([]);
    expect(fake.secret(REPO, SECRET)).toBeUndefined();
    expectNoValuePrinted(run, [orphan?.value as string]);
  });

  it('deletes a new token whose condition shuts out the runner, before writing anything', async () => {
    const run = await runAction(
      inputs({
        'api-token-policy': POLICY.replace('in: [127.0.0.0/8, 192.0.2.0/24]', 'in: [192.0.2.0/24]')
      })
    );
    expect(run.failed).toBe(true);
    expect(run.stdout).toMatch(
      /::error::The new API token 'deploy' \([0-9a-f]{32}\) does not work from this runner \(.*Cannot use the access token from location: 127\.0\.0\.1.*\)\. It was deleted again/
    );
    expect(fake.apiTokens.named('deploy')).toEqual([]);
    expect(fake.apiTokens.deleted).toHaveLength(1);
    expect(secretPuts()).toEqual([]);
  });

  it('keeps both tokens when one target cannot be written, and fails naming it', async () => {
    fake.addRepository('octo/api');
    const old = seedDeploy();
    seedHeld(old, [REPO, ENV, API]);
    fake.faults.push((method, path) =>
      method === 'PUT' && path.startsWith('/repos/octo/api/')
        ? [403, { message: 'Resource not accessible by integration' }]
        : undefined
    );
    const run = await runAction(
      inputs({ mode: 'rotate', targets: 'octo/web\nocto/web@production\nocto/api' })
    );
    expect(run.failed).toBe(true);
    expect(run.stdout).toMatch(
      /::error::1 of 3 target\(s\) did not receive the new API token: octo\/api \(403 Resource not accessible by integration\)/
    );
    const tokens = fake.apiTokens.named('deploy');
    expect(tokens.map((token) => token.id)).toContain(old.id);
    expect(tokens).toHaveLength(2);
    expect(fake.apiTokens.deleted).toEqual([]);
    const replacement = tokens.find((token) => token.id !== old.id) as FakeApiToken;
    expect(fake.secret(REPO, SECRET)).toBe(replacement.value);
    expect(fake.secret(ENV, SECRET)).toBe(replacement.value);
    expect(fake.secret(API, SECRET)).toBe(old.value);
    expect(fake.mutations().filter((call) => call.startsWith('DELETE '))).toEqual([]);
    expect(run.outputs).toMatchObject({ result: 'failed', 'token-id': replacement.id });
    expect(run.summary).toContain('Reached: replaced, then failed to write 1 of 3 target(s)');
    expect(entries(run)).toContainEqual({
      target: 'octo/api',
      secret: SECRET,
      status: 'failed: 403 Resource not accessible by integration'
    });
    expectNoValuePrinted(run, [old.value, replacement.value]);
  });

  it('replaces the token it runs with: deleted last, as the final Cloudflare request', async () => {
    const running = seedDeploy({
      policies: [
        {
          id: 'c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2',
          effect: 'allow',
          permission_groups: [{ id: groupId('API Tokens Write'), name: 'API Tokens Write' }],
          resources: { 'com.cloudflare.api.user.*': '*' }
        },
        {
          id: 'd3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3',
          effect: 'allow',
          permission_groups: [{ id: groupId('DNS Write'), name: 'DNS Write' }],
          resources: { [ZONE_RESOURCE]: '*' }
        }
      ]
    });
    seedHeld(running);
    // A failed run's leftover, issued after the targets were written: no one holds it, so it goes too.
    const leftover = fake.apiTokens.seed({
      name: 'deploy',
      issued_on: new Date(Date.now() - 50 * DAY),
      policies: running.policies
    });
    const run = await runAction(inputs({ mode: 'rotate', 'cloudflare-api-token': running.value }));
    expect(run.failed).toBe(false);
    const replacement = only();
    expect(withoutIds(replacement.policies)).toEqual(withoutIds(running.policies));
    expect(fake.apiTokens.deleted.map((token) => token.id)).toEqual([leftover.id, running.id]);
    expect(cloudflareCalls().at(-1)).toBe(`DELETE cf/user/tokens/${running.id}`);
    expect(fake.calls.indexOf(`DELETE cf/user/tokens/${running.id}`)).toBeGreaterThan(
      secretPuts().at(-1) as number
    );
    // The token deleted itself: its own value made the request.
    const deletion = fake.apiTokens.requests.find(
      (request) => request.method === 'DELETE' && request.path.endsWith(running.id)
    );
    expect(deletion).toMatchObject({ caller: running.id, status: 200 });
    expect(fake.secret(REPO, SECRET)).toBe(replacement.value);
    expect(fake.secret(ENV, SECRET)).toBe(replacement.value);
    expect(run.outputs).toMatchObject({ result: 'replaced', 'token-id': replacement.id });
    expectNoValuePrinted(run, [running.value, leftover.value, replacement.value]);
  });

  it('exposes the new value only as the masked api-token output when asked', async () => {
    const run = await runAction(inputs({ 'expose-secret': 'true' }));
    expect(run.failed).toBe(false);
    const token = only();
    expect(run.outputs['api-token']).toBe(token.value);
    expect(run.outputs['client-secret']).toBeUndefined();
    expect(Object.keys(run.outputs).sort()).toEqual([
      'api-token',
      'expires-at',
      'result',
      'targets',
      'token-id'
    ]);
    expect(run.stdout).toContain(`::add-mask::${token.value}`);
    expectNoValuePrinted(run, [token.value], true);
    // Nothing new issued: nothing exposed.
    const again = await runAction(inputs({ 'expose-secret': 'true' }));
    expect(again.outputs.result).toBe('unchanged');
    expect(again.outputs['api-token']).toBeUndefined();
  });
});
