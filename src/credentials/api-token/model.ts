import type { SecretMetadata } from '../../github/secret-target.js';
import type { Target } from '../../settings/targets.js';

/** A policy as Cloudflare returns it; copied as is (minus its id) into a replacement. */
export interface ApiTokenPolicyJson {
  readonly effect: 'allow' | 'deny';
  readonly permission_groups: ReadonlyArray<{ readonly id: string }>;
  readonly resources: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
}

export interface ApiTokenConditionJson {
  readonly request_ip?: { readonly in?: readonly string[]; readonly not_in?: readonly string[] };
}

/** What the run learned about one Cloudflare API token (its value is never readable). */
export interface ApiTokenState {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  /** Immutable: when the token, and so its first value, was created. */
  readonly issuedOn: Date;
  /** Moves on every change, a roll of the value included. */
  readonly modifiedOn: Date;
  /** null: the token never expires. */
  readonly expiresOn: Date | null;
  readonly notBefore: Date | undefined;
  readonly policies: readonly ApiTokenPolicyJson[];
  /** Cloudflare's declared last_used_on, when it sends one. */
  readonly lastUsedOn?: Date;
  readonly condition: ApiTokenConditionJson | undefined;
}

/** What creating a token sends: resolved permission group ids, absolute dates. */
export interface ApiTokenSpec {
  readonly name: string;
  readonly policies: readonly ApiTokenPolicyJson[];
  readonly condition: ApiTokenConditionJson | undefined;
  readonly expiresOn: Date | undefined;
  readonly notBefore: Date | undefined;
}

/** A new value, from a create or a roll, with the token it belongs to. */
export interface IssuedApiToken {
  readonly token: ApiTokenState;
  readonly value: string;
}

/** One target and the metadata of the secret that holds the API token (undefined: missing). */
export interface ApiTokenTargetState {
  readonly target: Target;
  readonly secret: SecretMetadata | undefined;
}

export type ApiTokenResult = 'created' | 'replaced' | 'rolled' | 'unchanged' | 'checked';
