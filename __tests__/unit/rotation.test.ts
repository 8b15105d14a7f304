import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import { DistributionError, PermissionError, VerificationError } from '../../src/errors.js';
import type { ServiceTokenStore } from '../../src/cloudflare/service-tokens.js';
import type { SecretMetadata, SecretTarget } from '../../src/github/secret-target.js';
import type { IssuedCredential, TokenState } from '../../src/credentials/service-token/model.js';
import type { ServiceTokenPorts } from '../../src/credentials/service-token/ports.js';
import { newServiceTokenRecord } from '../../src/credentials/service-token/record.js';
import { runServiceToken } from '../../src/credentials/service-token/run.js';
import type {
  ServiceTokenRunSettings,
  ServiceTokenSettings
} from '../../src/credentials/service-token/settings.js';
import { DEFAULT_TIMING } from '../../src/settings/settings.js';
import type { Target } from '../../src/settings/targets.js';

// The rotation against in-memory adapters: the protocol's decisions, without HTTP.
jest.spyOn(process.stdout, 'write').mockImplementation(() => true);

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00.000Z');
const at = (offset: number): Date => new Date(NOW.getTime() + offset);

class MemoryTokens implements ServiceTokenStore {
  readonly scopeLabel = 'account test';
  readonly calls: string[] = [];
  token: TokenState = {
    id: 't1',
    name: 'svc',
    clientId: 'id.access',
    createdAt: at(-100 * DAY),
    updatedAt: at(-10 * DAY),
    expiresAt: at(200 * DAY),
    clientSecretVersion: 1,
    previousSecretExpiresAt: null
  };
  get = (): Promise<TokenState> => Promise.resolve(this.token);
  findByName = (): Promise<TokenState[]> => Promise.resolve([this.token]);
  create = (): Promise<IssuedCredential> => Promise.reject(new Error('not expected'));
  rotate = (token: TokenState, previous: Date): Promise<IssuedCredential> => {
    this.calls.push('rotate');
    this.token = { ...token, updatedAt: NOW, previousSecretExpiresAt: previous, clientSecretVersion: 2 };
    return Promise.resolve({ token: this.token, clientSecret: 'new-secret' });
  };
  update = (
    token: TokenState,
    fields: { duration?: string; previousSecretExpiresAt?: Date }
  ): Promise<TokenState> => {
    this.calls.push(`update ${JSON.stringify(fields)}`);
    this.token = {
      ...token,
      updatedAt: at(1000),
      previousSecretExpiresAt: fields.previousSecretExpiresAt ?? token.previousSecretExpiresAt
    };
    return Promise.resolve(this.token);
  };
}

class MemoryTarget implements SecretTarget {
  readonly label: string;
  readonly keyScope: string;
  readonly variables = undefined;
  readonly written = new Map<string, string>();
  failWrites: string[] = [];
  readonly target: Target;
  private readonly existing: Map<string, SecretMetadata>;
  constructor(target: Target, existing: Map<string, SecretMetadata>) {
    this.target = target;
    this.existing = existing;
    this.label = 'repo' in target ? `${target.owner}/${target.repo}` : 'other';
    this.keyScope = this.label;
  }
  publicKey = () => Promise.resolve({ keyId: 'k', key: 'key' });
  secrets = () => Promise.resolve(this.existing);
  prepare = () => Promise.resolve();
  write = (name: string, sealed: { encryptedValue: string }): Promise<'created' | 'updated'> => {
    if (this.failWrites.includes(name))
      return Promise.reject(Object.assign(new Error('Forbidden'), { status: 403 }));
    this.written.set(name, sealed.encryptedValue);
    return Promise.resolve('updated');
  };
  remove = (name: string): Promise<void> => {
    this.written.delete(name);
    return Promise.resolve();
  };
}

function settings(
  overrides: Partial<ServiceTokenRunSettings> = {},
  own: Partial<ServiceTokenSettings> = {}
): ServiceTokenRunSettings {
  return {
    cloudflareApiToken: 'x',
    githubToken: 'y',
    credential: 'access-service-token',
    scope: { kind: 'account', id: 'a' },
    tokenName: 'svc',
    tokenId: undefined,
    mode: 'auto',
    renewalWindowMs: 30 * DAY,
    duration: { forever: false, ms: 8760 * 3_600_000, text: '8760h' },
    serviceToken: {
      previousSecretGraceMs: 3_600_000,
      revokePrevious: false,
      verifyUrl: undefined,
      clientIdAsVariable: false,
      clientIdSecretName: 'CF_ACCESS_CLIENT_ID',
      clientSecretSecretName: 'CF_ACCESS_CLIENT_SECRET',
      ...own
    },
    targets: [],
    dryRun: false,
    exposeSecret: false,
    cloudflareApiUrl: 'http://127.0.0.1:1',
    githubApiUrl: 'http://127.0.0.1:2',
    timing: DEFAULT_TIMING,
    ...overrides
  };
}

let tokens: MemoryTokens;
let web: MemoryTarget;
let api: MemoryTarget;
let verify: jest.Mock<ServiceTokenPorts['requestVerifyUrl']>;
let clock: number;

function ports(): ServiceTokenPorts {
  return {
    checkApiToken: () => Promise.resolve({ id: 'api', owner: 'user', expiresOn: undefined }),
    tokens,
    targets: [web, api],
    isArchived: () => Promise.resolve(false),
    seal: (plaintext) => Promise.resolve(`sealed(${plaintext})`),
    requestVerifyUrl: verify,
    now: () => new Date(NOW.getTime() + clock),
    sleep: (ms) => {
      clock += ms;
      return Promise.resolve();
    }
  };
}

beforeEach(() => {
  tokens = new MemoryTokens();
  const current = new Map([
    ['CF_ACCESS_CLIENT_ID', { updatedAt: at(-99 * DAY) }],
    ['CF_ACCESS_CLIENT_SECRET', { updatedAt: at(-10 * DAY + 60_000) }]
  ]);
  web = new MemoryTarget({ kind: 'repository', owner: 'o', repo: 'web' }, current);
  api = new MemoryTarget({ kind: 'repository', owner: 'o', repo: 'api' }, current);
  verify = jest.fn<ServiceTokenPorts['requestVerifyUrl']>(() =>
    Promise.resolve({ status: 200, redirect: undefined })
  );
  clock = 0;
});

describe('runRotation with in-memory adapters', () => {
  it('probes write access, rotates with the grace, writes every target, and ends the grace at the rotation time', async () => {
    const record = newServiceTokenRecord();
    await runServiceToken(settings({ mode: 'rotate' }, { revokePrevious: true }), ports(), record);
    expect(web.written.get('CF_ACCESS_CLIENT_ID')).toBe('sealed(id.access)');
    expect(web.written.get('CF_ACCESS_CLIENT_SECRET')).toBe('sealed(new-secret)');
    expect(api.written.get('CF_ACCESS_CLIENT_SECRET')).toBe('sealed(new-secret)');
    expect(api.written.has('CF_ACCESS_CLIENT_ID')).toBe(false);
    expect(tokens.calls).toEqual(['rotate', `update {"previousSecretExpiresAt":"${NOW.toISOString()}"}`]);
    expect(record.previousSecretValidUntil).toEqual(NOW);
  });

  it('does not rotate when the probe cannot write', async () => {
    web.failWrites = ['CF_ACCESS_CLIENT_ID'];
    await expect(
      runServiceToken(settings({ mode: 'rotate' }), ports(), newServiceTokenRecord())
    ).rejects.toThrow(PermissionError);
    expect(tokens.calls).toEqual([]);
  });

  it('extends the grace and fails naming the target when one write fails', async () => {
    api.failWrites = ['CF_ACCESS_CLIENT_SECRET'];
    const record = newServiceTokenRecord();
    await expect(
      runServiceToken(settings({ mode: 'rotate' }, { revokePrevious: true }), ports(), record)
    ).rejects.toThrow(DistributionError);
    expect(tokens.calls.at(-1)).toBe(`update {"previousSecretExpiresAt":"${at(3_600_000).toISOString()}"}`);
    const outcome = record.outcomes.find((candidate) => candidate.label === 'o/api');
    expect(outcome?.slots.find((slot) => slot.slot.key === 'clientSecret')?.status).toBe(
      'failed: 403 Forbidden'
    );
  });

  it('extends the grace and fails when verify-url refuses the new credential', async () => {
    verify.mockResolvedValue({ status: 403, redirect: undefined });
    await expect(
      runServiceToken(
        settings({ mode: 'rotate' }, { revokePrevious: true, verifyUrl: new URL('https://app.test') }),
        ports(),
        newServiceTokenRecord()
      )
    ).rejects.toThrow(VerificationError);
    expect(verify).toHaveBeenCalledWith(new URL('https://app.test'), 'id.access', 'new-secret');
    expect(tokens.calls.at(-1)).toMatch(/previousSecretExpiresAt/);
  });

  it('fails when writing a missing client id fails, even without a rotation', async () => {
    web = new MemoryTarget(
      web.target,
      new Map([['CF_ACCESS_CLIENT_SECRET', { updatedAt: at(-10 * DAY + 60_000) }]])
    );
    web.failWrites = ['CF_ACCESS_CLIENT_ID'];
    await expect(runServiceToken(settings(), ports(), newServiceTokenRecord())).rejects.toThrow(
      DistributionError
    );
    expect(tokens.calls).toEqual([]);
  });

  it('keeps the issue time when refreshing a token that was never rotated', async () => {
    await runServiceToken(settings({ mode: 'refresh' }), ports(), newServiceTokenRecord());
    expect(tokens.calls).toEqual([
      `update {"duration":"8760h","previousSecretExpiresAt":"${at(-10 * DAY).toISOString()}"}`
    ]);
    const again = newServiceTokenRecord();
    await runServiceToken(settings(), ports(), again);
    expect(again.plan?.action).toBe('none');
  });

  it('keeps the rotation time when a refresh comes after the grace is over', async () => {
    tokens.token = { ...tokens.token, previousSecretExpiresAt: at(-9 * DAY) };
    await runServiceToken(settings({ mode: 'refresh' }), ports(), newServiceTokenRecord());
    expect(tokens.calls).toEqual([
      `update {"duration":"8760h","previousSecretExpiresAt":"${at(-10 * DAY).toISOString()}"}`
    ]);
  });
});
