// A stand-in for an application behind Cloudflare Access, so the action's "test" step can prove the new
// service-token secret works: valid CF-Access-Client-Id/-Secret → 200, wrong ones → 403, none → login redirect.

import type { CloudflareApi } from './cloudflare/api.ts';
import type { Fault } from './faults.ts';
import type { ApiModule, ApiRequest, ApiResponse } from './http-types.ts';

export class AccessApp implements ApiModule {
  readonly #cloudflare: CloudflareApi;
  readonly #loginUrl: () => string;

  constructor(cloudflare: CloudflareApi, loginUrl: () => string) {
    this.#cloudflare = cloudflare;
    this.#loginUrl = loginUrl;
  }

  handle(req: ApiRequest): Promise<ApiResponse> {
    return Promise.resolve(this.#respond(req));
  }

  faultResponse(fault: Fault): ApiResponse {
    return { status: fault.status ?? 502, body: { ok: false, error: 'injected fault' } };
  }

  #respond(req: ApiRequest): ApiResponse {
    if (req.path === '/login')
      return { status: 200, headers: { 'content-type': 'text/html' }, body: '<h1>Sign in</h1>' };
    if (req.path !== '/app') return { status: 404, body: { ok: false, error: 'not found' } };
    const clientId = header(req, 'cf-access-client-id');
    const clientSecret = header(req, 'cf-access-client-secret');
    if (clientId === undefined && clientSecret === undefined) {
      return { status: 302, headers: { location: `${this.#loginUrl()}?redirect_url=%2Faccess%2Fapp` } };
    }
    if (
      clientId === undefined ||
      clientSecret === undefined ||
      !this.#cloudflare.admit(clientId, clientSecret)
    ) {
      return { status: 403, body: { ok: false, error: 'Forbidden: the service token was not accepted' } };
    }
    return { status: 200, body: { ok: true } };
  }
}

function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
