import type { ApiTokenSpec, ApiTokenState, IssuedApiToken } from '../credentials/api-token/model.js';

/** Who owns the API tokens: the user behind cloudflare-api-token, or an account. */
export type ApiTokenOwner =
  { readonly kind: 'user' } | { readonly kind: 'account'; readonly accountId: string };

export interface PermissionGroup {
  readonly id: string;
  readonly name: string;
}

/** What the API token run needs from Cloudflare. The tests' in-memory fake implements the same shape. */
export interface ApiTokenStore {
  /** "your user" or "account 0123…", for messages. */
  readonly ownerLabel: string;
  get(id: string): Promise<ApiTokenState>;
  findByName(name: string): Promise<ApiTokenState[]>;
  /** The groups a token of this owner may carry, to resolve names from api-token-policy. */
  permissionGroups(): Promise<PermissionGroup[]>;
  /**
   * Never retried: a second create makes a second token. After an ambiguous failure, tokens named alike
   * that are not in `known` were made by this call: they are deleted (no one can hold their value).
   */
  create(spec: ApiTokenSpec, known: ReadonlySet<string>): Promise<IssuedApiToken>;
  /**
   * Never retried: a retried roll kills the value the first one issued. `runsWithIt`: the token is
   * cloudflare-api-token, whose old value dies with the roll: the store uses the new one from then on.
   */
  roll(token: ApiTokenState, runsWithIt?: boolean): Promise<IssuedApiToken>;
  /** PUT of the token as it is with a new expiry (the API replaces the whole token). */
  renew(token: ApiTokenState, expiresOn: Date | undefined): Promise<ApiTokenState>;
  /** A token that is already gone counts as deleted. */
  delete(token: ApiTokenState): Promise<void>;
  /** Asks Cloudflare whether `value` works (from this runner), through the verify endpoint. */
  verifyValue(value: string): Promise<{ id: string; status: string }>;
  /** From now on, call the API with `value` (after rolling the token that runs the action). */
  useValue(value: string): void;
}
