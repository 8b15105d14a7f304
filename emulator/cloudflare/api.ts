// The emulated Cloudflare API (mounted at /cloudflare/client/v4) and what tests use to inspect and seed it.

import type { Clock } from '../clock.ts';
import type { Fault } from '../faults.ts';
import type { ApiModule, ApiRequest, ApiResponse } from '../http-types.ts';
import { ApiTokenRegistry } from './api-tokens.ts';
import type { ApiTokenFixture, ApiTokenSeed, ApiTokenSnapshot, IssuedApiToken } from './api-tokens.ts';
import { ErrorCode, failure } from './envelope.ts';
import { cloudflareApi } from './routes.ts';
import { RESPONSE_PROFILES, ServiceTokenStore } from './service-tokens.ts';
import type {
  IssuedSecret,
  ResponseProfile,
  ServiceTokenSeed,
  ServiceTokenSnapshot
} from './service-tokens.ts';

/** The id of the one user the emulator has (resources "com.cloudflare.api.user.<id>") unless the fixture names one. */
export const DEFAULT_USER_ID = '7c5dae5552338874e5053f2534d2767a';

export interface CloudflareFixture {
  /** Account ids (32 hex characters, as Cloudflare's). */
  accounts?: string[];
  zones?: string[];
  /** The user that owns user tokens; default DEFAULT_USER_ID. */
  userId?: string;
  apiTokens?: ApiTokenFixture[];
  serviceTokens?: ServiceTokenSeed[];
  /** How much of a service token the API answers with; default: EMULATOR_PROFILE, else rich. */
  responseProfile?: ResponseProfile;
}

/** The profile of a run: the fixture's, else EMULATOR_PROFILE (so a whole suite can switch), else rich. */
export function defaultProfile(fromFixture?: ResponseProfile): ResponseProfile {
  const fromEnv = process.env['EMULATOR_PROFILE'];
  if (fromFixture) return fromFixture;
  if (fromEnv === undefined || fromEnv === '') return 'rich';
  const known = RESPONSE_PROFILES.find((profile) => profile === fromEnv);
  if (!known)
    throw new Error(`EMULATOR_PROFILE must be one of ${RESPONSE_PROFILES.join(', ')}, got "${fromEnv}"`);
  return known;
}

export class CloudflareApi implements ApiModule {
  readonly #store: ServiceTokenStore;
  readonly #apiTokens: ApiTokenRegistry;
  readonly #handle: (req: ApiRequest) => Promise<ApiResponse>;
  /** rich: every field the docs show; minimal: only the declared ones (see ResponseProfile). */
  profile: ResponseProfile;

  constructor(clock: Clock, fixture: CloudflareFixture) {
    this.profile = defaultProfile(fixture.responseProfile);
    this.#store = new ServiceTokenStore(clock, fixture);
    this.#apiTokens = new ApiTokenRegistry(
      clock,
      {
        userId: fixture.userId ?? DEFAULT_USER_ID,
        ...(fixture.accounts ? { accounts: fixture.accounts } : {}),
        ...(fixture.zones ? { zones: fixture.zones } : {})
      },
      fixture.apiTokens
    );
    this.#handle = cloudflareApi(this.#store, this.#apiTokens, () => this.profile);
    for (const seed of fixture.serviceTokens ?? []) this.#store.seed(seed);
  }

  handle(req: ApiRequest): Promise<ApiResponse> {
    return this.#handle(req);
  }

  faultResponse(fault: Fault): ApiResponse {
    const status = fault.status ?? 500;
    const headers = fault.retryAfter === undefined ? undefined : { 'retry-after': String(fault.retryAfter) };
    if (status === 429) {
      return failure(
        status,
        ErrorCode.rateLimited,
        'Please wait and consider throttling your request speed',
        headers
      );
    }
    return failure(
      status,
      ErrorCode.internal,
      status >= 500 ? 'Internal server error' : 'Injected fault',
      headers
    );
  }

  /** Would Access accept these credentials at `at` (default: the emulator's now)? */
  authenticates(clientId: string, clientSecret: string, at?: Date | number): boolean {
    return this.#store.authenticates(clientId, clientSecret, at);
  }

  /** All service tokens with their current and previous plaintext secrets. */
  tokens(): ServiceTokenSnapshot[] {
    return this.#store.snapshots();
  }

  token(id: string): ServiceTokenSnapshot | undefined {
    return this.#store.snapshot(id);
  }

  seedToken(seed: ServiceTokenSeed): IssuedSecret {
    return this.#store.seed(seed);
  }

  /** The emulator's user, as in resources "com.cloudflare.api.user.<id>". */
  get userId(): string {
    return this.#apiTokens.userId;
  }

  /** All API tokens (fixture, seeded and created through the API) with their current values. */
  apiTokens(): ApiTokenSnapshot[] {
    return this.#apiTokens.snapshots();
  }

  apiToken(id: string): ApiTokenSnapshot | undefined {
    return this.#apiTokens.snapshots().find((token) => token.id === id);
  }

  /** Puts an API token in place; the value is generated (cfut_/cfat_...) when not given. */
  seedApiToken(seed: ApiTokenSeed = {}): IssuedApiToken {
    return this.#apiTokens.seed(seed);
  }

  /** Would this bearer value be accepted right now (status, not_before/expires_on, IP condition)? */
  apiTokenAuthenticates(value: string): boolean {
    return this.#apiTokens.authenticates(value);
  }

  /** The older name of seedApiToken. */
  addApiToken(fixture: ApiTokenFixture): void {
    this.#apiTokens.seed(fixture);
  }

  /** For the protected Access app: authenticates and records last_seen_at. */
  admit(clientId: string, clientSecret: string): boolean {
    const ok = this.#store.authenticates(clientId, clientSecret);
    if (ok) this.#store.recordUse(clientId);
    return ok;
  }
}
