import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { ApiTokenSpec, ApiTokenState, IssuedApiToken } from '../../src/credentials/api-token/model.js';
import type { ApiTokenPlan } from '../../src/credentials/api-token/plan.js';
import type { ApiTokenPorts } from '../../src/credentials/api-token/ports.js';
import { newApiTokenRecord, type ApiTokenRecord } from '../../src/credentials/api-token/record.js';
import { runApiToken } from '../../src/credentials/api-token/run.js';
import type { ApiTokenRunSettings, ApiTokenSettings } from '../../src/credentials/api-token/settings.js';
import { expiryFrom } from '../../src/credentials/api-token/spec.js';
import type { RunningTokenStatus } from '../../src/cloudflare/running-token.js';
import type { ApiTokenStore, PermissionGroup } from '../../src/cloudflare/api-token-store.js';
import {
  ArchivedTargetError,
  CleanupError,
  ConcurrentRotationError,
  DistributionError,
  ExpiryCheckError,
  InputError,
  LostSecretError,
  PermissionError,
  TokenLookupError,
  VerificationError
} from '../../src/errors.js';
import type { SealedSecret, SecretMetadata, SecretTarget } from '../../src/github/secret-target.js';
import { ARCHIVED } from '../../src/targets/slots.js';
import { parseApiTokenPolicy } from '../../src/credentials/api-token/policy.js';
import { DEFAULT_TIMING } from '../../src/settings/settings.js';
import type { Target } from '../../src/settings/targets.js';

// The API token protocol against in-memory adapters: a fake Cloudflare and fake GitHub targets on one clock.
jest.spyOn(process.stdout, 'write').mockImplementation(() => true);

const SECOND = 1000;
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00.000Z');
const SECRET = 'CLOUDFLARE_API_TOKEN';
const NAME = 'deploy';
const ZONE = 'fedcba9876543210fedcba9876543210';
const DURATION = { forever: false, ms: 90 * DAY, text: '2160h' } as const;

let clock: number;
const now = (): Date => new Date(clock);
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);
/** Everything the fakes did, in order, across Cloudflare and GitHub. */
let log: string[];

type Method = 'create' | 'roll' | 'renew' | 'delete' | 'verifyValue';
/** error: fails, nothing happened. ambiguous: took effect, but the answer was lost. */
type FailureKind = 'error' | 'ambiguous';

interface Stored {
  state: ApiTokenState;
  value: string;
}

/** Cloudflare's API tokens of one user, in memory. Timestamps are whole seconds, as Cloudflare's are. */
class MemoryApiTokens implements ApiTokenStore {
  readonly ownerLabel = 'your user';
  readonly tokens: Stored[] = [];
  readonly groups: PermissionGroup[] = [
    { id: 'c8fed203ed3043cba015a93ad1616f1f', name: 'Zone Read' },
    { id: '4755a26eedb94da69e1066d98aa820be', name: 'DNS Write' }
  ];
  /** The value the store is called with (cloudflare-api-token). */
  authValue = 'admin-value';
  /** A new value verifies only once it is this old (Cloudflare takes a moment to know it everywhere). */
  propagationMs = 0;
  /** Called on every findByName, with the call's number (1: the observation). */
  onFind: ((call: number) => void) | undefined;
  /** The token list leaves policies out (a replacement must read the token itself). */
  listWithoutPolicies = false;
  readonly specs: ApiTokenSpec[] = [];
  private readonly failures: { method: Method; kind: FailureKind; id: string | undefined }[] = [];
  private finds = 0;
  private sequence = 1;

  constructor() {
    this.add({ id: 'admin', name: 'rotator', issuedOn: at(-400 * DAY), expiresOn: null }, 'admin-value');
  }

  add(fields: Partial<ApiTokenState> & { id: string }, value: string): ApiTokenState {
    const issuedOn = fields.issuedOn ?? at(-30 * DAY);
    const state: ApiTokenState = {
      name: NAME,
      status: 'active',
      issuedOn,
      modifiedOn: issuedOn,
      expiresOn: at(200 * DAY),
      notBefore: undefined,
      policies: [
        {
          effect: 'allow',
          permission_groups: [{ id: '4755a26eedb94da69e1066d98aa820be' }],
          resources: { [`com.cloudflare.api.account.zone.${ZONE}`]: '*' }
        }
      ],
      condition: { request_ip: { in: ['192.0.2.0/24'] } },
      ...fields
    };
    this.tokens.push({ state, value });
    return state;
  }

  fail(method: Method, kind: FailureKind = 'error', id?: string): void {
    this.failures.push({ method, kind, id });
  }

  heal(): void {
    this.failures.length = 0;
  }

  named(name = NAME): ApiTokenState[] {
    return this.tokens.filter((token) => token.state.name === name).map((token) => token.state);
  }

  valueOf(id: string): string | undefined {
    return this.tokens.find((token) => token.state.id === id)?.value;
  }

  /** What checkApiToken answers: the token whose value the store is called with. */
  whoAmI(): RunningTokenStatus {
    const me = this.tokens.find((token) => token.value === this.authValue);
    if (!me) throw new Error('Invalid API Token');
    return { id: me.state.id, owner: 'user', expiresOn: me.state.expiresOn ?? undefined };
  }

  private stamp(): Date {
    return new Date(Math.floor(clock / SECOND) * SECOND);
  }

  private failure(method: Method, id?: string): FailureKind | undefined {
    return this.failures.find((failure) => failure.method === method && (!failure.id || failure.id === id))
      ?.kind;
  }

  /** Every call but a verify runs with authValue: a dead value (a rolled-away one) is refused. */
  private authorize(): void {
    const me = this.tokens.find((token) => token.value === this.authValue);
    if (!me || me.state.status !== 'active') {
      throw Object.assign(new Error('401 Invalid API Token'), { status: 401 });
    }
  }

  private find(id: string): Stored {
    const found = this.tokens.find((token) => token.state.id === id);
    if (!found) throw new TokenLookupError(`No API token with id '${id}' exists for your user.`, 'Check it.');
    return found;
  }

  get = (id: string): Promise<ApiTokenState> => {
    this.authorize();
    return Promise.resolve(this.find(id).state);
  };

  findByName = (name: string): Promise<ApiTokenState[]> => {
    this.authorize();
    this.onFind?.(++this.finds);
    const found = this.named(name);
    return Promise.resolve(
      this.listWithoutPolicies ? found.map((token) => ({ ...token, policies: [] })) : found
    );
  };

  permissionGroups = (): Promise<PermissionGroup[]> => {
    this.authorize();
    log.push('permissionGroups');
    return Promise.resolve([...this.groups]);
  };

  create = async (spec: ApiTokenSpec, known: ReadonlySet<string>): Promise<IssuedApiToken> => {
    this.authorize();
    const failure = this.failure('create');
    if (failure === 'error') {
      log.push('create failed');
      throw new Error('create failed');
    }
    const id = `t${++this.sequence}`;
    log.push(`create ${id}`);
    this.specs.push(spec);
    const stamp = this.stamp();
    const state = this.add(
      {
        id,
        name: spec.name,
        issuedOn: stamp,
        modifiedOn: stamp,
        expiresOn: spec.expiresOn ?? null,
        notBefore: spec.notBefore,
        policies: spec.policies,
        condition: spec.condition
      },
      `value-${id}-1`
    );
    if (failure === 'ambiguous') {
      // The adapter's contract: tokens named alike that are not in `known` were made by this call; they go.
      const orphans = (await this.findByName(spec.name)).filter((token) => !known.has(token.id));
      for (const orphan of orphans) await this.delete(orphan);
      throw new LostSecretError(
        `Creating API token '${spec.name}' took effect, but its answer was lost; the new token ${orphans.map((token) => token.id).join(', ')} was deleted again.`,
        'Re-run.'
      );
    }
    return { token: state, value: `value-${id}-1` };
  };

  roll = (token: ApiTokenState, runsWithIt = false): Promise<IssuedApiToken> => {
    this.authorize();
    const failure = this.failure('roll', token.id);
    if (failure === 'error') throw new Error('roll failed');
    const stored = this.find(token.id);
    const generation = Number(stored.value.split('-').at(-1)) + 1;
    stored.value = `value-${token.id}-${generation}`;
    stored.state = { ...stored.state, modifiedOn: this.stamp() };
    log.push(`roll ${token.id}`);
    if (failure === 'ambiguous')
      throw new LostSecretError('Rolling took effect, but its answer was lost.', '');
    if (runsWithIt) this.useValue(stored.value);
    return Promise.resolve({ token: stored.state, value: stored.value });
  };

  renew = (token: ApiTokenState, expiresOn: Date | undefined): Promise<ApiTokenState> => {
    this.authorize();
    if (this.failure('renew', token.id)) throw new Error('renew failed');
    const stored = this.find(token.id);
    stored.state = { ...stored.state, expiresOn: expiresOn ?? null, modifiedOn: this.stamp() };
    log.push(`renew ${token.id}`);
    return Promise.resolve(stored.state);
  };

  delete = (token: ApiTokenState): Promise<void> => {
    this.authorize();
    if (this.failure('delete', token.id) === 'error') {
      log.push(`delete ${token.id} failed`);
      return Promise.reject(new Error(`delete of ${token.id} failed`));
    }
    log.push(`delete ${token.id}`);
    const index = this.tokens.findIndex((stored) => stored.state.id === token.id);
    if (index !== -1) this.tokens.splice(index, 1);
    return Promise.resolve();
  };

  verifyValue = (value: string): Promise<{ id: string; status: string }> => {
    const found = this.tokens.find((token) => token.value === value);
    log.push(`verify ${found?.state.id ?? 'unknown value'}`);
    if (!found || this.failure('verifyValue', found.state.id)) {
      return Promise.reject(new Error('1000 Invalid API Token'));
    }
    if (clock - found.state.issuedOn.getTime() < this.propagationMs) {
      return Promise.reject(new Error('1000 Invalid API Token (not known everywhere yet)'));
    }
    return Promise.resolve({ id: found.state.id, status: found.state.status });
  };

  useValue = (value: string): void => {
    log.push(`useValue ${this.tokens.find((token) => token.value === value)?.state.id ?? 'unknown value'}`);
    this.authValue = value;
  };
}

/** One GitHub target in memory: what each secret holds, and when it was written (GitHub's clock). */
class MemoryTarget implements SecretTarget {
  readonly label: string;
  readonly keyScope: string;
  readonly variables = undefined;
  readonly target: Target;
  readonly stored = new Map<string, { value: string; updatedAt: Date }>();
  failing = false;
  /** 403: a refusal that changed nothing; 502: an answer lost after the write may have landed. */
  failStatus = 403;

  constructor(target: Target, label: string) {
    this.target = target;
    this.label = label;
    this.keyScope = label;
  }

  seed(value: string, updatedAt: Date): this {
    this.stored.set(SECRET, { value, updatedAt });
    return this;
  }

  /** The value of the API token secret. */
  get holds(): string | undefined {
    return this.stored.get(SECRET)?.value;
  }

  publicKey = () => Promise.resolve({ keyId: 'k', key: 'key' });
  secrets = (): Promise<Map<string, SecretMetadata>> =>
    Promise.resolve(new Map([...this.stored].map(([name, { updatedAt }]) => [name, { updatedAt }])));
  prepare = () => Promise.resolve();
  write = (name: string, sealed: SealedSecret): Promise<'created' | 'updated'> => {
    if (this.failing) {
      log.push(`write ${this.label} failed`);
      const message = this.failStatus === 403 ? 'Forbidden' : 'Bad Gateway';
      return Promise.reject(Object.assign(new Error(message), { status: this.failStatus }));
    }
    log.push(name === SECRET ? `write ${this.label}` : `write ${this.label} ${name}`);
    const existed = this.stored.has(name);
    this.stored.set(name, { value: sealed.encryptedValue.replace(/^sealed:/, ''), updatedAt: now() });
    // GitHub asks for a second between writes.
    clock += SECOND;
    return Promise.resolve(existed ? 'updated' : 'created');
  };
  remove = (name: string): Promise<void> => {
    log.push(`remove ${this.label} ${name}`);
    this.stored.delete(name);
    return Promise.resolve();
  };
}

const repository = (repo: string): Target => ({ kind: 'repository', owner: 'o', repo });

const POLICY = parseApiTokenPolicy(
  `
policies:
  - effect: allow
    permission_groups: [DNS Write, {name: zone read}]
    resources:
      com.cloudflare.api.account.zone.${ZONE}: '*'
condition:
  request_ip:
    in: [192.0.2.0/24]
`,
  NOW
);

function settings(
  overrides: Partial<ApiTokenRunSettings> = {},
  apiToken: Partial<ApiTokenSettings> = {}
): ApiTokenRunSettings {
  return {
    cloudflareApiToken: 'admin-value',
    githubToken: 'y',
    credential: 'api-token',
    apiToken: { strategy: 'replace', secretName: SECRET, policy: POLICY, ...apiToken },
    scope: { kind: 'user' },
    tokenName: NAME,
    tokenId: undefined,
    mode: 'auto',
    renewalWindowMs: 30 * DAY,
    duration: DURATION,
    targets: [],
    dryRun: false,
    exposeSecret: false,
    cloudflareApiUrl: 'http://127.0.0.1:1',
    githubApiUrl: 'http://127.0.0.1:2',
    timing: { ...DEFAULT_TIMING, verifyTimeoutMs: 20 * SECOND, retryBaseMs: 100 },
    ...overrides
  };
}

let store: MemoryApiTokens;
let web: MemoryTarget;
let api: MemoryTarget;
let archived: Set<string>;
let sleeps: number[];

function ports(targets: readonly SecretTarget[] = [web, api]): ApiTokenPorts {
  return {
    checkApiToken: () => Promise.resolve(store.whoAmI()),
    apiTokens: store,
    targets,
    isArchived: (_owner, repo) => Promise.resolve(archived.has(repo)),
    seal: (plain) => Promise.resolve(`sealed:${plain}`),
    now,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    }
  };
}

async function run(
  overrides: Partial<ApiTokenRunSettings> = {},
  apiToken: Partial<ApiTokenSettings> = {},
  targets?: readonly SecretTarget[]
): Promise<ApiTokenRecord> {
  const record = newApiTokenRecord();
  await runApiToken(settings(overrides, apiToken), ports(targets), record);
  return record;
}

/** Runs, expecting a failure; returns the record and the error. */
async function failing(
  overrides: Partial<ApiTokenRunSettings> = {},
  apiToken: Partial<ApiTokenSettings> = {},
  targets?: readonly SecretTarget[]
): Promise<{ record: ApiTokenRecord; error: Error }> {
  const record = newApiTokenRecord();
  const error = await runApiToken(settings(overrides, apiToken), ports(targets), record).then(
    () => {
      throw new Error('the run succeeded');
    },
    (thrown: unknown) => thrown as Error
  );
  return { record, error };
}

const familyIds = (): string[] => store.named().map((token) => token.id);
const mutations = (): string[] => log.filter((entry) => !entry.startsWith('verify'));
const outcome = (record: ApiTokenRecord, label: string) =>
  record.outcomes.find((candidate) => candidate.label === label)?.slots[0]?.status;

/** The usual world: t1 in use, both targets written with its value a day after it was issued. */
function seedCurrent(): ApiTokenState {
  const t1 = store.add({ id: 't1', issuedOn: at(-30 * DAY) }, 'value-t1-1');
  web.seed('value-t1-1', at(-29 * DAY));
  api.seed('value-t1-1', at(-29 * DAY));
  return t1;
}

beforeEach(() => {
  clock = NOW.getTime();
  log = [];
  sleeps = [];
  archived = new Set();
  store = new MemoryApiTokens();
  web = new MemoryTarget(repository('web'), 'o/web');
  api = new MemoryTarget(repository('api'), 'o/api');
});

describe('create from api-token-policy', () => {
  it('resolves permission group names, creates, verifies, then writes every target', async () => {
    const record = await run();
    expect(familyIds()).toEqual(['t2']);
    const [spec] = store.specs;
    expect(spec).toEqual({
      name: NAME,
      policies: [
        {
          effect: 'allow',
          permission_groups: [
            { id: '4755a26eedb94da69e1066d98aa820be' },
            { id: 'c8fed203ed3043cba015a93ad1616f1f' }
          ],
          resources: { [`com.cloudflare.api.account.zone.${ZONE}`]: '*' }
        }
      ],
      condition: { request_ip: { in: ['192.0.2.0/24'] } },
      expiresOn: expiryFrom(DURATION, NOW),
      notBefore: undefined
    });
    expect(store.named()[0]?.expiresOn).toEqual(new Date('2026-08-30T12:00:00.000Z'));
    expect(log).toEqual(['permissionGroups', 'create t2', 'verify t2', 'write o/web', 'write o/api']);
    expect([web.holds, api.holds]).toEqual(['value-t2-1', 'value-t2-1']);
    expect(record.plan).toMatchObject({ action: 'create', result: 'created' });
    expect(record.staged).toBe(true);
    expect(record.apiToken?.id).toBe('t2');
    expect(record.issuedSecret).toBe('value-t2-1');
    expect([outcome(record, 'o/web'), outcome(record, 'o/api')]).toEqual(['created', 'created']);

    // The next run finds everything current.
    log.length = 0;
    const again = await run();
    expect(again.plan).toMatchObject({ action: 'none', result: 'unchanged' });
    expect(log).toEqual([]);
  });

  it('refuses an unknown permission group name before creating anything', async () => {
    const policy = parseApiTokenPolicy(
      `policies: [{effect: allow, permission_groups: [DNS Write, Wrokers Scripts Write], resources: {com.cloudflare.api.account.zone.${ZONE}: '*'}}]`,
      NOW
    );
    const { record, error } = await failing({}, { policy });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      "policies[0].permission_groups[1]: 'Wrokers Scripts Write' is not a permission group that API tokens of your user can have"
    );
    expect(log).toEqual(['permissionGroups']);
    expect(familyIds()).toEqual([]);
    expect([web.holds, api.holds]).toEqual([undefined, undefined]);
    expect(record.staged).toBe(false);
  });

  it('refuses to create without api-token-policy, and creates nothing', async () => {
    const { record, error } = await failing({}, { policy: undefined });
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('api-token-policy');
    expect(error.message).toContain("no API token named 'deploy' exists for your user to copy");
    expect(log).toEqual([]);
    expect(familyIds()).toEqual([]);
    expect(record.staged).toBe(false);
  });

  it('does not look for the token in mode rotate when none exists', async () => {
    const { error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(TokenLookupError);
    expect(log).toEqual([]);
  });
});

describe('replace', () => {
  it("creates a copy of the old token's policies and condition, verifies it, writes everything, deletes the old one", async () => {
    const t1 = seedCurrent();
    const record = await run({ mode: 'rotate' });
    expect(familyIds()).toEqual(['t2']);
    const t2 = store.named()[0] as ApiTokenState;
    expect(t2.policies).toEqual(t1.policies);
    expect(t2.condition).toEqual(t1.condition);
    expect(t2.expiresOn).toEqual(expiryFrom(DURATION, NOW));
    // Verified before any write; the old token deleted only after all were written.
    expect(log).toEqual(['create t2', 'verify t2', 'write o/web', 'write o/api', 'delete t1']);
    expect([web.holds, api.holds]).toEqual(['value-t2-1', 'value-t2-1']);
    expect(record.plan).toMatchObject({ action: 'replace', result: 'replaced' });
    expect(record.staged).toBe(true);
    expect(record.apiToken?.id).toBe('t2');
    expect([outcome(record, 'o/web'), outcome(record, 'o/api')]).toEqual(['updated', 'updated']);
    expect(record.steps).toEqual([
      `Created API token 'deploy' (t2), valid until ${expiryFrom(DURATION, NOW)?.toISOString()}.`,
      'Cloudflare accepts the new value (token verify), so it can be written.',
      `Deleted API token t1 (issued ${t1.issuedOn.toISOString()}): no target holds it any more.`
    ]);
  });

  it('reads the token itself when the list leaves its policies out', async () => {
    const t1 = seedCurrent();
    store.listWithoutPolicies = true;
    await run({ mode: 'rotate' });
    expect(store.specs[0]?.policies).toEqual(t1.policies);
  });

  it('writes the targets without a working value first', async () => {
    store.add({ id: 't1', issuedOn: at(-30 * DAY) }, 'value-t1-1');
    const docs = new MemoryTarget(repository('docs'), 'o/docs');
    web.seed('value-t1-1', at(-29 * DAY));
    docs.seed('value-t1-1', at(-29 * DAY));
    const record = await run({}, {}, [web, api, docs]);
    expect(record.plan).toMatchObject({ action: 'replace' });
    expect(log.filter((entry) => entry.startsWith('write'))).toEqual([
      'write o/api',
      'write o/web',
      'write o/docs'
    ]);
  });

  it('retries the verification while the new value is not known everywhere yet', async () => {
    seedCurrent();
    store.propagationMs = 1500;
    await run({ mode: 'rotate' });
    expect(sleeps).toEqual([100, 200, 400, 800]);
    expect(log.slice(0, 6)).toEqual([
      'create t2',
      'verify t2',
      'verify t2',
      'verify t2',
      'verify t2',
      'verify t2'
    ]);
    expect(familyIds()).toEqual(['t2']);
  });

  it('deletes the new token again when its value does not verify; nothing is written', async () => {
    seedCurrent();
    store.fail('verifyValue', 'error', 't2');
    const { record, error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(VerificationError);
    expect(error.message).toContain(
      "The new API token 'deploy' (t2) does not work from this runner (1000 Invalid API Token)"
    );
    expect(error.message).toContain('It was deleted again; nothing was written');
    expect(mutations()).toEqual(['create t2', 'delete t2']);
    // Retried until the verify timeout: 100 + 200 + … ms of back-off.
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(20 * SECOND);
    expect(sleeps.length).toBeGreaterThan(3);
    expect(familyIds()).toEqual(['t1']);
    expect([web.holds, api.holds]).toEqual(['value-t1-1', 'value-t1-1']);
    expect(record.staged).toBe(false);
    expect(record.outcomes.map((entry) => entry.slots[0]?.status)).toEqual(['unchanged', 'unchanged']);
  });

  it('fails without writing when Cloudflare reports the new value as not active', async () => {
    seedCurrent();
    const original = store.verifyValue;
    store.verifyValue = (value) => original(value).then((answer) => ({ ...answer, status: 'disabled' }));
    const { error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(VerificationError);
    expect(error.message).toContain('Cloudflare reports it as token t2, disabled');
    expect(familyIds()).toEqual(['t1']);
    expect(log.some((entry) => entry.startsWith('write'))).toBe(false);
  });

  it('writes nothing and leaves no token behind when the create fails', async () => {
    seedCurrent();
    store.fail('create');
    const { record, error } = await failing({ mode: 'rotate' });
    expect(error.message).toBe('create failed');
    expect(mutations()).toEqual(['create failed']);
    expect(familyIds()).toEqual(['t1']);
    expect([web.holds, api.holds]).toEqual(['value-t1-1', 'value-t1-1']);
    expect(record.staged).toBe(false);
  });

  it('deletes the token of a create whose answer was lost (the adapter contract), writes nothing', async () => {
    seedCurrent();
    store.fail('create', 'ambiguous');
    const { record, error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(LostSecretError);
    expect(mutations()).toEqual(['create t2', 'delete t2']);
    expect(familyIds()).toEqual(['t1']);
    expect([web.holds, api.holds]).toEqual(['value-t1-1', 'value-t1-1']);
    expect(record.staged).toBe(false);

    // The next run replaces as if nothing happened.
    store.heal();
    log.length = 0;
    const again = await run({ mode: 'rotate' });
    expect(again.plan?.result).toBe('replaced');
    expect(familyIds()).toEqual(['t3']);
  });

  it('keeps both tokens when one write fails, and the next run heals and cleans up', async () => {
    seedCurrent();
    // Verifying takes a few seconds, so web is written clearly after t2 was issued: it surely holds t2.
    store.propagationMs = 6 * SECOND;
    api.failing = true;
    const first = await failing({ mode: 'rotate' });
    expect(first.error).toBeInstanceOf(DistributionError);
    expect(first.error.message).toContain(
      '1 of 2 target(s) did not receive the new API token: o/api (403 Forbidden).'
    );
    expect(familyIds()).toEqual(['t1', 't2']);
    expect([web.holds, api.holds]).toEqual(['value-t2-1', 'value-t1-1']);
    expect(outcome(first.record, 'o/api')).toBe('failed: 403 Forbidden');
    expect(first.record.steps.at(-1)).toBe(
      'Kept API token(s) t1: targets that were not written still hold them.'
    );
    expect(log.filter((entry) => entry.startsWith('delete'))).toEqual([]);

    // Second run, mode auto: the token in use is t2 (web holds it), api is stale → replace t2, clean up both.
    api.failing = false;
    clock += DAY;
    log.length = 0;
    const second = await run();
    expect(second.plan).toMatchObject({ action: 'replace', result: 'replaced' });
    expect(second.plan).toMatchObject({ staleTargets: ['o/api (stale)'], obsolete: [] });
    expect(mutations()).toEqual(['create t3', 'write o/api', 'write o/web', 'delete t1', 'delete t2']);
    expect(familyIds()).toEqual(['t3']);
    expect([web.holds, api.holds]).toEqual(['value-t3-1', 'value-t3-1']);

    // Third run: nothing to do.
    clock += DAY;
    log.length = 0;
    const third = await run();
    expect(third.plan).toMatchObject({ action: 'none', result: 'unchanged' });
    expect(log).toEqual([]);
    expect(familyIds()).toEqual(['t3']);
  });

  it('deletes the new token at once when every write was refused (a 4xx changes nothing)', async () => {
    seedCurrent();
    web.failing = true;
    api.failing = true;
    const { record, error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(DistributionError);
    expect(mutations()).toEqual(['create t2', 'write o/web failed', 'write o/api failed', 'delete t2']);
    expect(familyIds()).toEqual(['t1']);
    expect(record.staged).toBe(false);
    expect(record.apiToken?.id).toBe('t1');
  });

  it('keeps both tokens when every write fails and one may have taken effect; the next run deletes the new one', async () => {
    seedCurrent();
    web.failing = true;
    api.failing = true;
    web.failStatus = 502;
    const { record, error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(DistributionError);
    expect(error.message).toContain('2 of 2 target(s)');
    // A write whose answer was lost may have delivered t2: deleting it could lock that target out.
    expect(mutations()).toEqual(['create t2', 'write o/web failed', 'write o/api failed']);
    expect(familyIds()).toEqual(['t1', 't2']);
    expect([web.holds, api.holds]).toEqual(['value-t1-1', 'value-t1-1']);
    expect(record.staged).toBe(false);
    expect(record.apiToken?.id).toBe('t1');

    // The secrets' dates show no target holds t2: the next run deletes it and changes nothing else.
    web.failing = false;
    api.failing = false;
    clock += DAY;
    log.length = 0;
    const next = await run();
    expect(next.plan).toMatchObject({ action: 'none', result: 'unchanged' });
    expect(mutations()).toEqual(['delete t2']);
    expect(familyIds()).toEqual(['t1']);
  });

  it('fails with CleanupError when the old token cannot be deleted; the next run deletes it', async () => {
    seedCurrent();
    // The new value takes 6 s to verify, so the writes land clearly after the new token was issued.
    store.propagationMs = 6 * SECOND;
    store.fail('delete', 'error', 't1');
    const { record, error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(CleanupError);
    expect(error.message).toContain(
      'Could not delete API token(s) that no target holds any more: t1 (delete of t1 failed)'
    );
    expect(mutations()).toEqual(['create t2', 'write o/web', 'write o/api', 'delete t1 failed']);
    expect([web.holds, api.holds]).toEqual(['value-t2-1', 'value-t2-1']);
    expect(familyIds()).toEqual(['t1', 't2']);
    expect(record.staged).toBe(true);
    expect(record.apiToken?.id).toBe('t2');

    store.heal();
    clock += DAY;
    log.length = 0;
    const next = await run();
    expect(next.plan).toMatchObject({ action: 'none', result: 'unchanged' });
    expect((next.plan as ApiTokenPlan).obsolete.map((token) => token.id)).toEqual(['t1']);
    expect(log).toEqual(['delete t1']);
    expect(familyIds()).toEqual(['t2']);
  });

  it('replaces once more after a CleanupError when the writes were too close to the create to tell', async () => {
    seedCurrent();
    store.fail('delete', 'error', 't1');
    await expect(runApiToken(settings({ mode: 'rotate' }), ports(), newApiTokenRecord())).rejects.toThrow(
      CleanupError
    );
    store.heal();
    clock += DAY;
    log.length = 0;
    // Both targets were written within the clock tolerance of t2's issue time: they may hold t1 or t2.
    const next = await run();
    expect(next.plan).toMatchObject({ action: 'replace' });
    expect(mutations()).toEqual(['create t3', 'write o/web', 'write o/api', 'delete t1', 'delete t2']);
    clock += DAY;
    log.length = 0;
    expect((await run()).plan?.result).toBe('unchanged');
    expect(log).toEqual([]);
  });

  it('deletes the token the action runs with last, after every other obsolete token', async () => {
    // cloudflare-api-token is t1 itself; an older leftover t0 that no target holds is listed after it.
    const t1 = seedCurrent();
    store.add({ id: 't0', issuedOn: at(-60 * DAY) }, 'value-t0-1');
    store.authValue = 'value-t1-1';
    const record = await run({ mode: 'rotate' });
    expect(familyIds()).toEqual(['t2']);
    expect(log.filter((entry) => entry.startsWith('delete'))).toEqual(['delete t0', 'delete t1']);
    expect(log.at(-1)).toBe('delete t1');
    expect(record.steps.at(-1)).toBe(
      `Deleted API token t1 (issued ${t1.issuedOn.toISOString()}): no target holds it any more; it was cloudflare-api-token, deleted last.`
    );
  });

  it('refuses to replace the token it runs with when no target holds it (the next run would start dead)', async () => {
    store.add({ id: 't1', issuedOn: at(-30 * DAY) }, 'value-t1-1');
    store.authValue = 'value-t1-1';
    const { record, error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('targets');
    expect(log).toEqual([]);
    expect(familyIds()).toEqual(['t1']);
    expect(record.staged).toBe(false);
  });

  it('deletes a killed run’s orphan in an auto run that changes nothing else', async () => {
    seedCurrent();
    store.add({ id: 't9', issuedOn: at(-1 * DAY) }, 'value-t9-1');
    const record = await run();
    expect(record.plan).toMatchObject({ action: 'none', result: 'unchanged' });
    expect(log).toEqual(['delete t9']);
    expect(familyIds()).toEqual(['t1']);
    expect(record.apiToken?.id).toBe('t1');
  });
});

describe('roll', () => {
  /** Before a roll, github-token proves it can write: a throw-away secret, deleted again. */
  const PROBE = ['write o/web CF_TOKEN_ROTATOR_WRITE_PROBE', 'remove o/web CF_TOKEN_ROTATOR_WRITE_PROBE'];

  it('rolls the value in place and writes every target', async () => {
    const t1 = seedCurrent();
    const record = await run({ mode: 'rotate' }, { strategy: 'roll' });
    expect(familyIds()).toEqual(['t1']);
    expect(store.valueOf('t1')).toBe('value-t1-2');
    // The value is written first and verified after: every consumer is without one until it is written.
    expect(log).toEqual([...PROBE, 'roll t1', 'write o/web', 'write o/api', 'verify t1']);
    expect([web.holds, api.holds]).toEqual(['value-t1-2', 'value-t1-2']);
    expect(record.plan).toMatchObject({ action: 'roll', result: 'rolled', renew: false });
    expect(record.staged).toBe(true);
    expect(record.apiToken?.id).toBe('t1');
    expect(store.named()[0]?.expiresOn).toEqual(t1.expiresOn);

    clock += DAY;
    log.length = 0;
    expect((await run({}, { strategy: 'roll' })).plan?.result).toBe('unchanged');
    expect(log).toEqual([]);
  });

  it('switches to the new value at once when the action runs with the rolled token', async () => {
    seedCurrent();
    // A leftover that no target holds: deleting it is a Cloudflare call after the roll.
    store.add({ id: 't0', issuedOn: at(-60 * DAY) }, 'value-t0-1');
    store.authValue = 'value-t1-1';
    const record = await run({ mode: 'rotate' }, { strategy: 'roll' });
    expect(log).toEqual([
      ...PROBE,
      'roll t1',
      'useValue t1',
      'write o/web',
      'write o/api',
      'verify t1',
      'delete t0'
    ]);
    expect(store.authValue).toBe('value-t1-2');
    expect(familyIds()).toEqual(['t1']);
    expect(record.steps).toContain(
      'cloudflare-api-token was the rolled token: the rest of the run uses the new value.'
    );
  });

  it('renews an expiring token before rolling it', async () => {
    store.add({ id: 't1', issuedOn: at(-30 * DAY), expiresOn: at(10 * DAY) }, 'value-t1-1');
    web.seed('value-t1-1', at(-29 * DAY));
    api.seed('value-t1-1', at(-29 * DAY));
    const record = await run({}, { strategy: 'roll' });
    expect(record.plan).toMatchObject({ action: 'roll', renew: true, result: 'rolled' });
    expect(log.slice(2, 4)).toEqual(['renew t1', 'roll t1']);
    // Renewed from the moment after the probe's write (which the fake target makes take a second).
    expect(store.named()[0]?.expiresOn).toEqual(expiryFrom(DURATION, new Date(NOW.getTime() + SECOND)));
    expect([web.holds, api.holds]).toEqual(['value-t1-2', 'value-t1-2']);
  });

  it('writes the rolled value even when it does not verify, then fails', async () => {
    seedCurrent();
    store.fail('verifyValue', 'error', 't1');
    const { record, error } = await failing({ mode: 'rotate' }, { strategy: 'roll' });
    expect(error).toBeInstanceOf(VerificationError);
    expect([web.holds, api.holds]).toEqual(['value-t1-2', 'value-t1-2']);
    expect(record.staged).toBe(true);
  });

  it('writes nothing when a roll took effect but its answer was lost', async () => {
    seedCurrent();
    store.fail('roll', 'ambiguous');
    const { error } = await failing({ mode: 'rotate' }, { strategy: 'roll' });
    expect(error).toBeInstanceOf(LostSecretError);
    expect(mutations()).toEqual([...PROBE, 'roll t1']);
    expect(store.valueOf('t1')).toBe('value-t1-2');
    expect([web.holds, api.holds]).toEqual(['value-t1-1', 'value-t1-1']);
  });

  it('changes nothing when the roll fails', async () => {
    seedCurrent();
    store.fail('roll');
    const { record, error } = await failing({ mode: 'rotate' }, { strategy: 'roll' });
    expect(error.message).toBe('roll failed');
    expect(log).toEqual(PROBE);
    expect(store.valueOf('t1')).toBe('value-t1-1');
    expect(record.staged).toBe(false);
  });

  it('does not roll when github-token cannot write: the probe fails first', async () => {
    seedCurrent();
    web.failing = true;
    const { record, error } = await failing({ mode: 'rotate' }, { strategy: 'roll' });
    expect(error).toBeInstanceOf(PermissionError);
    expect(error.message).toContain('github-token could not write a secret to o/web (403 Forbidden)');
    expect(log).toEqual(['write o/web failed']);
    expect(store.valueOf('t1')).toBe('value-t1-1');
    expect(record.staged).toBe(false);
  });

  it('fails naming the target a rolled value did not reach', async () => {
    seedCurrent();
    api.failing = true;
    const { record, error } = await failing({ mode: 'rotate' }, { strategy: 'roll' });
    expect(error).toBeInstanceOf(DistributionError);
    expect(error.message).toContain('o/api (403 Forbidden)');
    expect(error.message).toContain('rolled away');
    expect(record.staged).toBe(true);
    expect(familyIds()).toEqual(['t1']);
  });
});

describe('dry run and check', () => {
  it('changes nothing in a dry run and marks the planned writes', async () => {
    seedCurrent();
    store.add({ id: 't9', issuedOn: at(-1 * DAY) }, 'value-t9-1');
    const record = await run({ mode: 'rotate', dryRun: true });
    expect(log).toEqual([]);
    expect(familyIds()).toEqual(['t1', 't9']);
    expect([web.holds, api.holds]).toEqual(['value-t1-1', 'value-t1-1']);
    expect(record.dryRun).toBe(true);
    expect(record.staged).toBe(false);
    expect(record.plan).toMatchObject({ action: 'replace', result: 'replaced' });
    expect(record.outcomes.map((entry) => entry.slots[0]?.status)).toEqual(['planned', 'planned']);
    expect(record.steps).toEqual([
      'Would delete API token(s) no target holds: t9.',
      'Dry run: every read-only check passed; nothing was changed.',
      "Dry run: not checked, as they need a write: github-token's write permission (the real run finds out with its first write); cloudflare-api-token's permission to replace API tokens (shown only by the change itself)."
    ]);
  });

  it('plans a create in a dry run: resolves the permission groups (read-only), creates nothing', async () => {
    const record = await run({ dryRun: true });
    expect(log).toEqual(['permissionGroups']);
    expect(record.plan).toMatchObject({ action: 'create' });
    expect(record.outcomes.map((entry) => entry.slots[0]?.status)).toEqual(['planned', 'planned']);
  });

  it('fails in check mode when the token expires within the window, changing nothing', async () => {
    store.add({ id: 't1', issuedOn: at(-30 * DAY), expiresOn: at(3 * DAY) }, 'value-t1-1');
    web.seed('value-t1-1', at(-29 * DAY));
    api.seed('value-t1-1', at(-29 * DAY));
    const { record, error } = await failing({ mode: 'check' });
    expect(error).toBeInstanceOf(ExpiryCheckError);
    expect(error.message).toContain(
      `API token 'deploy' (t1) expires at ${at(3 * DAY).toISOString()} (in 3.0 days).`
    );
    expect(log).toEqual([]);
    expect(record.plan).toMatchObject({ action: 'check', result: 'checked' });
  });

  it('passes in check mode for a healthy token, even with a stale target and an orphan', async () => {
    seedCurrent();
    store.add({ id: 't9', issuedOn: at(-1 * DAY) }, 'value-t9-1');
    api.stored.delete(SECRET);
    const record = await run({ mode: 'check' });
    expect(record.plan).toMatchObject({ action: 'check', result: 'checked' });
    expect(log).toEqual([]);
    expect(familyIds()).toEqual(['t1', 't9']);
  });
});

describe('safeguards', () => {
  it('stops before creating when another run changed the tokens since the observation', async () => {
    seedCurrent();
    store.onFind = (call) => {
      if (call === 2) store.add({ id: 't7', issuedOn: now() }, 'value-t7-1');
    };
    const { record, error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(ConcurrentRotationError);
    expect(error.message).toContain(
      "The API tokens named 'deploy' changed while this run was reading its targets (1 → 2 token(s))"
    );
    expect(log).toEqual([]);
    expect(familyIds()).toEqual(['t1', 't7']);
    expect([web.holds, api.holds]).toEqual(['value-t1-1', 'value-t1-1']);
    expect(record.staged).toBe(false);
  });

  it('stops before the first create too when another run created the token meanwhile', async () => {
    store.onFind = (call) => {
      if (call === 2) store.add({ id: 't7', issuedOn: now() }, 'value-t7-1');
    };
    const { error } = await failing();
    expect(error).toBeInstanceOf(ConcurrentRotationError);
    expect(log).toEqual(['permissionGroups']);
    expect(familyIds()).toEqual(['t7']);
  });

  it('leaves archived repositories out, writes the others, and keeps the token they hold', async () => {
    seedCurrent();
    archived.add('api');
    const { record, error } = await failing({ mode: 'rotate' });
    expect(error).toBeInstanceOf(DistributionError);
    expect(error.message).toContain('o/api (archived repository)');
    expect(error.message).toContain('Remove archived repositories from targets.');
    expect(outcome(record, 'o/api')).toBe(ARCHIVED);
    expect(outcome(record, 'o/web')).toBe('updated');
    expect(mutations()).toEqual(['create t2', 'write o/web']);
    expect(familyIds()).toEqual(['t1', 't2']);
    expect([web.holds, api.holds]).toEqual(['value-t2-1', 'value-t1-1']);
  });

  it('refuses an auto run needed only for archived repositories', async () => {
    seedCurrent();
    api.stored.delete(SECRET);
    archived.add('api');
    const { record, error } = await failing();
    expect(error).toBeInstanceOf(ArchivedTargetError);
    expect(error.message).toContain(
      'Not rotated: the only targets without the current API token are in archived (read-only) repositories: o/api (missing).'
    );
    expect(log).toEqual([]);
    expect(familyIds()).toEqual(['t1']);
    expect(outcome(record, 'o/api')).toBe(ARCHIVED);
    expect(record.staged).toBe(false);
  });
});
