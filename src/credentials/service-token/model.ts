import type { Target } from '../../settings/targets.js';

/** What the run learned about the service token (read-only observation). */
export interface TokenState {
  readonly id: string;
  readonly name: string;
  readonly clientId: string;
  readonly createdAt: Date;
  /** Moves on every change of the token, not only on rotation. */
  readonly updatedAt: Date;
  /** null: the token never expires. */
  readonly expiresAt: Date | null;
  /** undefined when Cloudflare does not report it. */
  readonly clientSecretVersion: number | undefined;
  /** When the previous secret stops working; null before any rotation, undefined when not reported. */
  readonly previousSecretExpiresAt: Date | null | undefined;
}

/** A newly issued secret together with the token state Cloudflare returned with it. */
export interface IssuedCredential {
  readonly token: TokenState;
  readonly clientSecret: string;
}

/** GitHub metadata of one secret (its value cannot be read back). */
export interface SecretMetadata {
  readonly updatedAt: Date;
}

/** What the run learned about one target: metadata of the two secrets, undefined when missing. */
export interface TargetState {
  readonly target: Target;
  readonly clientId: SecretMetadata | undefined;
  readonly clientSecret: SecretMetadata | undefined;
  /**
   * When the client id is kept as an Actions variable (it is no secret): its value, or null when missing.
   * undefined: the client id is kept as a secret.
   */
  readonly clientIdVariable?: string | null;
}

export type Result = 'created' | 'rotated' | 'refreshed' | 'replaced' | 'rolled' | 'unchanged' | 'checked';

/** The outcome of one secret in one target, as reported in the `targets` output and the summary. */
export type WriteStatus = 'created' | 'updated' | 'unchanged' | 'planned' | 'skipped' | `failed: ${string}`;
