import type { SecretMetadata } from '../../github/secret-target.js';
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
