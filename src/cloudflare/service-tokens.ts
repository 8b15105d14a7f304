import { NotFoundError } from 'cloudflare/error';
import { LostSecretError, TokenLookupError } from '../errors.js';
import type { IssuedCredential, TokenState } from '../credentials/service-token/model.js';
import type { ServiceTokenScope } from '../settings/settings.js';
import { isAmbiguous, toCloudflareError } from './errors.js';
import type { CloudflareClient } from './client.js';
import { issuedFrom, mergeAnswer, readBackCreated, readBackExpiry } from './issued.js';
import { toTokenState } from './token-state.js';
import { listAllPages } from './pages.js';

/** What the rotation needs from Cloudflare. The in-memory fake in the tests implements the same shape. */
export interface ServiceTokenStore {
  /** Human-readable scope, e.g. "account 0123…". */
  readonly scopeLabel: string;
  /** Rotate and refresh exist only at account scope; a zone-scoped rotation is a version-bumping PUT. */
  readonly scopeKind: ServiceTokenScope['kind'];
  get(id: string): Promise<TokenState>;
  findByName(name: string): Promise<TokenState[]>;
  /** Every token's name in the scope (for near matches before a create); optional in fakes. */
  listTokenNames?(): Promise<string[]>;
  /** Never retried: a second create would make a second token. Sends client_secret_version 1. */
  create(name: string, duration: string): Promise<IssuedCredential>;
  /**
   * Never retried: a retried rotate loses the secret issued by the first. At zone scope `version` is the
   * client_secret_version to move to (the current one + 1).
   */
  rotate(token: TokenState, previousSecretExpiresAt: Date, version?: number): Promise<IssuedCredential>;
  /** PUT of the given fields (the name is always sent, unchanged). Idempotent, so retried. */
  update(
    token: TokenState,
    fields: { duration?: string; previousSecretExpiresAt?: Date }
  ): Promise<TokenState>;
  /** POST …/refresh (account scope): one more duration from now, the secret unchanged. */
  refresh(token: TokenState): Promise<TokenState>;
}

const NO_RETRY = { maxRetries: 0 } as const;
/** Cloudflare serves at most 50 service tokens per page, whatever per_page asks for. */
const PAGE_SIZE = 50;

export class CloudflareServiceTokens implements ServiceTokenStore {
  readonly scopeLabel: string;
  readonly scopeKind: ServiceTokenScope['kind'];
  private readonly client: CloudflareClient;
  private readonly scope: ServiceTokenScope;

  constructor(client: CloudflareClient, scope: ServiceTokenScope) {
    this.client = client;
    this.scope = scope;
    this.scopeKind = scope.kind;
    this.scopeLabel = `${scope.kind} ${scope.id}`;
  }

  private get scopeParams(): { account_id: string } | { zone_id: string } {
    return this.scope.kind === 'account' ? { account_id: this.scope.id } : { zone_id: this.scope.id };
  }

  private get api() {
    return this.client.zeroTrust.access.serviceTokens;
  }

  private failure(error: unknown, what: string): Error {
    return toCloudflareError(error, what, this.scopeLabel);
  }

  async get(id: string): Promise<TokenState> {
    try {
      return toTokenState(await this.api.get(id, this.scopeParams));
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new TokenLookupError(
          `No service token with id '${id}' exists in ${this.scopeLabel}.`,
          'Check token-id and account-id or zone-id.',
          { cause: error }
        );
      }
      throw this.failure(error, `read service token ${id} in ${this.scopeLabel}`);
    }
  }

  async findByName(name: string): Promise<TokenState[]> {
    try {
      const tokens = await listAllPages(this.api.list({ ...this.scopeParams, name, per_page: PAGE_SIZE }));
      // The name filter is a search on some API versions, and ignored by some: keep exact matches only.
      return tokens.filter((token) => token.name === name).map((token) => toTokenState(token));
    } catch (error) {
      throw this.failure(error, `list service tokens in ${this.scopeLabel}`);
    }
  }

  async listTokenNames(): Promise<string[]> {
    try {
      const tokens = await listAllPages(this.api.list({ ...this.scopeParams, per_page: PAGE_SIZE }));
      return tokens.map((token) => token.name ?? '');
    } catch (error) {
      throw this.failure(error, `list service tokens in ${this.scopeLabel}`);
    }
  }

  async create(name: string, duration: string): Promise<IssuedCredential> {
    let raw: unknown;
    try {
      raw = await this.api.create(
        { ...this.scopeParams, name, duration, client_secret_version: 1 },
        NO_RETRY
      );
    } catch (error) {
      if (isAmbiguous(error) && (await this.findByName(name)).length > 0) {
        throw new LostSecretError(
          `Creating service token '${name}' in ${this.scopeLabel} took effect, but its response was lost, so the new secret is unknown.`,
          'No target holds it yet: re-run with mode auto, which sees the empty targets and rotates the token to issue a new secret.',
          { cause: error }
        );
      }
      throw this.failure(error, `create service token '${name}' in ${this.scopeLabel}`);
    }
    return readBackCreated(raw, { name, duration }, this);
  }

  async rotate(
    token: TokenState,
    previousSecretExpiresAt: Date,
    version?: number
  ): Promise<IssuedCredential> {
    const previous_client_secret_expires_at = previousSecretExpiresAt.toISOString();
    let raw: unknown;
    try {
      raw = await this.sendRotation(token, previous_client_secret_expires_at, version);
    } catch (error) {
      if (isAmbiguous(error)) throw await this.lostRotation(token, previous_client_secret_expires_at, error);
      throw this.failure(error, `rotate service token ${token.id} in ${this.scopeLabel}`);
    }
    const issued = issuedFrom(raw, 'rotation', token);
    return { ...issued, token: await readBackExpiry(raw, issued.token, this) };
  }

  private sendRotation(token: TokenState, previous: string, version: number | undefined): Promise<unknown> {
    if (this.scope.kind === 'account') {
      return this.api.rotate(
        token.id,
        { account_id: this.scope.id, previous_client_secret_expires_at: previous },
        NO_RETRY
      );
    }
    if (version === undefined)
      throw new Error('A zone-scoped rotation needs the next client_secret_version.');
    return this.api.update(
      token.id,
      {
        zone_id: this.scope.id,
        name: token.name,
        client_secret_version: version,
        previous_client_secret_expires_at: previous
      },
      NO_RETRY
    );
  }

  /**
   * A rotation without an answer may or may not have taken effect. Cloudflare declares no field that tells,
   * so the record says "issuing" and the next run rotates again; the undeclared version, when sent, only
   * sharpens the message.
   */
  private async lostRotation(token: TokenState, previousUntil: string, cause: unknown): Promise<Error> {
    const after = await this.get(token.id).catch(() => undefined);
    const before = token.hints.clientSecretVersion;
    const seen = after?.hints.clientSecretVersion;
    const known = before !== undefined && seen !== undefined;
    if (known && seen === before) {
      return this.failure(cause, `rotate service token ${token.id} in ${this.scopeLabel}`);
    }
    return new LostSecretError(
      `Rotating service token '${token.name}' (${token.id}) ${known ? 'took effect' : 'may have taken effect'}, but its response was lost, so the new secret is unknown.`,
      `Targets still hold the previous secret, which keeps working until ${previousUntil}: re-run before then to rotate again and write every target.`,
      { cause }
    );
  }

  async update(
    token: TokenState,
    fields: { duration?: string; previousSecretExpiresAt?: Date }
  ): Promise<TokenState> {
    try {
      const raw = await this.api.update(token.id, {
        ...this.scopeParams,
        name: token.name,
        ...(fields.duration !== undefined && { duration: fields.duration }),
        ...(fields.previousSecretExpiresAt && {
          previous_client_secret_expires_at: fields.previousSecretExpiresAt.toISOString()
        })
      });
      return mergeAnswer(raw, token);
    } catch (error) {
      throw this.failure(error, `update service token ${token.id} in ${this.scopeLabel}`);
    }
  }

  async refresh(token: TokenState): Promise<TokenState> {
    if (this.scope.kind !== 'account')
      throw new Error('Cloudflare refreshes service tokens at account scope only.');
    try {
      const raw = await this.api.refresh(token.id, { account_id: this.scope.id });
      return mergeAnswer(raw, token);
    } catch (error) {
      throw this.failure(error, `refresh service token ${token.id} in ${this.scopeLabel}`);
    }
  }
}
