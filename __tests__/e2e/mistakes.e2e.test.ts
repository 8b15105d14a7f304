// The mistakes a new user makes (issue #16): each stops the run with exit 1 before any change, with a message
// that names the cause. Runs in both response profiles (jest projects).
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.ts';
import { PRODUCTION, WEB, emulator, mutations, recordRef, run } from './harness.ts';

let emu: Emulator;
let closedPort = 0;
beforeAll(async () => {
  // A port that was free a moment ago: nothing listens there, so a connection is refused.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  emu = await emulator();
});
afterEach(async () => {
  await emu.close();
});

/** Secrets an earlier token left in both default targets, without a rotation record. */
function seedLeftovers(): void {
  for (const place of [WEB, PRODUCTION]) {
    emu.github.seedSecret({ ...place, name: 'CF_ACCESS_CLIENT_ID', value: 'old-id.access' });
    emu.github.seedSecret({ ...place, name: 'CF_ACCESS_CLIENT_SECRET', value: 'old-secret' });
  }
}

describe(`mistakes caught before any change (${process.env['EMULATOR_PROFILE'] ?? 'rich'} profile)`, () => {
  it('a token-name typo under auto (no record): the targets already hold the secrets, so nothing is created', async () => {
    emu.cloudflare.seedToken({ name: 'web-deploy' });
    seedLeftovers();
    emu.resetRequests();
    const typo = await run(emu, { 'token-name': 'Web-Deploy' });
    expect(typo.exitCode).toBe(1);
    expect(typo.stdout).toMatch(
      /::error::No service token named 'Web-Deploy' exists in account \w+, but 2 target\(s\) already hold CF_ACCESS_CLIENT_ID\/CF_ACCESS_CLIENT_SECRET of another token: octo-org\/web, octo-org\/web@production\..*did you mean 'web-deploy'\?.*allow-overwrite: true/
    );
    expect(mutations(emu)).toEqual([]);
    expect(emu.cloudflare.tokens()).toHaveLength(1);
  });

  it('a token-name that differs only in case from an existing token is refused, even with empty targets', async () => {
    emu.cloudflare.seedToken({ name: 'web-deploy' });
    emu.resetRequests();
    const typo = await run(emu, { 'token-name': 'Web-Deploy' });
    expect(typo.exitCode).toBe(1);
    expect(typo.stdout).toMatch(/::error::.*'web-deploy' differs only in case.*did you mean 'web-deploy'\?/);
    expect(mutations(emu)).toEqual([]);
  });

  it('creates over leftover secrets only with allow-overwrite: true', async () => {
    seedLeftovers();
    emu.resetRequests();
    const refused = await run(emu);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/::error::.*2 target\(s\) already hold .*allow-overwrite: true/);
    expect(mutations(emu)).toEqual([]);
    const allowed = await run(emu, { 'allow-overwrite': 'true' });
    expect(allowed.exitCode).toBe(0);
    expect(allowed.outputs.result).toBe('created');
  });

  it('a typo that a rotation record catches still names the record (and the opt-in to take over)', async () => {
    expect((await run(emu)).exitCode).toBe(0);
    expect(emu.github.variable(recordRef())).toBeDefined();
    emu.resetRequests();
    const typo = await run(emu, { 'token-name': 'svc2' });
    expect(typo.exitCode).toBe(1);
    expect(typo.stdout).toMatch(/did you mean 'svc'\?.*allow-overwrite: true/);
    expect(mutations(emu)).toEqual([]);
  });

  it('a dry run fails where the real run would: a missing environment, named', async () => {
    const result = await run(emu, { 'dry-run': 'true', targets: 'octo-org/web@prod' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /::error::Could not read the secrets of octo-org\/web@prod \(404 Not Found\): environment 'prod' does not exist in octo-org\/web/
    );
    expect(result.outputs.result).toBe('failed');
    expect(mutations(emu)).toEqual([]);
  });

  it('a dry run fails on an archived repository, as the real run would', async () => {
    const result = await run(emu, { 'dry-run': 'true', targets: 'octo-org/web\nocto-org/old-site' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /::error::Dry run: a real run would not write 1 of 2 target\(s\): octo-org\/old-site \(archived repository\)/
    );
    expect(mutations(emu)).toEqual([]);
  });

  it('a dry run with a read-only github-token passes the reads and says the write check was not made', async () => {
    const result = await run(emu, { 'dry-run': 'true', 'github-token': 'gh-read-token' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('would-create');
    expect(result.stdout).toContain('Plan (dry run): would create');
    expect(result.stdout).toMatch(
      /Dry run: not checked, as they need a write: github-token's write permission/
    );
    expect(result.summary).toContain('would create');
    expect(mutations(emu)).toEqual([]);
  });

  it('an organization repos= entry that does not exist is named', async () => {
    const result = await run(emu, { targets: 'org:octo-org visibility=selected repos=web,nope' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /::error::The repos= entry 'nope' of target org:octo-org names no repository in octo-org/
    );
    expect(mutations(emu)).toEqual([]);
  });

  it.each([
    [
      'org:octo-org visibility=selected repos=web, api',
      /has a space inside repos= \(before 'api'\).*repos=web,api/
    ],
    [
      'octo-org/web, octo-org/api',
      /lists several targets on one line.*one target per line, with no commas and no spaces/
    ]
  ])('targets %p: says "one per line, no spaces"', async (targets, message) => {
    const result = await run(emu, { targets });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(emu.requests()).toEqual([]);
  });

  it('a cloudflare-api-url that is not the v4 API says so', async () => {
    const result = await run(emu, {
      'cloudflare-api-url': emu.cloudflareApiUrl.replace(/\/client\/v4$/, '')
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::.*so it is not Cloudflare's v4 API.*\/client\/v4/);
    expect(result.stdout).not.toMatch(/Check account-id/);
    expect(mutations(emu)).toEqual([]);
  });

  it.each([
    [
      'refused',
      () => `http://127.0.0.1:${closedPort}/health`,
      /could not be reached: the connection was refused/
    ],
    [
      '404',
      () => `${emu.accessAppUrl}/no-such-page`,
      /answered 404 Not Found, which no delay of Access explains/
    ]
  ])('verify-url %s fails fast, naming the cause', async (_, url, message) => {
    const started = Date.now();
    const result = await run(emu, { 'verify-url': url() }, { ROTATOR_VERIFY_TIMEOUT_MS: '20000' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(result.stdout).not.toMatch(/trying again/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
