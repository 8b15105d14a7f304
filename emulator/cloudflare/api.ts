// The emulated Cloudflare API (mounted at /cloudflare/client/v4) and what tests use to inspect and seed it.

import type { Clock } from '../clock.ts';
import type { Fault } from '../faults.ts';
import type { ApiModule, ApiRequest, ApiResponse } from '../http-types.ts';
import { AccessPolicyStore } from './access-policies.ts';
import type { AccessAppSeed, AccessPolicySeed, OrganizationSeed } from './access-policies.ts';
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
  /** Reusable Access policies, each of an account. */
  accessPolicies?: (AccessPolicySeed & { account: string })[];
  /** Access applications (the first one is what the emulated protected URL stands for). */
  accessApps?: AccessAppSeed[];
  /** Access organizations (their service_token_inactivity). */
  organizations?: OrganizationSeed[];
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
  /** Access policies, applications and organizations: tests seed and inspect them here. */
  readonly access: AccessPolicyStore;
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
    this.access = new AccessPolicyStore(clock);
    for (const { account, ...seed } of fixture.accessPolicies ?? [])
      this.access.seedPolicy(seed, { account });
    for (const app of fixture.accessApps ?? []) this.access.seedApp(app);
    for (const organization of fixture.organizations ?? []) this.access.seedOrganization(organization);
    this.#store.isReferenced = (id) => this.access.references(id);
    this.#handle = cloudflareApi(this.#store, this.#apiTokens, () => this.profile, this.access);
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

  /**
   * For the protected Access app: authenticates and records last_seen_at. With Access applications seeded, the
   * first one's Service Auth policies must also include the token (or any valid service token): strict service
   * token authentication. Without any, every valid token gets in (the emulator's older behaviour).
   */
  admit(clientId: string, clientSecret: string): boolean {
    const app = this.access.firstApp;
    const id = this.#store.snapshots().find((token) => token.clientId === clientId)?.id;
    const allowed = app === undefined || (id !== undefined && this.access.admits(app, id));
    const ok = allowed && this.#store.authenticates(clientId, clientSecret);
    if (ok) this.#store.recordUse(clientId);
    return ok;
  }
}
