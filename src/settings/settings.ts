import type { Strategy } from '../credentials/api-token/plan.js';
import type { ApiTokenPolicy } from '../credentials/api-token/policy.js';
import type { TokenDuration } from './duration.js';
import type { Target } from './targets.js';

/** What the action rotates: an Access service token (client id and secret) or an API token. */
export type Credential = 'access-service-token' | 'api-token';
export const CREDENTIALS: readonly Credential[] = ['access-service-token', 'api-token'];
export const STRATEGIES: readonly Strategy[] = ['replace', 'roll'];

export type Mode = 'auto' | 'rotate' | 'refresh' | 'check';
export const MODES: readonly Mode[] = ['auto', 'rotate', 'refresh', 'check'];

/** Where a service token lives: exactly one of an account or a zone. */
export type ServiceTokenScope =
  { readonly kind: 'account'; readonly id: string } | { readonly kind: 'zone'; readonly id: string };

/** Who owns the managed token: an account or a zone (service tokens), an account or the user (API tokens). */
export type TokenScope = ServiceTokenScope | { readonly kind: 'user' };

/** The inputs only an API token run uses. */
export interface ApiTokenSettings {
  /** How to create the token when none exists; a replacement copies the old token instead. */
  readonly policy: ApiTokenPolicy | undefined;
  /** The secret that receives the token's value in every target. */
  readonly secretName: string;
  readonly strategy: Strategy;
}

/** Every input of the action, parsed and validated once (see action.yml for the user-facing text). */
export interface Settings {
  /** Cloudflare API token that manages the token (masked). */
  readonly cloudflareApiToken: string;
  readonly credential: Credential;
  readonly scope: TokenScope;
  /** Set exactly when `credential` is 'api-token'. */
  readonly apiToken: ApiTokenSettings | undefined;
  /** Name to find or create; undefined only when `tokenId` is set. */
  readonly tokenName: string | undefined;
  readonly tokenId: string | undefined;
  readonly mode: Mode;
  /** Renewal window: a token expiring sooner than this is renewed (auto) or reported (check). */
  readonly renewalWindowMs: number;
  /** Validity of a created or renewed token. */
  readonly duration: TokenDuration;
  /** How long the previous secret keeps working after a rotation; 0 revokes it at once. */
  readonly previousSecretGraceMs: number;
  /** End the previous secret's grace once every target holds the new one. */
  readonly revokePrevious: boolean;
  /** URL behind Access that must accept the new credential before the rotation is finished. */
  readonly verifyUrl: URL | undefined;
  /** Token that writes GitHub secrets (masked). */
  readonly githubToken: string;
  readonly targets: readonly Target[];
  /** Write the client id as an Actions variable (same name) instead of a secret, where the target has variables. */
  readonly clientIdAsVariable: boolean;
  /** Upper-case secret names. */
  readonly clientIdSecretName: string;
  readonly clientSecretSecretName: string;
  readonly dryRun: boolean;
  readonly exposeSecret: boolean;
  readonly cloudflareApiUrl: string;
  readonly githubApiUrl: string;
  /** Pacing of GitHub writes and the base of retry back-off; lowered only by tests and the emulator demo. */
  readonly timing: Timing;
}

export interface Timing {
  /** Minimum time between two GitHub writes (GitHub asks for at least one second). */
  readonly writeIntervalMs: number;
  /** Unit of the retry plugins' back-off and of Retry-After values. */
  readonly retryBaseMs: number;
  /** How long to keep retrying `verify-url` while the new secret propagates. */
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
