import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  CloudflareApiError,
  DistributionError,
  PermissionError,
  RenewalError,
  VerificationError
} from '../../src/errors.js';
import type { ServiceTokenStore } from '../../src/cloudflare/service-tokens.js';
import type { SecretMetadata, SecretTarget } from '../../src/github/secret-target.js';
import type { IssuedCredential, TokenState } from '../../src/credentials/service-token/model.js';
import type { ServiceTokenPorts } from '../../src/credentials/service-token/ports.js';
import { newServiceTokenRecord } from '../../src/credentials/service-token/record.js';
import { runServiceToken } from '../../src/credentials/service-token/run.js';
import { serializeRecord } from '../../src/credentials/service-token/rotation-record.js';
import type { RecordVariable } from '../../src/github/record-variable.js';
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
  readonly scopeKind = 'account' as const;
  readonly calls: string[] = [];
  /** What a PUT of the duration does to the expiry (the real API: moves it). */
  renewMoves = true;
  refreshMoves = true;
  token: TokenState = {
    id: 't1',
    name: 'svc',
    clientId: 'id.access',
    enabled: true,
    duration: '8760h',
    expiresAt: at(200 * DAY),
    hints: {}
  };
  get = (): Promise<TokenState> => Promise.resolve(this.token);
  findByName = (): Promise<TokenState[]> => Promise.resolve([this.token]);
  create = (): Promise<IssuedCredential> => Promise.reject(new Error('not expected'));
  rotate = (token: TokenState): Promise<IssuedCredential> => {
    this.calls.push('rotate');
    this.token = { ...token };
    return Promise.resolve({ token: this.token, clientSecret: 'new-secret' });
  };
  update = (
    token: TokenState,
    fields: { duration?: string; previousSecretExpiresAt?: Date }
  ): Promise<TokenState> => {
    this.calls.push(`update ${JSON.stringify(fields)}`);
    if (fields.duration && this.renewMoves) this.token = { ...token, expiresAt: at(365 * DAY) };
    return Promise.resolve(this.token);
  };
  refresh = (): Promise<TokenState> => {
    this.calls.push('refresh');
    if (this.refreshMoves) this.token = { ...this.token, expiresAt: at(365 * DAY) };
    return Promise.resolve(this.token);
  };
}

/** The rotation record's variable, in memory: every value written, in order. */
class MemoryRecord implements RecordVariable {
  readonly label = 'variable CF_ACCESS_CLIENT_SECRET_ROTATION in o/web';
  readonly writes: string[] = [];
  value: string | undefined;
  constructor(value: string | undefined) {
    this.value = value;
  }
  read = (): Promise<string | undefined> => Promise.resolve(this.value);
  write = (value: string): Promise<void> => {
    this.writes.push(value);
    this.value = value;
    return Promise.resolve();
  };
  states = (): string[] => this.writes.map((text) => (JSON.parse(text) as { state: string }).state);
}

/** The record an earlier run left: the current secret issued 10 days ago. */
const EARLIER_RECORD = serializeRecord({
  tokenId: 't1',
  tokenName: 'svc',
  scope: 'account test',
  state: 'complete',
  issuedAt: at(-10 * DAY),
  clientIdSince: at(-100 * DAY),
  rotations: 1,
  clientSecretVersion: undefined,
  previousValidUntil: undefined
});

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
      allowOverwrite: false,
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
let recordVariable: MemoryRecord;
let web: MemoryTarget;
let api: MemoryTarget;
let verify: jest.Mock<ServiceTokenPorts['requestVerifyUrl']>;
let clock: number;

function ports(): ServiceTokenPorts {
  return {
    checkApiToken: () => Promise.resolve({ id: 'api', owner: 'user', expiresOn: undefined }),
    tokens,
    rotationRecord: recordVariable,
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
  recordVariable = new MemoryRecord(EARLIER_RECORD);
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
  it('probes write access, rotates with the grace, writes every target, and ends the grace when done', async () => {
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

  it('refreshes by a PUT of the duration, and the next run changes nothing: the record says when the secret was issued', async () => {
    await runServiceToken(settings({ mode: 'refresh' }), ports(), newServiceTokenRecord());
    expect(tokens.calls).toEqual(['update {"duration":"8760h"}']);
    expect(recordVariable.writes).toEqual([]);
    const again = newServiceTokenRecord();
    await runServiceToken(settings(), ports(), again);
    expect(again.plan?.action).toBe('none');
  });

  it('falls back to …/refresh when a renewal PUT does not move the expiry, and fails when neither does', async () => {
    tokens.token = { ...tokens.token, expiresAt: at(10 * DAY) };
    tokens.renewMoves = false;
    await runServiceToken(settings(), ports(), newServiceTokenRecord());
    expect(tokens.calls).toEqual(['update {"duration":"8760h"}', 'refresh', 'rotate']);

    tokens.token = { ...tokens.token, expiresAt: at(10 * DAY) };
    tokens.refreshMoves = false;
    tokens.calls.length = 0;
    await expect(runServiceToken(settings(), ports(), newServiceTokenRecord())).rejects.toThrow(RenewalError);
    expect(tokens.calls).toEqual(['update {"duration":"8760h"}', 'refresh']);
  });

  it('keeps the record: issuing before the rotation, complete at the end (issuing already names the token)', async () => {
    await runServiceToken(settings({ mode: 'rotate' }), ports(), newServiceTokenRecord());
    expect(recordVariable.states()).toEqual(['issuing', 'complete']);
    const last = JSON.parse(recordVariable.value ?? '{}') as Record<string, unknown>;
    expect(last).toMatchObject({ token_id: 't1', rotations: 2, issued_at: NOW.toISOString() });
    // A rotation of a recorded token keeps the time since which client ids are current.
    expect(last['client_id_since']).toBe(at(-100 * DAY).toISOString());
  });

  it('adopts a token without a record: rotates once, writes every client id, then records it', async () => {
    recordVariable.value = undefined;
    const record = newServiceTokenRecord();
    await runServiceToken(settings(), ports(), record);
    expect(record.adopting).toBe(true);
    expect(tokens.calls).toEqual(['rotate']);
    expect(api.written.get('CF_ACCESS_CLIENT_ID')).toBe('sealed(id.access)');
    expect(JSON.parse(recordVariable.value ?? '{}')).toMatchObject({ state: 'complete', rotations: 1 });
  });

  it('puts the record back when the rotation fails without taking effect', async () => {
    tokens.rotate = () => Promise.reject(new CloudflareApiError('refused', 'fix it', 403));
    await expect(
      runServiceToken(settings({ mode: 'rotate' }), ports(), newServiceTokenRecord())
    ).rejects.toThrow(CloudflareApiError);
    expect(recordVariable.states()).toEqual(['issuing', 'complete']);
    expect(recordVariable.value).toBe(EARLIER_RECORD);
  });
});
