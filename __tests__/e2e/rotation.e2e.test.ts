import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.ts';
import {
  DAY,
  changes,
  PRODUCTION,
  WEB,
  ZONE,
  accepted,
  emulator,
  expectNothingLeaked,
  mutations,
  run,
  secretAt
} from './harness.ts';

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator();
});
afterEach(async () => {
  expect(emu.contractViolations()).toEqual([]);
  await emu.close();
});

const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

describe('dist/index.js against the emulator', () => {
  it('creates a missing token, writes every target, and a second run changes nothing', async () => {
    const created = await run(emu);
    expect(created.exitCode).toBe(0);
    expect(created.outputs.result).toBe('created');
    const [token] = emu.cloudflare.tokens();
    expect(token?.name).toBe('svc');
    expect(created.outputs['token-id']).toBe(token?.id);
    expect(secretAt(emu, WEB)).toBe(token?.clientSecret);
    expect(accepted(emu, WEB) && accepted(emu, PRODUCTION)).toBe(true);
    expect(expectNothingLeaked(created, [token?.clientSecret ?? ''])).toEqual([]);

    emu.resetRequests();
    const again = await run(emu);
    expect(again.exitCode).toBe(0);
    expect(again.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it('renews and rotates inside the renewal window; the old secret keeps working for the grace', async () => {
    const seeded = emu.cloudflare.seedToken({
      name: 'svc',
      expiresAt: iso(10 * DAY),
      updatedAt: iso(-20 * DAY),
      createdAt: iso(-300 * DAY)
    });
    for (const place of [WEB, PRODUCTION]) {
      emu.github.seedSecret({
        ...place,
        name: 'CF_ACCESS_CLIENT_ID',
        value: seeded.clientId,
        updatedAt: iso(-19 * DAY)
      });
      emu.github.seedSecret({
        ...place,
        name: 'CF_ACCESS_CLIENT_SECRET',
        value: seeded.clientSecret,
        updatedAt: iso(-19 * DAY)
      });
    }
    const result = await run(emu, { 'previous-secret-grace': '2h' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('rotated');
    const token = emu.cloudflare.token(seeded.id);
    expect(Date.parse(token?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 360 * DAY);
    expect(secretAt(emu, WEB)).toBe(token?.clientSecret);
    expect(emu.cloudflare.authenticates(seeded.clientId, seeded.clientSecret)).toBe(true);
    expect(
      emu.cloudflare.authenticates(seeded.clientId, seeded.clientSecret, Date.now() + 2 * 3_600_000 + 60_000)
    ).toBe(false);
    expect(expectNothingLeaked(result, [seeded.clientSecret, token?.clientSecret ?? ''])).toEqual([]);
  });

  it('heals a target that an earlier run left stale', async () => {
    const seeded = emu.cloudflare.seedToken({
      name: 'svc',
      updatedAt: iso(-5 * DAY),
      createdAt: iso(-100 * DAY)
    });
    emu.github.seedSecret({
      ...WEB,
      name: 'CF_ACCESS_CLIENT_ID',
      value: seeded.clientId,
      updatedAt: iso(-5 * DAY + 60_000)
    });
    emu.github.seedSecret({
      ...WEB,
      name: 'CF_ACCESS_CLIENT_SECRET',
      value: seeded.clientSecret,
      updatedAt: iso(-5 * DAY + 60_000)
    });
    emu.github.seedSecret({
      ...PRODUCTION,
      name: 'CF_ACCESS_CLIENT_SECRET',
      value: 'an-old-secret',
      updatedAt: iso(-30 * DAY)
    });
    const result = await run(emu);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('rotated');
    expect(accepted(emu, WEB) && accepted(emu, PRODUCTION)).toBe(true);
  });

  it('writes environment secrets, also for an environment name with a space', async () => {
    const result = await run(emu, { targets: 'octo-org/web@staging eu\nocto-org/web@production' });
    expect(result.exitCode).toBe(0);
    expect(
      accepted(emu, { kind: 'environment', owner: 'octo-org', repo: 'web', environment: 'staging eu' })
    ).toBe(true);
    expect(accepted(emu, PRODUCTION)).toBe(true);
  });

  it('rotates a zone-scoped token with a version bump where the API reports the version, else refuses', async () => {
    const seeded = emu.cloudflare.seedToken({ zone: ZONE, name: 'svc' });
    emu.resetRequests();
    const result = await run(emu, { 'account-id': '', 'zone-id': ZONE, mode: 'rotate' });
    if (emu.cloudflare.profile === 'rich') {
      expect(result.exitCode).toBe(0);
      expect(emu.cloudflare.token(seeded.id)?.clientSecretVersion).toBe(2);
      expect(accepted(emu, WEB)).toBe(true);
    } else {
      // Only declared fields: no version to raise, and no secret promised in the PUT's answer.
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(
        /::error::Service token 'svc' \(.*\) is zone-scoped\. .*Nothing was changed/
      );
      expect(mutations(emu)).toEqual([]);
      expect(emu.cloudflare.token(seeded.id)?.clientSecretVersion).toBe(1);
    }
  });

  it('makes no change in a dry run', async () => {
    emu.cloudflare.seedToken({ name: 'svc', expiresAt: iso(DAY) });
    emu.resetRequests();
    const result = await run(emu, { 'dry-run': 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('would-rotate');
    expect(result.stdout).toContain('Plan (dry run): would rotate');
    expect(mutations(emu)).toEqual([]);
  });

  it('fails on bad inputs before any request', async () => {
    emu.resetRequests();
    const result = await run(emu, { duration: '1 year', targets: 'octo-org/web' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::Input 'duration': '1 year' is not a positive duration/);
    expect(emu.requests()).toEqual([]);
  });

  it('fails before any change for a token without write permission, and for a missing environment', async () => {
    emu.cloudflare.seedToken({ name: 'svc', expiresAt: iso(DAY) });
    const readOnly = await run(emu, { 'cloudflare-api-token': 'cf-read-token' });
    expect(readOnly.exitCode).toBe(1);
    expect(readOnly.stdout).toMatch(/::error::cloudflare-api-token may not .*Access: Service Tokens Write/);
    const missingEnvironment = await run(emu, { targets: 'octo-org/web@nowhere' });
    expect(missingEnvironment.exitCode).toBe(1);
    expect(missingEnvironment.stdout).toMatch(
      /::error::Could not read the secrets of octo-org\/web@nowhere \(404/
    );
    const readOnlyGitHub = await run(emu, { 'github-token': 'gh-read-token' });
    expect(readOnlyGitHub.exitCode).toBe(1);
    expect(readOnlyGitHub.stdout).toMatch(
      /::error::github-token could not write CF_ACCESS_CLIENT_ID to octo-org\/web \(403/
    );
    // Only the harmless probe (the unchanged client id, rewritten) and the action's own record may have landed.
    expect(
      changes(emu).filter(
        (call) => !/\/CF_ACCESS_CLIENT_(ID|SECRET_ROTATION)$|actions\/variables$/.test(call)
      )
    ).toEqual([]);
  });

  it('abandons a request that hangs past the request timeout and tries it again', async () => {
    // An existing token: a create would not list the secrets of a repository target.
    emu.cloudflare.seedToken({ name: 'svc', expiresAt: iso(200 * DAY) });
    emu.faults.add({ api: 'github', method: 'GET', path: /\/actions\/secrets$/, fault: { delayMs: 3000 } });
    const result = await run(emu, { targets: 'octo-org/web' }, { ROTATOR_REQUEST_TIMEOUT_MS: '500' });
    expect(result.exitCode).toBe(0);
    const lists = emu
      .requests()
      .filter((request) => request.method === 'GET' && request.path.endsWith('/actions/secrets'));
    expect(lists.length).toBe(2);
    expect(result.durationMs).toBeLessThan(3000);
  });

  it('prints no secret anywhere, even with the secret exposed as an output', async () => {
    const result = await run(emu, { 'expose-secret': 'true' });
    const secret = emu.cloudflare.tokens()[0]?.clientSecret ?? '';
    expect(result.outputs['client-secret']).toBe(secret);
    const outputs = Object.fromEntries(
      Object.entries(result.outputs).filter(([name]) => name !== 'client-secret')
    );
    expect(expectNothingLeaked({ ...result, outputs }, [secret])).toEqual([]);
    expect(result.stdout).toContain(`::add-mask::${secret}`);
  });
});
