// HTTP surface of the emulated Cloudflare API (paths relative to /client/v4): API tokens (api-token-routes.ts)
// and Access service tokens at account and zone scope. Rotate and refresh exist only at account scope, as in the
// real API.

import type { ApiRequest, ApiResponse } from '../http-types.ts';
import { Router } from '../router.ts';
import { accessPolicyRoutes } from './access-policy-routes.ts';
import type { AccessPolicyStore } from './access-policies.ts';
import { apiTokenRoutes } from './api-token-routes.ts';
import type { ApiTokenRegistry, CloudflarePermission } from './api-tokens.ts';
import {
  CloudflareError,
  ErrorCode,
  failure,
  invalidInput,
  objectBody,
  success,
  successPage
} from './envelope.ts';
import { serviceTokenJson } from './service-tokens.ts';
import type { ResponseProfile, ServiceTokenStore, TokenScope } from './service-tokens.ts';

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 1000;
/** Cloudflare serves at most this many service tokens per page, whatever per_page asks for (minimal profile). */
const CAPPED_PER_PAGE = 50;

type ScopeKind = 'accounts' | 'zones';

export function cloudflareApi(
  store: ServiceTokenStore,
  apiTokens: ApiTokenRegistry,
  profile: () => ResponseProfile = () => 'rich',
  accessPolicies?: AccessPolicyStore
) {
  const router = new Router();

  /** Authenticates, checks the permission for this account/zone, then that the account/zone exists. */
  const scopeOf = (
    req: ApiRequest,
    kind: ScopeKind,
    id: string,
    needed: CloudflarePermission
  ): TokenScope => {
    const token = apiTokens.authenticate(req.headers.authorization);
    apiTokens.authorize(token, needed, kind === 'accounts' ? { kind: 'account', id } : { kind: 'zone', id });
    const scope: TokenScope = kind === 'accounts' ? { account: id } : { zone: id };
    if (!store.hasScope(scope)) {
      throw new CloudflareError(
        404,
        ErrorCode.noRoute,
        `Could not route to /${kind}/${id}/access/service_tokens, perhaps your object identifier is invalid?`
      );
    }
    return scope;
  };
  const read: CloudflarePermission = 'access:service_tokens:read';
  const write: CloudflarePermission = 'access:service_tokens:write';

  apiTokenRoutes(router, apiTokens);
  if (accessPolicies) accessPolicyRoutes(router, accessPolicies, scopeOf, profile);

  for (const kind of ['accounts', 'zones'] as const) {
    const base = `/${kind}/{scope_id}/access/service_tokens`;
    const scope = (req: ApiRequest, p: Record<string, string>, needed: CloudflarePermission) =>
      scopeOf(req, kind, p['scope_id'] ?? '', needed);
    const tokenId = (p: Record<string, string>) => p['service_token_id'] ?? '';

    const json = (token: Parameters<typeof serviceTokenJson>[0], secret?: string, declaredSecret = true) =>
      serviceTokenJson(token, secret, profile(), declaredSecret);
    const minimal = () => profile() === 'minimal';
    router.on('GET', base, (req, p) => {
      // The minimal profile's zone list ignores the name filter: the caller must filter by exact name.
      const ignoresName = minimal() && kind === 'zones';
      const tokens = store.list(scope(req, p, read), {
        ...(req.query['name'] === undefined || ignoresName ? {} : { name: req.query['name'] }),
        ...(req.query['search'] === undefined ? {} : { search: req.query['search'] })
      });
      const { page, perPage } = pagination(req.query);
      return successPage(tokens, page, minimal() ? Math.min(perPage, CAPPED_PER_PAGE) : perPage, (token) =>
        json(token)
      );
    });
    router.on('POST', base, (req, p) => {
      const { token, secret } = store.create(scope(req, p, write), objectBody(req.body, invalidInput));
      return success(json(token, secret), { status: 201 });
    });
    router.on('GET', `${base}/{service_token_id}`, (req, p) =>
      success(json(store.get(scope(req, p, read), tokenId(p))))
    );
    router.on('PUT', `${base}/{service_token_id}`, (req, p) => {
      const { token, newSecret } = store.update(
        scope(req, p, write),
        tokenId(p),
        objectBody(req.body, invalidInput)
      );
      // A version bump is a rotation; only the rich profile answers with the secret (the schema declares none).
      return success(json(token, newSecret, false));
    });
    router.on('DELETE', `${base}/{service_token_id}`, (req, p) =>
      success(json(store.delete(scope(req, p, write), tokenId(p))))
    );
    if (kind === 'accounts') {
      router.on('POST', `${base}/{service_token_id}/rotate`, (req, p) => {
        const body = req.body === undefined ? {} : objectBody(req.body, invalidInput);
        const { token, secret } = store.rotate(scope(req, p, write), tokenId(p), body);
        return success(json(token, secret));
      });
      router.on('POST', `${base}/{service_token_id}/refresh`, (req, p) =>
        success(json(store.refresh(scope(req, p, write), tokenId(p))))
      );
    }
  }

  return async (req: ApiRequest): Promise<ApiResponse> => {
    try {
      if (req.bodyError) throw invalidInput(req.bodyError);
      return (await router.dispatch(req)) ?? failure(404, ErrorCode.noRoute, 'No route for the URI');
    } catch (error) {
      if (error instanceof CloudflareError) return error.toResponse();
      throw error;
    }
  };
}

function pagination(query: Record<string, string>): { page: number; perPage: number } {
  const page = positiveInt(query['page'], 1, 'page');
  const perPage = positiveInt(query['per_page'], DEFAULT_PER_PAGE, 'per_page');
  if (perPage > MAX_PER_PAGE) throw invalidInput(`per_page must be at most ${MAX_PER_PAGE}`);
  return { page, perPage };
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw invalidInput(`${name} must be a positive integer`);
  return n;
}
