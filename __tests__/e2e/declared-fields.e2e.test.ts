// What the action stands on when Cloudflare answers with only the fields its schema declares: its own rotation
// record, `expires_at`, `enabled`, paging by result_info. Runs in both response profiles (jest projects); the
// assertions hold in each, which is the point.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.ts';
import {
  ACCOUNT,
  DAY,
  PRODUCTION,
  WEB,
  ZONE,
  accepted,
  changes,
  emulator,
  mutations,
  recordRef,
  run,
  secretAt,
  seedRecord
} from './harness.ts';

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator();
});
afterEach(async () => {
  await emu.close();
});

const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
const record = (): Record<string, unknown> =>
  JSON.parse(emu.github.variable(recordRef())?.value ?? '{}') as Record<string, unknown>;

/** A token with both targets holding its current secret, written after the rotation the record names. */
function seedCurrent(extra: Parameters<Emulator['cloudflare']['seedToken']>[0] = { name: 'svc' }) {
  const token = emu.cloudflare.seedToken({ createdAt: iso(-100 * DAY), updatedAt: iso(-10 * DAY), ...extra });
  for (const place of [WEB, PRODUCTION]) {
    emu.github.seedSecret({
      ...place,
      name: 'CF_ACCESS_CLIENT_ID',
      value: token.clientId,
      updatedAt: iso(-9 * DAY)
    });
    emu.github.seedSecret({
      ...place,
      name: 'CF_ACCESS_CLIENT_SECRET',
      value: token.clientSecret,
      updatedAt: iso(-9 * DAY)
    });
  }
  return token;
}

describe(`declared fields and the rotation record (${process.env['EMULATOR_PROFILE'] ?? 'rich'} profile)`, () => {
  it('creates, writes the record issuing → complete, and a second run changes nothing', async () => {
    const created = await run(emu);
    expect(created.exitCode).toBe(0);
    expect(created.outputs.result).toBe('created');
    expect(record()).toMatchObject({ state: 'complete', token_name: 'svc', rotations: 1 });
    expect(accepted(emu, WEB)).toBe(true);
    // The create answer declares no expires_at: it was read back.
    expect(created.outputs['expires-at']).toBe(emu.cloudflare.tokens()[0]?.expiresAt);
    emu.resetRequests();
    const again = await run(emu);
    expect(again.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it('adopts a token without a record: one rotation, the summary says so, then nothing', async () => {
    const token = seedCurrent();
    const adopted = await run(emu);
    expect(adopted.exitCode).toBe(0);
    expect(adopted.outputs.result).toBe('rotated');
    expect(adopted.summary).toMatch(/Rotation record: .*no rotation record; adopting the token/);
    expect(secretAt(emu, WEB)).not.toBe(token.clientSecret);
    // The old secret keeps working for the grace.
    expect(emu.cloudflare.authenticates(token.clientId, token.clientSecret)).toBe(true);
    emu.resetRequests();
    expect((await run(emu)).outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it('trusts a record: targets written after its issue time are current', async () => {
    const token = seedCurrent();
    seedRecord(emu, { id: token.id }, { issuedAt: iso(-10 * DAY), clientIdSince: iso(-100 * DAY) });
    emu.resetRequests();
    const result = await run(emu);
    expect(result.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it('never calls a forever token expiring (no expires_at, or Go zero time)', async () => {
    const token = seedCurrent({ name: 'svc', duration: 'forever', expiresAt: null });
    seedRecord(emu, { id: token.id }, { issuedAt: iso(-10 * DAY), clientIdSince: iso(-100 * DAY) });
    const check = await run(emu, { mode: 'check' });
    expect(check.exitCode).toBe(0);
    expect(check.outputs['expires-at']).toBe('');
    expect(check.summary).toMatch(/Expires: never/);
    expect((await run(emu)).outputs.result).toBe('unchanged');
  });

  it('finds its token on a later page, whatever the page size', async () => {
    for (let i = 0; i < 60; i++) emu.cloudflare.seedToken({ name: `other-${String(i).padStart(2, '0')}` });
    const token = seedCurrent();
    seedRecord(emu, { id: token.id }, { issuedAt: iso(-10 * DAY), clientIdSince: iso(-100 * DAY) });
    const result = await run(emu);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['token-id']).toBe(token.id);
    expect(result.outputs.result).toBe('unchanged');
  });

  it('keeps only exact names, also where a zone list ignores the name filter', async () => {
    emu.cloudflare.seedToken({ zone: ZONE, name: 'svc-old' });
    emu.cloudflare.seedToken({ zone: ZONE, name: 'SVC' });
    // A name that differs only in case is refused as a likely typo, unless opted in.
    const refused = await run(emu, { 'account-id': '', 'zone-id': ZONE });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/'SVC' differs only in case.*did you mean 'SVC'\?/);
    expect(mutations(emu)).toEqual([]);
    const result = await run(emu, { 'account-id': '', 'zone-id': ZONE, 'allow-overwrite': 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('created');
    expect(emu.cloudflare.tokens().filter((token) => token.name === 'svc')).toHaveLength(1);
  });

  it('stops at a disabled token: check fails naming it, auto changes nothing', async () => {
    seedCurrent({ name: 'svc', enabled: false });
    const check = await run(emu, { mode: 'check' });
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toMatch(/::error::Service token 'svc' \(.*\) is disabled.*Re-enable it/);
    emu.resetRequests();
    const auto = await run(emu);
    expect(auto.exitCode).toBe(1);
    expect(auto.stdout).toMatch(/is disabled.*so nothing was changed/);
    expect(mutations(emu)).toEqual([]);
  });

  it('fails before any change on Cloudflare when github-token may not write the record', async () => {
    emu.github.addToken({ value: 'gh-no-variables', canWriteSecrets: true, canWriteVariables: false });
    const token = seedCurrent();
    emu.resetRequests();
    const result = await run(emu, { 'github-token': 'gh-no-variables', mode: 'rotate' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /::error::Could not write the rotation record \(variable CF_ACCESS_CLIENT_SECRET_ROTATION in octo-org\/web\): 403.*Variables: Read and write/
    );
    expect(changes(emu).filter((call) => call.includes('cloudflare'))).toEqual([]);
    expect(emu.cloudflare.authenticates(token.clientId, token.clientSecret)).toBe(true);
  });

  it('refuses a token-name that differs from the recorded token (a typo would create a second token)', async () => {
    expect((await run(emu)).exitCode).toBe(0);
    emu.resetRequests();
    const typo = await run(emu, { 'token-name': 'Svc' });
    expect(typo.exitCode).toBe(1);
    expect(typo.stdout).toMatch(
      /::error::No service token named 'Svc' exists, but the rotation record .* says the targets hold the secret of 'svc'.*did you mean 'svc'\?/
    );
    expect(mutations(emu)).toEqual([]);
    expect(emu.cloudflare.tokens()).toHaveLength(1);
  });

  it('refuses a second token that would write the same secret names', async () => {
    expect((await run(emu)).exitCode).toBe(0);
    emu.cloudflare.seedToken({ name: 'other' });
    emu.resetRequests();
    const second = await run(emu, { 'token-name': 'other' });
    expect(second.exitCode).toBe(1);
    expect(second.stdout).toMatch(
      /::error::The targets' secrets belong to service token 'svc' .* this run manages 'other' .*client-secret-secret-name/
    );
    expect(mutations(emu)).toEqual([]);
    // With its own secret names it is fine: another record, beside the first.
    const own = await run(emu, {
      'token-name': 'other',
      'client-id-secret-name': 'OTHER_CLIENT_ID',
      'client-secret-secret-name': 'OTHER_CLIENT_SECRET'
    });
    expect(own.exitCode).toBe(0);
    expect(emu.github.variable({ ...recordRef(), name: 'OTHER_CLIENT_SECRET_ROTATION' })).toBeDefined();
  });

  it('heals a run killed after the rotation: the record says issuing, the next run rotates and completes', async () => {
    const token = seedCurrent();
    seedRecord(emu, { id: token.id }, { issuedAt: iso(-10 * DAY), clientIdSince: iso(-100 * DAY) });
    // What a run killed right after its rotation leaves: the record says issuing, the targets hold the old secret.
    seedRecord(
      emu,
      { id: token.id },
      { issuedAt: iso(-60_000), clientIdSince: iso(-100 * DAY), state: 'issuing' }
    );
    const healed = await run(emu);
    expect(healed.exitCode).toBe(0);
    expect(healed.outputs.result).toBe('rotated');
    expect(record()).toMatchObject({ state: 'complete', token_id: token.id });
    expect(accepted(emu, WEB)).toBe(true);
  });

  it(`names the account scope in the record`, async () => {
    await run(emu);
    expect(record()['scope']).toBe(`account ${ACCOUNT}`);
  });
});
