import { randomBytes, randomUUID } from 'node:crypto';
import nock from 'nock';
import sodium from 'libsodium-wrappers';
import { loadContractChecker, type Api } from '../../emulator/contracts.ts';
import { repositoryJson } from '../../emulator/github/repository-json.ts';
import { cfError, envelope } from './cloudflare-envelope.js';
import { FakeApiTokens, type FakeApiToken } from './nock-api-tokens.js';
import { ACCOUNT_ID } from './inputs.js';
import { serializeRecord } from '../../src/credentials/service-token/rotation-record.js';

/** Loopback origins: nock answers them in-process; nothing ever leaves the machine. */
export const CLOUDFLARE_URL = 'http://127.0.0.1:48001/client/v4';
export const GITHUB_URL = 'http://127.0.0.1:48002';
const CF_PREFIX = '/client/v4';

export interface FakeToken {
  id: string;
  name: string;
  client_id: string;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  duration: string;
  client_secret_version: number;
  previous_client_secret_expires_at: string | null;
  /** Not part of the API answer: what the tests compare written secrets with. */
  secret: string;
}

interface Scope {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  secrets: Map<string, { plaintext: string; created_at: string; updated_at: string }>;
}

type Reply = [number, unknown?, Record<string, string>?];
type Fault = (method: string, path: string) => Reply | undefined;

const iso = (date: Date): string => date.toISOString();
const githubTime = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;
const newSecret = (): string => `cfast_${randomBytes(32).toString('hex')}`;
const DAY = 86_400_000;

/**
 * In-memory Cloudflare service tokens and GitHub secrets behind nock. Every request body and response is
 * checked against the OpenAPI contracts (when ../shared is present); every sealed secret is opened with
 * the scope's private key, so tests compare plaintexts, not ciphertexts.
 */
export class FakeApis {
  readonly tokens = new Map<string, FakeToken>();
  readonly calls: string[] = [];
  readonly violations: string[] = [];
  /** Faults run before the normal handling; the first that returns a reply wins. */
  readonly faults: Fault[] = [];
  /** API tokens (/user/tokens, /accounts/{id}/tokens), including the one the tests run with by default. */
  readonly apiTokens = new FakeApiTokens();
  /** The token behind the default cloudflare-api-token input ('cf-test-token'): user-owned, active. */
  readonly operator: FakeApiToken = this.apiTokens.seed({
    id: 'f267e341f3dd4697bd3b9f71dd96247f',
    name: 'rotator operator',
    value: 'cf-test-token',
    groups: ['API Tokens Write'],
    resources: { 'com.cloudflare.api.user.*': '*' }
  });

  /** Repository variables ("owner/repo:NAME" → value): the rotation record lives there. */
  readonly variables = new Map<string, { value: string; updated_at: string }>();
  private readonly scopes = new Map<string, Scope>();
  private readonly knownRepositories = new Map<string, { id: number; archived: boolean }>();
  private readonly checker = loadContractChecker();

  static async start(): Promise<FakeApis> {
    await sodium.ready;
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    const fake = new FakeApis();
    fake.install();
    return fake;
  }

  /**
   * Takes nock out of Node's networking again: a later test file in the same Jest worker (the emulator and
   * end-to-end suites open real sockets) must not go through its interceptor.
   */
  stop(): void {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  }

  // ---- seeding and inspection ----

  addRepository(fullName: string, environments: string[] = [], archived = false): void {
    this.knownRepositories.set(fullName.toLowerCase(), { id: 1000 + this.knownRepositories.size, archived });
    this.scope(`repo:${fullName.toLowerCase()}`);
    for (const environment of environments) this.scope(`env:${fullName.toLowerCase()}@${environment}`);
  }

  seedToken(overrides: Partial<FakeToken> = {}): FakeToken {
    const now = new Date();
    const token: FakeToken = {
      id: randomUUID(),
      name: 'svc',
      client_id: `${randomBytes(16).toString('hex')}.access`,
      created_at: iso(new Date(now.getTime() - 100 * DAY)),
      updated_at: iso(new Date(now.getTime() - 10 * DAY)),
      expires_at: iso(new Date(now.getTime() + 200 * DAY)),
      duration: '8760h',
      client_secret_version: 1,
      previous_client_secret_expires_at: null,
      secret: newSecret(),
      ...overrides
    };
    this.tokens.set(token.id, token);
    return token;
  }

  seedSecret(place: string, name: string, plaintext: string, updatedAt: Date): void {
    const at = githubTime(updatedAt);
    this.scope(place).secrets.set(name, { plaintext, created_at: at, updated_at: at });
  }

  secret(place: string, name: string): string | undefined {
    return this.scopes.get(place)?.secrets.get(name)?.plaintext;
  }

  secretUpdatedAt(place: string, name: string): string | undefined {
    return this.scopes.get(place)?.secrets.get(name)?.updated_at;
  }

  /** Changes to Cloudflare and to the targets' secrets; the action's own record is in recordWrites(). */
  mutations(): string[] {
    return this.calls.filter(
      (call) => !call.startsWith('GET ') && call !== 'POST gh/graphql' && !call.includes('/actions/variables')
    );
  }

  /** The rotation record's writes (an Actions variable), as "METHOD path". */
  recordWrites(): string[] {
    return this.calls.filter((call) => !call.startsWith('GET ') && call.includes('/actions/variables'));
  }

  /** The record an earlier run of the action would have left: `token`'s secret issued at its updated_at. */
  seedRecord(token: FakeToken, repository = 'octo/web'): void {
    const value = serializeRecord({
      tokenId: token.id,
      tokenName: token.name,
      scope: `account ${ACCOUNT_ID}`,
      state: 'complete',
      issuedAt: new Date(token.updated_at),
      clientIdSince: new Date(token.created_at),
      rotations: 1,
      clientSecretVersion: token.client_secret_version,
      previousValidUntil: undefined
    });
    this.variables.set(`${repository}:CF_ACCESS_CLIENT_SECRET_ROTATION`.toLowerCase(), {
      value,
      updated_at: githubTime(new Date())
    });
  }

  record(repository = 'octo/web'): Record<string, unknown> | undefined {
    const stored = this.variables.get(`${repository}:CF_ACCESS_CLIENT_SECRET_ROTATION`.toLowerCase());
    return stored && (JSON.parse(stored.value) as Record<string, unknown>);
  }

  // ---- nock wiring ----

  private scope(place: string): Scope {
    let scope = this.scopes.get(place);
    if (!scope) {
      const pair = sodium.crypto_box_keypair();
      scope = {
        keyId: randomUUID().replace(/-/g, '').slice(0, 20),
        publicKey: pair.publicKey,
        privateKey: pair.privateKey,
        secrets: new Map()
      };
      this.scopes.set(place, scope);
    }
    return scope;
  }

  private check(
    api: Api,
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
    reply: Reply
  ): Reply {
    if (!this.checker) return reply;
    this.violations.push(...this.checker.checkRequest(api, { method, path, query, body }));
    this.violations.push(
      ...this.checker.checkResponse(api, {
        method,
        path,
        status: reply[0],
        body: reply[1],
        requestBody: body
      })
    );
    return reply;
  }

  private install(): void {
    const cloudflare = nock(new URL(CLOUDFLARE_URL).origin).persist();
    const github = nock(GITHUB_URL).persist();
    // nock 15 hands a one-argument reply function the fetch Request itself.
    const reply = (api: Api) => async (request: Request) =>
      this.handle(
        api,
        request.method,
        request.url,
        await request.text(),
        request.headers.get('authorization')
      );
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
      cloudflare.intercept(/.*/, method).query(true).reply(reply('cloudflare'));
      github.intercept(/.*/, method).query(true).reply(reply('github'));
    }
  }

  private handle(
    api: Api,
    method: string,
    uri: string,
    rawBody: string,
    authorization: string | null
  ): Reply {
    const url = new URL(uri);
    const path = api === 'cloudflare' ? url.pathname.slice(CF_PREFIX.length) : url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const body = rawBody ? (JSON.parse(rawBody) as unknown) : undefined;
    this.calls.push(`${method} ${api === 'cloudflare' ? 'cf' : 'gh'}${path}`);
    for (const fault of this.faults) {
      const reply = fault(method, path);
      if (reply) return reply;
    }
    const reply =
      api === 'cloudflare'
        ? (this.apiTokens.handle({ method, path, query, body, authorization, at: this.calls.length - 1 }) ??
          this.cloudflare(method, path, query, body))
        : this.github(method, path, body);
    return this.check(api, method, path, query, body, reply);
  }

  // ---- Cloudflare ----

  private view(token: FakeToken): Omit<FakeToken, 'secret'> {
    return Object.fromEntries(Object.entries(token).filter(([key]) => key !== 'secret')) as Omit<
      FakeToken,
      'secret'
    >;
  }

  /** The status /user/tokens/verify reports for the default cloudflare-api-token. */
  get apiTokenStatus(): FakeApiToken['status'] {
    return this.operator.status;
  }
  set apiTokenStatus(status: FakeApiToken['status']) {
    this.operator.status = status;
  }
  get apiTokenExpiresOn(): string | undefined {
    return this.operator.expires_on ?? undefined;
  }
  set apiTokenExpiresOn(expiresOn: string | undefined) {
    this.operator.expires_on = expiresOn ?? null;
  }

  private cloudflare(method: string, path: string, query: Record<string, string>, body: unknown): Reply {
    const match =
      /^\/(accounts|zones)\/([0-9a-f]{32})\/access\/service_tokens(?:\/([^/]+))?(?:\/(rotate|refresh))?$/.exec(
        path
      );
    if (!match) return [404, cfError(7003, 'No route for the URI')];
    const [, scope, , id, action] = match;
    const fields = (body ?? {}) as Record<string, unknown>;
    const now = new Date();
    if (!id) {
      if (method === 'GET') {
        const all = [...this.tokens.values()].filter((token) => !query.name || token.name === query.name);
        const perPage = Number(query.per_page ?? 20);
        const page = Number(query.page ?? 1);
        const slice = all.slice((page - 1) * perPage, page * perPage);
        return [
          200,
          envelope(
            slice.map((token) => this.view(token)),
            { result_info: { page, per_page: perPage, count: slice.length, total_count: all.length } }
          )
        ];
      }
      const duration = typeof fields.duration === 'string' ? fields.duration : '8760h';
      const token = this.seedToken({
        name: String(fields.name),
        created_at: iso(now),
        updated_at: iso(now),
        duration,
        expires_at: duration === 'forever' ? null : iso(new Date(now.getTime() + parseHours(duration)))
      });
      return [201, envelope({ ...this.view(token), client_secret: token.secret })];
    }
    const token = this.tokens.get(id);
    if (!token) return [404, cfError(12130, 'access.api.error.not_found')];
    if (method === 'GET') return [200, envelope(this.view(token))];
    if (action === 'rotate') {
      if (scope !== 'accounts') return [404, cfError(7003, 'No route for the URI')];
      return [200, envelope(this.rotate(token, fields.previous_client_secret_expires_at, now))];
    }
    if (method === 'PUT') {
      if (
        typeof fields.client_secret_version === 'number' &&
        fields.client_secret_version !== token.client_secret_version
      ) {
        if (fields.client_secret_version !== token.client_secret_version + 1)
          return [400, cfError(1001, 'bad version')];
        return [200, envelope(this.rotate(token, fields.previous_client_secret_expires_at, now))];
      }
      if (typeof fields.name === 'string') token.name = fields.name;
      if (typeof fields.duration === 'string') {
        token.duration = fields.duration;
        token.expires_at =
          fields.duration === 'forever' ? null : iso(new Date(now.getTime() + parseHours(fields.duration)));
      }
      if (typeof fields.previous_client_secret_expires_at === 'string')
        token.previous_client_secret_expires_at = fields.previous_client_secret_expires_at;
      token.updated_at = iso(now);
      return [200, envelope(this.view(token))];
    }
    return [405, cfError(7003, 'No route for the URI')];
  }

  private rotate(token: FakeToken, previousExpiresAt: unknown, now: Date) {
    token.secret = newSecret();
    token.client_secret_version += 1;
    token.previous_client_secret_expires_at =
      typeof previousExpiresAt === 'string' ? previousExpiresAt : iso(now);
    token.updated_at = iso(now);
    return { ...this.view(token), client_secret: token.secret };
  }

  // ---- GitHub ----

  /** GET, POST and PATCH of repository variables, as GitHub answers them. */
  private variable(method: string, path: string, body: unknown): Reply | undefined {
    const match = /^\/repos\/([^/]+)\/([^/]+)\/actions\/variables(?:\/([^/]+))?$/.exec(path);
    if (!match) return undefined;
    const [, owner, repo, name] = match as unknown as [string, string, string, string | undefined];
    const fields = (body ?? {}) as { name?: string; value?: string };
    const key = (variable: string) => `${owner}/${repo}:${variable.toUpperCase()}`.toLowerCase();
    const now = githubTime(new Date());
    if (method === 'POST' && !name) {
      if (this.variables.has(key(String(fields.name)))) return [409, { message: 'Already exists' }];
      this.variables.set(key(String(fields.name)), { value: String(fields.value), updated_at: now });
      return [201, {}];
    }
    const stored = name ? this.variables.get(key(name)) : undefined;
    if (!name || !stored) return [404, { message: 'Not Found' }];
    if (method === 'GET')
      return [
        200,
        { name: name.toUpperCase(), value: stored.value, created_at: now, updated_at: stored.updated_at }
      ];
    if (method === 'PATCH') {
      this.variables.set(key(name), { value: String(fields.value ?? stored.value), updated_at: now });
      return [204];
    }
    return [405, { message: 'Method not allowed' }];
  }

  /** The action's GraphQL read: `r<i>: repository(owner: $o<i>, name: $n<i>) { isArchived databaseId }`. */
  private graphql(body: unknown): Reply {
    const variables = ((body ?? {}) as { variables?: Record<string, string> }).variables ?? {};
    const data: Record<string, unknown> = {};
    const errors: unknown[] = [];
    for (const [key, owner] of Object.entries(variables)) {
      const index = /^o(\d+)$/.exec(key)?.[1];
      if (index === undefined) continue;
      const name = variables[`n${index}`] ?? '';
      const known = this.knownRepositories.get(`${owner}/${name}`.toLowerCase());
      data[`r${index}`] = known ? { isArchived: known.archived, databaseId: known.id } : null;
      if (!known)
        errors.push({
          type: 'NOT_FOUND',
          path: [`r${index}`],
          locations: [{ line: 1, column: 1 }],
          message: `Could not resolve to a Repository with the name '${owner}/${name}'.`
        });
    }
    return [200, { data, ...(errors.length && { errors }) }];
  }

  private github(method: string, path: string, body: unknown): Reply {
    if (method === 'POST' && path === '/graphql') return this.graphql(body);
    const variable = this.variable(method, path, body);
    if (variable) return variable;
    const repository = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path);
    if (repository && method === 'GET') {
      const [, owner, name] = repository as unknown as [string, string, string];
      const known = this.knownRepositories.get(`${owner}/${name}`.toLowerCase());
      if (!known) return [404, { message: 'Not Found' }];
      const repo = {
        id: known.id,
        owner,
        name,
        visibility: 'private' as const,
        archived: known.archived,
        createdAt: 0,
        environments: new Map()
      };
      return [200, repositoryJson(GITHUB_URL, repo, { isOrganization: true, canPush: true })];
    }
    const match =
      /^\/repos\/([^/]+)\/([^/]+)(?:\/environments\/([^/]+))?\/(actions\/)?secrets(?:\/([^/]+))?$/.exec(path);
    if (!match) return [404, { message: 'Not Found' }];
    const [, owner, repo, environment, , rest] = match;
    const fullName = `${owner}/${repo}`.toLowerCase();
    if (!this.knownRepositories.has(fullName)) return [404, { message: 'Not Found' }];
    const place = environment ? `env:${fullName}@${decodeURIComponent(environment)}` : `repo:${fullName}`;
    const scope = this.scopes.get(place);
    if (!scope) return [404, { message: 'Not Found' }];
    if (rest === 'public-key')
      return [200, { key_id: scope.keyId, key: Buffer.from(scope.publicKey).toString('base64') }];
    if (!rest && method === 'GET') {
      const secrets = [...scope.secrets.entries()].map(([name, meta]) => ({
        name,
        created_at: meta.created_at,
        updated_at: meta.updated_at
      }));
      return [200, { total_count: secrets.length, secrets }];
    }
    if (rest && method === 'PUT') {
      const { encrypted_value, key_id } = body as { encrypted_value: string; key_id: string };
      if (key_id !== scope.keyId) return [422, { message: 'Bad key_id' }];
      const plaintext = sodium.to_string(
        sodium.crypto_box_seal_open(Buffer.from(encrypted_value, 'base64'), scope.publicKey, scope.privateKey)
      );
      const existed = scope.secrets.get(rest);
      const at = githubTime(new Date());
      scope.secrets.set(rest, { plaintext, created_at: existed?.created_at ?? at, updated_at: at });
      return existed ? [204, ''] : [201, {}];
    }
    if (rest && method === 'DELETE') {
      return scope.secrets.delete(rest) ? [204, ''] : [404, { message: 'Not Found' }];
    }
    return [404, { message: 'Not Found' }];
  }
}

function parseHours(duration: string): number {
  const hours = /^(\d+)h$/.exec(duration);
  if (!hours) throw new Error(`the fake understands only whole hours, not ${duration}`);
  return Number(hours[1]) * 3_600_000;
}
