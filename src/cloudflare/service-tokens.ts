import * as core from '@actions/core';
import { NotFoundError } from 'cloudflare/error';
import { LostSecretError, TokenLookupError } from '../errors.js';
import type { IssuedCredential, TokenState } from '../credentials/service-token/model.js';
import type { ServiceTokenScope } from '../settings/settings.js';
import { isAmbiguous, toCloudflareError } from './errors.js';
import type { CloudflareClient } from './client.js';
import { toTokenState } from './token-state.js';

/** What the rotation needs from Cloudflare. The in-memory fake in the tests implements the same shape. */
export interface ServiceTokenStore {
  /** Human-readable scope, e.g. "account 0123…". */
  readonly scopeLabel: string;
  get(id: string): Promise<TokenState>;
  findByName(name: string): Promise<TokenState[]>;
  /** Never retried: a second create would make a second token. */
  create(name: string, duration: string): Promise<IssuedCredential>;
  /** Never retried: a retried rotate loses the secret issued by the first. */
  rotate(token: TokenState, previousSecretExpiresAt: Date): Promise<IssuedCredential>;
  /** PUT of the given fields (the name is always sent, unchanged). Idempotent, so retried. */
  update(
    token: TokenState,
    fields: { duration?: string; previousSecretExpiresAt?: Date }
  ): Promise<TokenState>;
}

const NO_RETRY = { maxRetries: 0 } as const;
const PAGE_SIZE = 100;

/** A secret exists from this line on: mask it before anything can print it. */
function issued(raw: unknown, operation: string): IssuedCredential {
  const secret = (raw as { client_secret?: unknown } | undefined)?.client_secret;
  if (typeof secret !== 'string' || !secret) {
    throw new LostSecretError(
      `Cloudflare answered the ${operation} without a client_secret, so the new secret is unknown.`,
      'The previous secret keeps working until its grace ends; re-run to rotate again.'
    );
  }
  core.setSecret(secret);
  return { token: toTokenState(raw), clientSecret: secret };
}

export class CloudflareServiceTokens implements ServiceTokenStore {
  readonly scopeLabel: string;
  private readonly client: CloudflareClient;
  private readonly scope: ServiceTokenScope;

  constructor(client: CloudflareClient, scope: ServiceTokenScope) {
    this.client = client;
    this.scope = scope;
    this.scopeLabel = `${scope.kind} ${scope.id}`;
  }

  private get scopeParams(): { account_id: string } | { zone_id: string } {
    return this.scope.kind === 'account' ? { account_id: this.scope.id } : { zone_id: this.scope.id };
  }

  private get api() {
    return this.client.zeroTrust.access.serviceTokens;
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
      throw toCloudflareError(error, `read service token ${id} in ${this.scopeLabel}`, this.scopeLabel);
    }
  }

  async findByName(name: string): Promise<TokenState[]> {
    const found: TokenState[] = [];
    try {
      let page = await this.api.list({ ...this.scopeParams, name, per_page: PAGE_SIZE });
      for (;;) {
        const tokens = page.getPaginatedItems();
        // The name filter is a search on some API versions: keep exact matches only.
        for (const token of tokens) if (token.name === name) found.push(toTokenState(token));
        // The SDK would ask for one more page after every page with items; a short page is the last.
        if (tokens.length < PAGE_SIZE || !page.hasNextPage()) break;
        page = await page.getNextPage();
      }
    } catch (error) {
      throw toCloudflareError(error, `list service tokens in ${this.scopeLabel}`, this.scopeLabel);
    }
    return found;
  }

  async create(name: string, duration: string): Promise<IssuedCredential> {
    let raw: unknown;
    try {
      raw = await this.api.create({ ...this.scopeParams, name, duration }, NO_RETRY);
    } catch (error) {
      if (isAmbiguous(error) && (await this.findByName(name)).length > 0) {
        throw new LostSecretError(
          `Creating service token '${name}' in ${this.scopeLabel} took effect, but its response was lost, so the new secret is unknown.`,
          'No target holds it yet: re-run with mode auto, which sees the empty targets and rotates the token to issue a new secret.',
          { cause: error }
        );
      }
      throw toCloudflareError(error, `create service token '${name}' in ${this.scopeLabel}`, this.scopeLabel);
    }
    return issued(raw, 'create');
  }

  async rotate(token: TokenState, previousSecretExpiresAt: Date): Promise<IssuedCredential> {
    const previous_client_secret_expires_at = previousSecretExpiresAt.toISOString();
    let raw: unknown;
    try {
      raw =
        this.scope.kind === 'account'
          ? await this.api.rotate(
              token.id,
              { account_id: this.scope.id, previous_client_secret_expires_at },
              NO_RETRY
            )
          : await this.api.update(
              token.id,
              {
                zone_id: this.scope.id,
                name: token.name,
                client_secret_version: this.nextVersion(token),
                previous_client_secret_expires_at
              },
              NO_RETRY
            );
    } catch (error) {
      if (isAmbiguous(error) && (await this.changedSince(token))) {
        throw new LostSecretError(
          `Rotating service token '${token.name}' (${token.id}) took effect, but its response was lost, so the new secret is unknown.`,
          `Targets still hold the previous secret, which keeps working until ${previous_client_secret_expires_at}: re-run before then to rotate again and write every target.`,
          { cause: error }
        );
      }
      throw toCloudflareError(
        error,
        `rotate service token ${token.id} in ${this.scopeLabel}`,
        this.scopeLabel
      );
    }
    return issued(raw, 'rotation');
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
      return toTokenState(raw);
    } catch (error) {
      throw toCloudflareError(
        error,
        `update service token ${token.id} in ${this.scopeLabel}`,
        this.scopeLabel
      );
    }
  }

  private nextVersion(token: TokenState): number {
    if (token.clientSecretVersion === undefined) {
      throw new TokenLookupError(
        `Cloudflare did not report client_secret_version for service token ${token.id}, so it cannot be rotated at zone scope.`,
        'Rotate it at account scope (account-id) or from the dashboard.'
      );
    }
    return token.clientSecretVersion + 1;
  }

  /** Reads the token back after an ambiguous failure: did the call take effect? */
  private async changedSince(before: TokenState): Promise<boolean> {
    const after = await this.get(before.id);
    return (
      after.clientSecretVersion !== before.clientSecretVersion ||
      after.updatedAt.getTime() !== before.updatedAt.getTime()
    );
  }
}
