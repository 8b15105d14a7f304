import type { TokenDuration } from './duration.js';
import type { Target } from './targets.js';

/** What the action rotates: an Access service token (client id and secret) or an API token. */
export type Credential = 'access-service-token' | 'api-token';
export const CREDENTIALS: readonly Credential[] = ['access-service-token', 'api-token'];

export type Mode = 'auto' | 'rotate' | 'refresh' | 'check';
export const MODES: readonly Mode[] = ['auto', 'rotate', 'refresh', 'check'];

/** Where a service token lives: exactly one of an account or a zone. */
export type ServiceTokenScope =
  { readonly kind: 'account'; readonly id: string } | { readonly kind: 'zone'; readonly id: string };

/** Who owns an API token: an account, or the user behind cloudflare-api-token. */
export type ApiTokenScope = { readonly kind: 'account'; readonly id: string } | { readonly kind: 'user' };

/** Who owns the managed token: an account or a zone (service tokens), an account or the user (API tokens). */
export type TokenScope = ServiceTokenScope | ApiTokenScope;

/**
 * The inputs both credentials use, parsed and validated once (see action.yml for the user-facing text).
 * Each credential adds its own mode, scope and inputs (`credentials/settings.ts` has the whole union).
 */
export interface CommonSettings {
  /** Cloudflare API token that manages the token (masked). */
  readonly cloudflareApiToken: string;
  /** Name to find or create; undefined only when `tokenId` is set. */
  readonly tokenName: string | undefined;
  readonly tokenId: string | undefined;
  /** Renewal window: a token expiring sooner than this is renewed (auto) or reported (check). */
  readonly renewalWindowMs: number;
  /** Validity of a created or renewed token. */
  readonly duration: TokenDuration;
  /** Token that writes GitHub secrets (masked). */
  readonly githubToken: string;
  readonly targets: readonly Target[];
  readonly dryRun: boolean;
  readonly exposeSecret: boolean;
  readonly cloudflareApiUrl: string;
  readonly githubApiUrl: string;
  /** Pacing of GitHub writes and the base of retry back-off; lowered only by tests and the emulator demo. */
  readonly timing: Timing;
  /** Warn when the token was last used longer ago than this many days (max-idle-days); undefined: no warning. */
  readonly maxIdleDays?: number;
}

export interface Timing {
  /** Minimum time between two GitHub writes (GitHub asks for at least one second). */
  readonly writeIntervalMs: number;
  /** Unit of the retry plugins' back-off and of Retry-After values. */
  readonly retryBaseMs: number;
  /** How long to keep retrying the new credential's check while it propagates. */
  readonly verifyTimeoutMs: number;
  /** How long one HTTP request may take before it is abandoned (and, where safe, retried). */
  readonly requestTimeoutMs: number;
}

export const DEFAULT_TIMING: Timing = {
  writeIntervalMs: 1000,
  retryBaseMs: 1000,
  verifyTimeoutMs: 60_000,
  requestTimeoutMs: 30_000
};
