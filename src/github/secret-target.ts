import type { Target } from '../settings/targets.js';

/** GitHub metadata of one secret (its value cannot be read back). */
export interface SecretMetadata {
  readonly updatedAt: Date;
}

export interface PublicKey {
  readonly keyId: string;
  /** Base64 X25519 public key. */
  readonly key: string;
}

export interface SealedSecret {
  readonly encryptedValue: string;
  readonly keyId: string;
}

export interface VariableMetadata {
  readonly value: string;
  readonly updatedAt: Date;
}

/** Actions variables of one target (Dependabot targets have none). */
export interface VariableStore {
  /** Every variable of the target, by upper-case name. */
  list(): Promise<Map<string, VariableMetadata>>;
  /** Creates (POST) or updates (PATCH) in place; never deletes and recreates. */
  write(name: string, value: string, exists: boolean): Promise<'created' | 'updated'>;
}

/** One place that holds secrets. The rotation sees only this shape; the tests use in-memory ones. */
export interface SecretTarget {
  readonly target: Target;
  readonly label: string;
  /** Targets with the same scope share one public key, read once per run. */
  readonly keyScope: string;
  publicKey(): Promise<PublicKey>;
  /** Metadata of every secret in the target, by upper-case name. */
  secrets(): Promise<Map<string, SecretMetadata>>;
  /** Reads what writing `names` needs besides the key (an organization secret's repositories); before any change. */
  prepare(names: readonly string[]): Promise<void>;
  write(name: string, sealed: SealedSecret): Promise<'created' | 'updated'>;
  /** Deletes a secret (only the write probe's own); a secret that is already gone counts as deleted. */
  remove(name: string): Promise<void>;
  readonly variables: VariableStore | undefined;
}
