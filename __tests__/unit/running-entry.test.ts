import { describe, expect, it, jest } from '@jest/globals';
import type { ConfigEntry } from '../../src/config/entries.js';
import { orderEntries, runsLastNote, type RunningTokenPorts } from '../../src/config/running-entry.js';
import { ConfigError } from '../../src/errors.js';
import type { ApiTokenScope } from '../../src/settings/settings.js';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const RUNNING = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';

function entry(
  index: number,
  settings: { credential?: string; tokenName?: string; tokenId?: string; scope?: ApiTokenScope }
): ConfigEntry {
  return {
    where: `credentials[${index}]`,
    line: index + 2,
    settings: {
      credential: 'api-token',
      tokenName: undefined,
      tokenId: undefined,
      scope: { kind: 'user' },
      ...settings
    } as unknown as ConfigEntry['settings']
  };
}
const service = (index: number, name: string) =>
  entry(index, {
    credential: 'access-service-token',
    tokenName: name,
    scope: { kind: 'account', id: ACCOUNT }
  });

function ports(owner: 'user' | 'account' = 'user', name = 'deploy') {
  const verify = jest.fn<RunningTokenPorts['verify']>((scope) =>
    owner === 'account' && scope.kind === 'user'
      ? Promise.reject(new Error('not a user token'))
      : Promise.resolve({ id: RUNNING, owner, expiresOn: undefined })
  );
  const nameOf = jest.fn<RunningTokenPorts['nameOf']>(() => Promise.resolve(name));
  return { verify, nameOf };
}
const where = (entries: readonly ConfigEntry[]) => entries.map((item) => item.where);

describe('orderEntries', () => {
  it('moves the entry whose token-name is the running token to the end, and says so', async () => {
    const entries = [entry(0, { tokenName: 'deploy' }), service(1, 'web'), entry(2, { tokenName: 'dns' })];
    const order = await orderEntries(entries, ports());
    expect(where(order.entries)).toEqual(['credentials[1]', 'credentials[2]', 'credentials[0]']);
    expect(order.last?.entry).toBe(entries[0]);
    expect(runsLastNote(order)).toBe(
      `credentials[0] (deploy) manages cloudflare-api-token (API token ${RUNNING}): it runs after the other entries, since rolling or replacing that token ends the value they use.`
    );
  });

  it('matches by token-id without reading the name', async () => {
    const fake = ports();
    const entries = [entry(0, { tokenId: RUNNING, tokenName: 'deploy' }), service(1, 'web')];
    const order = await orderEntries(entries, fake);
    expect(where(order.entries)).toEqual(['credentials[1]', 'credentials[0]']);
    expect(fake.nameOf).not.toHaveBeenCalled();
  });

  it('an account-owned running token matches only entries of that account', async () => {
    const fake = ports('account');
    const entries = [
      entry(0, { tokenName: 'deploy' }),
      entry(1, { tokenName: 'deploy', scope: { kind: 'account', id: ACCOUNT } }),
      service(2, 'web')
    ];
    const order = await orderEntries(entries, fake);
    expect(where(order.entries)).toEqual(['credentials[0]', 'credentials[2]', 'credentials[1]']);
    expect(fake.nameOf).toHaveBeenCalledTimes(1);
    expect(fake.nameOf).toHaveBeenCalledWith({ kind: 'account', id: ACCOUNT }, RUNNING);
  });

  it('keeps the order when no entry manages the running token', async () => {
    const entries = [entry(0, { tokenName: 'dns' }), service(1, 'web')];
    const order = await orderEntries(entries, ports());
    expect(order.entries).toEqual(entries);
    expect(runsLastNote(order)).toBeUndefined();
  });

  it('asks nothing without an API token entry, or with one entry', async () => {
    const fake = ports();
    await orderEntries([service(0, 'web'), service(1, 'api')], fake);
    await orderEntries([entry(0, { tokenName: 'deploy' })], fake);
    expect(fake.verify).not.toHaveBeenCalled();
  });

  it('refuses two entries that both manage the running token, before any change', async () => {
    const entries = [entry(0, { tokenName: 'deploy' }), service(1, 'web'), entry(2, { tokenId: RUNNING })];
    const error = await orderEntries(entries, ports()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      `Config entries credentials[0] and credentials[2] both manage cloudflare-api-token (API token ${RUNNING}). Keep one`
    );
  });

  it('fails when cloudflare-api-token verifies under no owner the entries name', async () => {
    const fake = ports('account');
    const error = await orderEntries([entry(0, { tokenName: 'deploy' }), service(1, 'web')], fake).catch(
      (caught: unknown) => caught
    );
    expect((error as Error).message).toBe('not a user token');
  });
});
