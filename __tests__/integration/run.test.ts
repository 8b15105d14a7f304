import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { FakeApis, CLOUDFLARE_URL, GITHUB_URL, type FakeToken } from '../support/nock-apis.js';
import { cfError } from '../support/cloudflare-envelope.js';
import { ACCOUNT_ID, ZONE_ID, validInputs } from '../support/inputs.js';
import { runAction, visibleLog, type ActionRun } from '../support/run-action.js';
import type { TargetEntry } from '../../src/report/outputs.js';

const entries = (run: ActionRun): TargetEntry[] => JSON.parse(run.outputs.targets ?? '[]') as TargetEntry[];

const DAY = 86_400_000;
const REPO = 'repo:octo/web';
const ENV = 'env:octo/web@production';
let fake: FakeApis;

beforeEach(async () => {
  fake = await FakeApis.start();
  fake.addRepository('octo/web', ['production']);
});
afterEach(() => {
  expect(fake.violations).toEqual([]);
  fake.stop();
});

function inputs(overrides: Record<string, string> = {}): Record<string, string> {
  return validInputs({ 'cloudflare-api-url': CLOUDFLARE_URL, 'github-api-url': GITHUB_URL, ...overrides });
}

/** Every secret a test saw must not appear anywhere the action prints or writes (unless exposed). */
function expectNoSecretPrinted(run: ActionRun, secrets: string[], exposed = false): void {
  for (const secret of secrets) {
    expect(visibleLog(run.stdout)).not.toContain(secret);
    expect(run.summary).not.toContain(secret);
    const outputs = { ...run.outputs };
    if (exposed) delete outputs['client-secret'];
    expect(JSON.stringify(outputs)).not.toContain(secret);
  }
}

/** Targets as an earlier run left them: both secrets written a minute after the rotation it recorded. */
function seedCurrentTargets(token: FakeToken): void {
  fake.seedRecord(token);
  const written = new Date(Date.parse(token.updated_at) + 60_000);
  for (const place of [REPO, ENV]) {
    fake.seedSecret(place, 'CF_ACCESS_CLIENT_ID', token.client_id, written);
    fake.seedSecret(place, 'CF_ACCESS_CLIENT_SECRET', token.secret, written);
  }
}

describe('run() against Cloudflare and GitHub (nock)', () => {
  it('creates a missing token and writes both secrets into every target, sealed for each key', async () => {
    const run = await runAction(inputs());
    expect(run.failed).toBe(false);
    const [token] = [...fake.tokens.values()] as [FakeToken];
    expect(run.outputs).toMatchObject({
      result: 'created',
      'token-id': token.id,
      'client-id': token.client_id,
      'expires-at': token.expires_at
    });
    for (const place of [REPO, ENV]) {
      expect(fake.secret(place, 'CF_ACCESS_CLIENT_SECRET')).toBe(token.secret);
      expect(fake.secret(place, 'CF_ACCESS_CLIENT_ID')).toBe(token.client_id);
    }
    expect(entries(run)).toEqual([
      { target: 'octo/web', secret: 'CF_ACCESS_CLIENT_ID', status: 'created' },
      { target: 'octo/web', secret: 'CF_ACCESS_CLIENT_SECRET', status: 'created' },
      { target: 'octo/web@production', secret: 'CF_ACCESS_CLIENT_ID', status: 'created' },
      { target: 'octo/web@production', secret: 'CF_ACCESS_CLIENT_SECRET', status: 'created' }
    ]);
    expect(fake.mutations().filter((call) => call.startsWith('POST cf'))).toHaveLength(1);
    expect(run.stdout).toContain(`::add-mask::${token.secret}`);
    expectNoSecretPrinted(run, [token.secret]);
    expect(run.summary).toContain('<b>created</b>');
    expect(run.summary).toContain('octo/web@production');
  });

  it('changes nothing on a second run right after a successful one', async () => {
    await runAction(inputs());
    const before = fake.calls.length;
    const run = await runAction(inputs());
    expect(run.outputs.result).toBe('unchanged');
    expect(fake.calls.slice(before).filter((call) => !call.startsWith('GET '))).toEqual([]);
    expect(entries(run).every((entry: { status: string }) => entry.status === 'unchanged')).toBe(true);
  });

  it('renews then rotates a token inside the renewal window, keeping the old secret valid for the grace', async () => {
    const token = fake.seedToken({ expires_at: new Date(Date.now() + 10 * DAY).toISOString() });
    seedCurrentTargets(token);
    const oldSecret = token.secret;
    const started = Date.now();
    const run = await runAction(inputs());
    expect(run.failed).toBe(false);
    expect(run.outputs.result).toBe('rotated');
    expect(fake.mutations()).toEqual([
      // The write-permission probe: the unchanged client id, rewritten once per owner and kind of target
      // (repository and environment secrets are separate permissions) before anything changes.
      'PUT gh/repos/octo/web/actions/secrets/CF_ACCESS_CLIENT_ID',
      'PUT gh/repos/octo/web/environments/production/secrets/CF_ACCESS_CLIENT_ID',
      `PUT cf/accounts/${ACCOUNT_ID}/access/service_tokens/${token.id}`,
      `POST cf/accounts/${ACCOUNT_ID}/access/service_tokens/${token.id}/rotate`,
      'PUT gh/repos/octo/web/actions/secrets/CF_ACCESS_CLIENT_SECRET',
      'PUT gh/repos/octo/web/environments/production/secrets/CF_ACCESS_CLIENT_SECRET'
    ]);
    expect(token.secret).not.toBe(oldSecret);
    expect(Date.parse(token.expires_at as string)).toBeGreaterThan(started + 364 * DAY);
    const grace = Date.parse(token.previous_client_secret_expires_at as string) - started;
    expect(grace).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(grace).toBeLessThan(24 * 3_600_000 + 60_000);
    expect(fake.secret(REPO, 'CF_ACCESS_CLIENT_SECRET')).toBe(token.secret);
    expect(fake.secret(ENV, 'CF_ACCESS_CLIENT_SECRET')).toBe(token.secret);
    expectNoSecretPrinted(run, [oldSecret, token.secret]);
  });

  it('heals a target left stale by an earlier run', async () => {
    const token = fake.seedToken();
    seedCurrentTargets(token);
    fake.seedSecret(
      ENV,
      'CF_ACCESS_CLIENT_SECRET',
      'an-older-secret',
      new Date(Date.parse(token.updated_at) - DAY)
    );
    const run = await runAction(inputs());
    expect(run.outputs.result).toBe('rotated');
    expect(fake.secret(ENV, 'CF_ACCESS_CLIENT_SECRET')).toBe(token.secret);
    expect(fake.secret(REPO, 'CF_ACCESS_CLIENT_SECRET')).toBe(token.secret);
    expect(run.summary).toMatch(/lack the current secret: octo\/web@production \(stale\)/);
  });

  it('rotates at zone scope with a PUT that bumps client_secret_version', async () => {
    const token = fake.seedToken({ client_secret_version: 4 });
    const run = await runAction(inputs({ 'account-id': '', 'zone-id': ZONE_ID, mode: 'rotate' }));
    expect(run.failed).toBe(false);
    expect(token.client_secret_version).toBe(5);
    expect(fake.mutations().filter((call) => call.includes(' cf/'))).toEqual([
      `PUT cf/zones/${ZONE_ID}/access/service_tokens/${token.id}`
    ]);
    expect(fake.secret(REPO, 'CF_ACCESS_CLIENT_SECRET')).toBe(token.secret);
  });

  it('refreshes the expiry without touching GitHub', async () => {
    const token = fake.seedToken({ expires_at: new Date(Date.now() + DAY).toISOString() });
    const run = await runAction(inputs({ mode: 'refresh', duration: '720h' }));
    expect(run.outputs.result).toBe('refreshed');
    expect(fake.mutations()).toEqual([`PUT cf/accounts/${ACCOUNT_ID}/access/service_tokens/${token.id}`]);
    expect(Date.parse(run.outputs['expires-at'] as string)).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it('ends the grace at the rotation time with revoke-previous, and the next run changes nothing', async () => {
    const token = fake.seedToken();
    const run = await runAction(inputs({ mode: 'rotate', 'revoke-previous': 'true' }));
    expect(run.failed).toBe(false);
    expect(Date.parse(token.previous_client_secret_expires_at as string)).toBeLessThanOrEqual(Date.now());
    expect(fake.mutations().at(-1)).toBe(`PUT cf/accounts/${ACCOUNT_ID}/access/service_tokens/${token.id}`);
    const again = await runAction(inputs());
    expect(again.outputs.result).toBe('unchanged');
  });

  it('plans but changes nothing in a dry run', async () => {
    const token = fake.seedToken({ expires_at: new Date(Date.now() + DAY).toISOString() });
    const run = await runAction(inputs({ 'dry-run': 'true' }));
    expect(run.failed).toBe(false);
    expect(run.outputs.result).toBe('would-rotate');
    expect(run.stdout).toContain('Plan (dry run): would rotate');
    expect(fake.mutations()).toEqual([]);
    expect(entries(run)[1]).toEqual({
      target: 'octo/web',
      secret: 'CF_ACCESS_CLIENT_SECRET',
      status: 'planned'
    });
    expect(run.summary).toContain('dry run');
    expect(token.client_secret_version).toBe(1);
  });

  it('exposes the new secret as a masked output only when asked', async () => {
    const hidden = await runAction(inputs());
    expect(hidden.outputs['client-secret']).toBeUndefined();
    const token = [...fake.tokens.values()][0] as FakeToken;
    const shown = await runAction(inputs({ mode: 'rotate', 'expose-secret': 'true' }));
    expect(shown.outputs['client-secret']).toBe(token.secret);
    expect(shown.stdout).toContain(`::add-mask::${token.secret}`);
    expectNoSecretPrinted(shown, [token.secret], true);
  });

  it('fails before any change when the name is ambiguous', async () => {
    fake.seedToken();
    fake.seedToken();
    const run = await runAction(inputs());
    expect(run.failed).toBe(true);
    expect(run.stdout).toMatch(/::error::2 service tokens .* are named 'svc'.*set token-id/);
    expect(fake.mutations()).toEqual([]);
  });

  it('fails before any change when a target cannot be read', async () => {
    fake.seedToken({ expires_at: new Date(Date.now() + DAY).toISOString() });
    const run = await runAction(inputs({ targets: 'octo/web\nocto/missing' }));
    expect(run.failed).toBe(true);
    expect(run.stdout).toMatch(/::error::Could not read the secrets of octo\/missing \(404 Not Found\)/);
    expect(fake.mutations()).toEqual([]);
  });

  it('names the missing permission when GitHub answers 403, before any change', async () => {
    fake.seedToken({ expires_at: new Date(Date.now() + DAY).toISOString() });
    fake.faults.push((method, path) =>
      path.endsWith('/public-key') ? [403, { message: 'Resource not accessible by integration' }] : undefined
    );
    const run = await runAction(inputs());
    expect(run.failed).toBe(true);
    expect(run.stdout).toMatch(
      /::error::Could not read the public key of octo\/web \(403 Resource not accessible by integration\).*Secrets: Read and write/
    );
    expect(fake.mutations()).toEqual([]);
  });

  it('stops before any change when cloudflare-api-token is disabled, and warns when it expires soon', async () => {
    fake.apiTokenStatus = 'disabled';
    const disabled = await runAction(inputs());
    expect(disabled.failed).toBe(true);
    expect(disabled.stdout).toMatch(/::error::cloudflare-api-token is disabled/);
    expect(fake.mutations()).toEqual([]);
    fake.apiTokenStatus = 'active';
    fake.apiTokenExpiresOn = new Date(Date.now() + 2 * DAY).toISOString();
    const expiring = await runAction(inputs());
    expect(expiring.failed).toBe(false);
    expect(expiring.stdout).toMatch(/::warning::cloudflare-api-token expires at .*replace it before then/);
  });

  it('names the missing Cloudflare permission on 403', async () => {
    fake.faults.push((method, path) =>
      path.includes('/access/')
        ? [
            403,
            {
              success: false,
              errors: [{ code: 10000, message: 'Authentication error' }],
              messages: [],
              result: null
            }
          ]
        : undefined
    );
    const run = await runAction(inputs());
    expect(run.failed).toBe(true);
    expect(run.stdout).toMatch(
      /cloudflare-api-token may not list service tokens.*Access: Service Tokens Write/
    );
  });

  it('prints no Cloudflare error body without an error list, nor a client_secret in one', async () => {
    const leaked = 'cfast_leaked0123456789abcdef';
    const create = `/accounts/${ACCOUNT_ID}/access/service_tokens`;
    fake.faults.push((method, path) =>
      method === 'POST' && path === create
        ? [400, { success: false, result: { client_id: 'x.access', client_secret: leaked } }]
        : undefined
    );
    const bare = await runAction(inputs());
    expect(bare.failed).toBe(true);
    expect(bare.stdout).toMatch(
      /::error::Could not create service token 'svc' in account \w+ \(400: no Cloudflare error codes in the response\)\./
    );
    expectNoSecretPrinted(bare, [leaked]);

    fake.faults.length = 0;
    const message = `bad request {"client_secret": "${leaked}", value=${leaked}} ${'and more '.repeat(60)}`;
    fake.faults.push((method, path) =>
      method === 'POST' && path === create
        ? [400, { success: false, errors: [{ code: 1001, message }], messages: [], result: null }]
        : undefined
    );
    const listed = await runAction(inputs());
    expect(listed.failed).toBe(true);
    const detail = /\(400: (1001 bad request .*?…)\)\./.exec(listed.stdout)?.[1] ?? '';
    expect(detail).toMatch(/^1001 bad request \{"client_secret": \*\*\*, value=\*\*\*\} and more /);
    expect(detail.length).toBeLessThanOrEqual(200);
    expectNoSecretPrinted(listed, [leaked]);
    expect(fake.tokens.size).toBe(0);
  });

  it('keeps going past a target that fails, extends the grace, and fails naming it', async () => {
    const token = fake.seedToken();
    fake.faults.push((method, path) =>
      // The secret only: a refused client id would stop the run at the write probe, before the rotation.
      method === 'PUT' && path === '/repos/octo/web/environments/production/secrets/CF_ACCESS_CLIENT_SECRET'
        ? [404, { message: 'Not Found' }]
        : undefined
    );
    const started = Date.now();
    const run = await runAction(inputs({ mode: 'rotate', 'previous-secret-grace': '2h' }));
    expect(run.failed).toBe(true);
    expect(fake.secret(REPO, 'CF_ACCESS_CLIENT_SECRET')).toBe(token.secret);
    expect(fake.mutations().at(-1)).toBe(`PUT cf/accounts/${ACCOUNT_ID}/access/service_tokens/${token.id}`);
    expect(Date.parse(token.previous_client_secret_expires_at as string)).toBeGreaterThanOrEqual(
      started + 2 * 3_600_000
    );
    expect(run.stdout).toMatch(
      /::error::1 of 2 target\(s\) did not receive the new secret: octo\/web@production \(404 Not Found\)/
    );
    // The write check before the rotation wrote that target's (unchanging) client id; only its secret failed.
    expect(entries(run)).toContainEqual({
      target: 'octo/web@production',
      secret: 'CF_ACCESS_CLIENT_ID',
      status: 'created'
    });
    expect(run.outputs.result).toBe('failed');
    expect(run.summary).toContain('Reached: rotated, then failed to write 1 of 2 target(s)');
    expect(run.summary).toContain('What to do');
    expectNoSecretPrinted(run, [token.secret]);
  });

  it('retries a GitHub write that fails with 502, and a secondary rate limit with Retry-After', async () => {
    fake.seedToken({ expires_at: new Date(Date.now() + DAY).toISOString() });
    let failures = 0;
    fake.faults.push((method, path) => {
      if (method !== 'PUT' || !path.startsWith('/repos/') || failures >= 2) return undefined;
      failures++;
      return failures === 1
        ? [502, { message: 'Bad Gateway' }]
        : [403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '1' }];
    });
    const run = await runAction(inputs({ targets: 'octo/web' }));
    expect(run.failed).toBe(false);
    expect(run.stdout).toMatch(/secondary rate limit on PUT/);
    expect(
      fake.calls.filter((call) => call === 'PUT gh/repos/octo/web/actions/secrets/CF_ACCESS_CLIENT_ID')
    ).toHaveLength(3);
  });

  it('never retries a rotate: a lost response is read back and reported', async () => {
    const token = fake.seedToken({ expires_at: new Date(Date.now() + 300 * DAY).toISOString() });
    fake.faults.push((method, path) => {
      if (!path.endsWith('/rotate')) return undefined;
      token.client_secret_version += 1; // the rotation happened, the answer is lost
      token.updated_at = new Date().toISOString();
      return [502, cfError(1000, 'upstream error')];
    });
    const run = await runAction(inputs({ mode: 'rotate' }));
    expect(run.failed).toBe(true);
    expect(fake.calls.filter((call) => call.endsWith('/rotate'))).toHaveLength(1);
    expect(run.stdout).toMatch(
      /::error::Rotating service token 'svc' .* took effect, but its response was lost/
    );
    expect(fake.mutations().filter((call) => call.endsWith('CF_ACCESS_CLIENT_SECRET'))).toEqual([]);
  });

  it('reports a rotate that failed without effect as such, sent once', async () => {
    fake.seedToken();
    fake.faults.push((method, path) =>
      path.endsWith('/rotate') ? [503, cfError(1000, 'upstream error')] : undefined
    );
    const run = await runAction(inputs({ mode: 'rotate' }));
    expect(run.failed).toBe(true);
    expect(fake.calls.filter((call) => call.endsWith('/rotate'))).toHaveLength(1);
    expect(run.stdout).toMatch(/::error::Could not rotate service token .* \(503/);
  });

  it('aborts without writing when another run rotated in between', async () => {
    const token = fake.seedToken();
    let reads = 0;
    fake.faults.push((method, path) => {
      if (method === 'GET' && path.endsWith(token.id) && ++reads === 2) token.client_secret_version += 1;
      return undefined;
    });
    const run = await runAction(inputs({ 'token-id': token.id, mode: 'rotate' }));
    expect(run.failed).toBe(true);
    expect(run.stdout).toMatch(/was rotated while this run was reading its targets.*concurrency/);
    expect(fake.mutations()).toEqual([
      'PUT gh/repos/octo/web/actions/secrets/CF_ACCESS_CLIENT_ID',
      'PUT gh/repos/octo/web/environments/production/secrets/CF_ACCESS_CLIENT_ID'
    ]);
  });

  it('fails check mode inside the window and passes it outside', async () => {
    fake.seedToken({ expires_at: new Date(Date.now() + 3 * DAY).toISOString() });
    const failing = await runAction(inputs({ mode: 'check' }));
    expect(failing.failed).toBe(true);
    expect(failing.outputs.result).toBe('checked');
    expect(failing.stdout).toMatch(/::error::Service token 'svc' .* expires at/);
    expect(failing.stdout).not.toMatch(/::warning::Service token/);
    const passing = await runAction(inputs({ mode: 'check', 'min-days-for-renewal': '1' }));
    expect(passing.failed).toBe(false);
    expect(fake.mutations()).toEqual([]);
  });

  it('tests the new credential at verify-url before finishing, and keeps the grace when it is refused', async () => {
    const token = fake.seedToken();
    let accepting = true;
    nock('http://127.0.0.1:48003')
      .persist()
      .get('/health')
      .reply((request: Request) =>
        accepting && request.headers.get('cf-access-client-secret') === token.secret
          ? [200, 'ok']
          : [302, '', { location: 'https://team.cloudflareaccess.com/login' }]
      );
    const ok = await runAction(
      inputs({ mode: 'rotate', 'verify-url': 'http://127.0.0.1:48003/health', 'revoke-previous': 'true' })
    );
    expect(ok.failed).toBe(false);
    expect(ok.stdout).toMatch(/verify-url answered 200/);
    accepting = false;
    const refused = await runAction(
      inputs({ mode: 'rotate', 'verify-url': 'http://127.0.0.1:48003/health', 'revoke-previous': 'true' })
    );
    expect(refused.failed).toBe(true);
    expect(refused.stdout).toMatch(
      /did not accept the new credential \(last answer: 302 redirect to https:\/\/team.cloudflareaccess.com\/login\)/
    );
    expect(Date.parse(token.previous_client_secret_expires_at as string)).toBeGreaterThan(
      Date.now() + 23 * 3_600_000
    );
  });
});

it('fails before rotating when github-token may read but not write secrets', async () => {
  const token = fake.seedToken();
  fake.faults.push((method, path) =>
    method === 'PUT' && path.startsWith('/repos/')
      ? [403, { message: 'Resource not accessible by integration' }]
      : undefined
  );
  const run = await runAction(inputs({ mode: 'rotate' }));
  expect(run.failed).toBe(true);
  expect(run.stdout).toMatch(
    /::error::github-token could not write CF_ACCESS_CLIENT_ID to octo\/web \(403 Resource not accessible by integration\), so the token was not rotated/
  );
  expect(fake.mutations().filter((call) => call.includes(' cf/'))).toEqual([]);
  expect(token.client_secret_version).toBe(1);
});

it('does not rotate when the only targets lacking the secret are archived', async () => {
  const token = fake.seedToken();
  seedCurrentTargets(token);
  fake.addRepository('octo/old', [], true);
  const run = await runAction(inputs({ targets: 'octo/web\nocto/web@production\nocto/old' }));
  expect(run.failed).toBe(true);
  expect(run.stdout).toMatch(
    /::error::Not rotated: the only targets without the current secret are in archived \(read-only\) repositories: octo\/old\./
  );
  expect(fake.mutations()).toEqual([]);
  expect(token.client_secret_version).toBe(1);
});
