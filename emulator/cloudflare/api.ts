// The emulated Cloudflare API (mounted at /cloudflare/client/v4) and what tests use to inspect and seed it.

import type { Clock } from '../clock.ts';
import type { Fault } from '../faults.ts';
import type { ApiModule, ApiRequest, ApiResponse } from '../http-types.ts';
import { ApiTokenRegistry } from './api-tokens.ts';
import type { ApiTokenFixture } from './api-tokens.ts';
import { ErrorCode, failure } from './envelope.ts';
import { cloudflareApi } from './routes.ts';
import { ServiceTokenStore } from './service-tokens.ts';
import type { IssuedSecret, ServiceTokenSeed, ServiceTokenSnapshot } from './service-tokens.ts';

export interface CloudflareFixture {
  /** Account ids (32 hex characters, as Cloudflare's). */
  accounts?: string[];
  zones?: string[];
  apiTokens?: ApiTokenFixture[];
  serviceTokens?: ServiceTokenSeed[];
}

export class CloudflareApi implements ApiModule {
  readonly #store: ServiceTokenStore;
  readonly #apiTokens: ApiTokenRegistry;
  readonly #handle: (req: ApiRequest) => Promise<ApiResponse>;

  constructor(clock: Clock, fixture: CloudflareFixture) {
    this.#store = new ServiceTokenStore(clock, fixture);
    this.#apiTokens = new ApiTokenRegistry(clock, fixture.apiTokens);
    this.#handle = cloudflareApi(this.#store, this.#apiTokens);
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

  addApiToken(fixture: ApiTokenFixture): void {
    this.#apiTokens.add(fixture);
  }

  /** For the protected Access app: authenticates and records last_seen_at. */
  admit(clientId: string, clientSecret: string): boolean {
    const ok = this.#store.authenticates(clientId, clientSecret);
    if (ok) this.#store.recordUse(clientId);
    return ok;
  }
}
