import * as core from '@actions/core';
import type { ApiTokenSpec, ApiTokenState, IssuedApiToken } from '../credentials/api-token/model.js';
import { LostSecretError, TokenLookupError } from '../errors.js';
import { isAmbiguous, statusOf, toCloudflareError } from './errors.js';
import { toApiTokenState } from './api-token-state.js';
import type { ApiTokenOwner, ApiTokenStore, PermissionGroup } from './api-token-store.js';
import type { CloudflareClient } from './client.js';

const NO_RETRY = { maxRetries: 0 } as const;
/** The largest page the token list allows. */
const PAGE_SIZE = 50;
/**
 * Expired tokens too: an expired token that targets still hold is the template of its replacement, and
 * one that none holds is a leftover to delete.
 */
const LIST = { per_page: PAGE_SIZE, include_expired: true } as const;
/** The contract wants a body on DELETE and on a roll; the SDK sends one only when given. */
const EMPTY_BODY = { body: {} } as const;

/** A value exists from this line on: mask it before anything can print it. */
function issuedValue(raw: unknown, operation: string): string {
  const value = typeof raw === 'string' ? raw : (raw as { value?: unknown } | undefined)?.value;
  if (typeof value !== 'string' || !value) {
    throw new LostSecretError(
      `Cloudflare answered the ${operation} without the token's value, so the new value is unknown.`,
      'Re-run: a run finds the token that no target holds and cleans it up.'
    );
  }
  core.setSecret(value);
  return value;
}

/** The request body of a create or an update: Cloudflare's field names and spelling. */
function body(spec: ApiTokenSpec) {
  return {
    name: spec.name,
    // The policy id is read-only, but the API description requires the field: Cloudflare assigns its own.
    policies: spec.policies.map((policy) => ({
      id: '',
      ...policy,
      permission_groups: [...policy.permission_groups]
    })),
    ...(spec.condition?.request_ip && { condition: { 'request.ip': spec.condition.request_ip } }),
    ...(spec.expiresOn && { expires_on: spec.expiresOn.toISOString().replace(/\.\d{3}Z$/, 'Z') }),
    ...(spec.notBefore && { not_before: spec.notBefore.toISOString().replace(/\.\d{3}Z$/, 'Z') })
  } as unknown as Parameters<CloudflareClient['user']['tokens']['create']>[0];
}

export class CloudflareApiTokens implements ApiTokenStore {
  readonly ownerLabel: string;
  private client: CloudflareClient;
  private readonly connect: (apiToken: string) => CloudflareClient;
  private readonly owner: ApiTokenOwner;
  private readonly permission: string;

  /** `connect` builds a client for a token value: the action's own, or a new value to verify. */
  constructor(connect: (apiToken: string) => CloudflareClient, apiToken: string, owner: ApiTokenOwner) {
    this.connect = connect;
    this.client = connect(apiToken);
    this.owner = owner;
    this.ownerLabel = owner.kind === 'user' ? 'your user' : `account ${owner.accountId}`;
    this.permission = owner.kind === 'user' ? 'API Tokens Write' : 'Account API Tokens Write';
  }

  private fail(error: unknown, what: string) {
    return toCloudflareError(error, what, this.ownerLabel, this.permission);
  }

  private get account(): { account_id: string } {
    return { account_id: (this.owner as { accountId: string }).accountId };
  }

  async get(id: string): Promise<ApiTokenState> {
    try {
      const raw =
        this.owner.kind === 'user'
          ? await this.client.user.tokens.get(id)
          : await this.client.accounts.tokens.get(id, this.account);
      return toApiTokenState(raw);
    } catch (error) {
      if (statusOf(error) === 404) {
        throw new TokenLookupError(
          `No API token with id '${id}' exists for ${this.ownerLabel}.`,
          'Check token-id, and account-id (set it only for an account-owned token).',
          { cause: error }
        );
      }
      throw this.fail(error, `read API token ${id} of ${this.ownerLabel}`);
    }
  }

  async findByName(name: string): Promise<ApiTokenState[]> {
    const found: ApiTokenState[] = [];
    try {
      let page =
        this.owner.kind === 'user'
          ? await this.client.user.tokens.list(LIST)
          : await this.client.accounts.tokens.list({ ...this.account, ...LIST });
      for (;;) {
        const tokens = page.getPaginatedItems();
        for (const token of tokens) if (token.name === name) found.push(toApiTokenState(token));
        // A short page is the last: the SDK would otherwise ask for an empty one.
        if (tokens.length < PAGE_SIZE || !page.hasNextPage()) break;
        page = await page.getNextPage();
      }
    } catch (error) {
      throw this.fail(error, `list the API tokens of ${this.ownerLabel}`);
    }
    return found;
  }

  async permissionGroups(): Promise<PermissionGroup[]> {
    const groups: PermissionGroup[] = [];
    try {
      const list =
        this.owner.kind === 'user'
          ? this.client.user.tokens.permissionGroups.list()
          : this.client.accounts.tokens.permissionGroups.list(this.account);
      for await (const group of list) {
        if (typeof group.id === 'string' && typeof group.name === 'string')
          groups.push({ id: group.id, name: group.name });
      }
    } catch (error) {
      throw this.fail(error, `list the permission groups for API tokens of ${this.ownerLabel}`);
    }
    return groups;
  }

  async create(spec: ApiTokenSpec, known: ReadonlySet<string>): Promise<IssuedApiToken> {
    let raw: unknown;
    try {
      raw =
        this.owner.kind === 'user'
          ? await this.client.user.tokens.create(body(spec), NO_RETRY)
          : await this.client.accounts.tokens.create({ ...this.account, ...body(spec) }, NO_RETRY);
    } catch (error) {
      if (isAmbiguous(error)) await this.removeOrphans(spec.name, known, error);
      throw this.fail(error, `create API token '${spec.name}' for ${this.ownerLabel}`);
    }
    const token = toApiTokenState(raw);
    try {
      return { token, value: issuedValue(raw, 'create') };
    } catch (error) {
      // A token whose value no one has is of no use: it goes at once rather than at the next run.
      await this.delete(token).catch(() => undefined);
      throw error;
    }
  }

  /** After a create whose answer was lost: a token made by it has a value no one has, so it goes. */
  private async removeOrphans(name: string, known: ReadonlySet<string>, cause: unknown): Promise<void> {
    let orphans: ApiTokenState[];
    try {
      orphans = (await this.findByName(name)).filter((token) => !known.has(token.id));
      for (const orphan of orphans) await this.delete(orphan);
    } catch (error) {
      throw new LostSecretError(
        `Creating API token '${name}' for ${this.ownerLabel} got no answer, and checking for the token it may have made failed too (${error instanceof Error ? error.message : String(error)}).`,
        'Nothing was written to any target. Re-run: a run deletes a token named alike that no target holds.',
        { cause }
      );
    }
    if (!orphans.length) return;
    throw new LostSecretError(
      `Creating API token '${name}' for ${this.ownerLabel} took effect, but its answer (and so the value) was lost; the new token ${orphans.map((token) => token.id).join(', ')} was deleted again.`,
      'Nothing was written to any target and the old token is unchanged: re-run.',
      { cause }
    );
  }

  async roll(token: ApiTokenState, runsWithIt = false): Promise<IssuedApiToken> {
    let raw: unknown;
    try {
      raw =
        this.owner.kind === 'user'
          ? await this.client.user.tokens.value.update(token.id, { ...NO_RETRY, ...EMPTY_BODY })
          : await this.client.accounts.tokens.value.update(token.id, this.account, {
              ...NO_RETRY,
              ...EMPTY_BODY
            });
    } catch (error) {
      if (isAmbiguous(error) && (await this.rolledSince(token))) {
        throw new LostSecretError(
          `Rolling API token '${token.name}' (${token.id}) took effect, but its answer was lost: the old value no longer works and the new one is unknown.`,
          "Re-run with mode 'rotate' now to roll it again and write every target (if cloudflare-api-token was this token, create a new one in the dashboard first).",
          { cause: error }
        );
      }
      throw this.fail(error, `roll API token ${token.id} of ${this.ownerLabel}`);
    }
    const value = issuedValue(raw, 'roll');
    if (runsWithIt) this.useValue(value);
    // The caller reads the token again for its new modified_on, if it needs it.
    return { token, value };
  }

  /** Did a roll whose answer was lost take effect? Its modified_on moved, or the caller's own value died. */
  private async rolledSince(before: ApiTokenState): Promise<boolean> {
    try {
      return (await this.get(before.id)).modifiedOn.getTime() !== before.modifiedOn.getTime();
    } catch (error) {
      return error instanceof Error && statusOf(error.cause) === 401;
    }
  }

  async renew(token: ApiTokenState, expiresOn: Date | undefined): Promise<ApiTokenState> {
    const spec = { ...token, expiresOn, notBefore: undefined };
    // Read-only, but the API description requires the token's own id in the body, as it does a policy's.
    const update = { id: token.id, ...body(spec), status: token.status };
    try {
      const raw =
        this.owner.kind === 'user'
          ? await this.client.user.tokens.update(token.id, update as never)
          : await this.client.accounts.tokens.update(token.id, { ...this.account, ...update } as never);
      return toApiTokenState(raw);
    } catch (error) {
      throw this.fail(error, `renew API token ${token.id} of ${this.ownerLabel}`);
    }
  }

  async delete(token: ApiTokenState): Promise<void> {
    try {
      if (this.owner.kind === 'user') await this.client.user.tokens.delete(token.id, EMPTY_BODY);
      else await this.client.accounts.tokens.delete(token.id, this.account, EMPTY_BODY);
    } catch (error) {
      // A retried delete that took effect the first time answers 404.
      if (statusOf(error) === 404) return;
      throw this.fail(error, `delete API token '${token.name}' (${token.id}) of ${this.ownerLabel}`);
    }
  }

  async verifyValue(value: string): Promise<{ id: string; status: string }> {
    const client = this.connect(value);
    const response =
      this.owner.kind === 'user'
        ? await client.user.tokens.verify(NO_RETRY)
        : await client.accounts.tokens.verify(this.account, NO_RETRY);
    return { id: response.id, status: response.status };
  }

  useValue(value: string): void {
    this.client = this.connect(value);
  }
}
