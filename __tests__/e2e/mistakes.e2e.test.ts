// The mistakes a new user makes (issue #16): each stops the run with exit 1 before any change, with a message
// that names the cause. Runs in both response profiles (jest projects).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.ts';
import { PRODUCTION, WEB, emulator, mutations, recordRef, run } from './harness.ts';

let emu: Emulator;
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
});
