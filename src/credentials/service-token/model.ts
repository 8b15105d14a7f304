import type { SecretMetadata } from '../../github/secret-target.js';
import type { Target } from '../../settings/targets.js';

/**
 * Fields Cloudflare's docs still show but its current schema no longer declares. Present or not, they are
 * extra evidence only: no decision that keeps consumers safe rests on them alone.
 */
export interface UndeclaredHints {
  readonly updatedAt?: Date;
  readonly clientSecretVersion?: number;
  /** null: Cloudflare says there is no previous secret. */
  readonly previousSecretExpiresAt?: Date | null;
  readonly lastSeenAt?: Date;
}

/** What the run learned about the service token: the fields Cloudflare declares, and hints. */
export interface TokenState {
  readonly id: string;
  readonly name: string;
  readonly clientId: string;
  /** false: disabled by a person or by the account's inactivity policy; neither secret is accepted. */
  readonly enabled: boolean;
  /** Go duration as Cloudflare reports it, or undefined when it does not. */
  readonly duration: string | undefined;
  /** null: the token never expires (duration forever, or no usable expiry). */
  readonly expiresAt: Date | null;
  readonly hints: UndeclaredHints;
}

/** A newly issued secret together with the token state it belongs to. */
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
