// The API token endpoints: /user/tokens (user-owned tokens) and /accounts/{account_id}/tokens (account-owned),
// each with list, create, get, update, delete, roll (PUT .../value), verify and permission_groups.
// Managing tokens takes 'user:api_tokens:*' ("API Tokens Read/Write") on the user or 'account:api_tokens:*'
// ("Account API Tokens Read/Write") on the account; a token may always roll or delete itself.

import type { ApiRequest, ApiResponse } from '../http-types.ts';
import type { Router } from '../router.ts';
import type { ApiTokenRegistry, CloudflarePermission } from './api-tokens.ts';
import { CloudflareError, ErrorCode, objectBody, success, successPage } from './envelope.ts';
import { PERMISSION_GROUPS, USER_SCOPE, permissionGroupJson } from './permission-groups.ts';
import { badRequest } from './token-policies.ts';
import type { Target, TokenOwner } from './token-policies.ts';

const DEFAULT_PER_PAGE = 20;
const MIN_PER_PAGE = 5;
const MAX_PER_PAGE = 50;

interface Collection {
  base: string;
  /** Who owns the tokens under this path, and what the permission is checked against. */
  resolve(params: Record<string, string>): { owner: TokenOwner; target: Target };
  read: CloudflarePermission;
  write: CloudflarePermission;
}

const COLLECTIONS: Collection[] = [
  {
    base: '/user/tokens',
    resolve: () => ({ owner: { kind: 'user' }, target: { kind: 'user' } }),
    read: 'user:api_tokens:read',
    write: 'user:api_tokens:write'
  },
  {
    base: '/accounts/{account_id}/tokens',
    resolve: (p) => {
      const account = p['account_id'] ?? '';
      return { owner: { kind: 'account', account }, target: { kind: 'account', id: account } };
    },
    read: 'account:api_tokens:read',
    write: 'account:api_tokens:write'
  }
];

export function apiTokenRoutes(router: Router, apiTokens: ApiTokenRegistry): void {
  const unknownAccount = (account: string) =>
    new CloudflareError(
      404,
      ErrorCode.noRoute,
      `Could not route to /accounts/${account}/tokens, perhaps your object identifier is invalid?`
    );

  router.on('GET', '/user/tokens/verify', (req) =>
    verified(apiTokens.verify(req.headers.authorization, { kind: 'user' }))
  );
  router.on('GET', '/accounts/{account_id}/tokens/verify', (req, p) => {
    const account = p['account_id'] ?? '';
    const result = apiTokens.verify(req.headers.authorization, { kind: 'account', id: account });
    if (!apiTokens.hasAccount(account)) throw unknownAccount(account);
    return verified(result);
  });

  for (const collection of COLLECTIONS) {
    const { base } = collection;
    /** Authenticates, checks the permission (skipped for a token acting on itself), then that the account exists. */
    const access = (
      req: ApiRequest,
      p: Record<string, string>,
      needed: CloudflarePermission,
      selfId?: string
    ): TokenOwner => {
      const caller = apiTokens.authenticate(req.headers.authorization);
      const { owner, target } = collection.resolve(p);
      if (selfId === undefined || caller.id !== selfId) apiTokens.authorize(caller, needed, target);
      if (owner.kind === 'account' && !apiTokens.hasAccount(owner.account))
        throw unknownAccount(owner.account);
      return owner;
    };
    const tokenId = (p: Record<string, string>) => p['token_id'] ?? '';

    router.on('GET', `${base}/permission_groups`, (req, p) => {
      const owner = access(req, p, collection.read);
      const name = req.query['name']?.toLowerCase();
      const scope = req.query['scope'];
      const groups = PERMISSION_GROUPS.filter(
        (g) =>
          (owner.kind === 'user' || g.scope !== USER_SCOPE) &&
          (name === undefined || g.name.toLowerCase() === name) &&
          (scope === undefined || g.scope === scope)
      );
      return success(groups.map(permissionGroupJson));
    });

    router.on('GET', base, (req, p) => {
      const owner = access(req, p, collection.read);
      const { page, perPage } = pagination(req.query);
      const direction = req.query['direction'];
      if (direction !== undefined && direction !== 'asc' && direction !== 'desc') {
        throw badRequest('direction must be "asc" or "desc"');
      }
      const tokens = apiTokens.list(owner, {
        includeExpired: req.query['include_expired'] === 'true',
        ...(direction === undefined ? {} : { direction })
      });
      return successPage(tokens, page, perPage, (token) => apiTokens.json(token));
    });

    router.on('POST', base, (req, p) => {
      const owner = access(req, p, collection.write);
      const { token, value } = apiTokens.create(owner, objectBody(req.body, badRequest));
      return success(apiTokens.json(token, value));
    });

    router.on('GET', `${base}/{token_id}`, (req, p) => {
      const owner = access(req, p, collection.read);
      return success(apiTokens.json(apiTokens.get(owner, tokenId(p))));
    });

    router.on('PUT', `${base}/{token_id}`, (req, p) => {
      const owner = access(req, p, collection.write);
      return success(apiTokens.json(apiTokens.update(owner, tokenId(p), objectBody(req.body, badRequest))));
    });

    router.on('DELETE', `${base}/{token_id}`, (req, p) => {
      const owner = access(req, p, collection.write, tokenId(p));
      return success({ id: apiTokens.delete(owner, tokenId(p)).id });
    });

    router.on('PUT', `${base}/{token_id}/value`, (req, p) => {
      const owner = access(req, p, collection.write, tokenId(p));
      return success(apiTokens.roll(owner, tokenId(p)));
    });
  }
}

function verified(result: object): ApiResponse {
  return success(result, { messages: [{ code: 10000, message: 'This API Token is valid and active' }] });
}

function pagination(query: Record<string, string>): { page: number; perPage: number } {
  const page = integerParam(query['page'], 1, 'page');
  const perPage = integerParam(query['per_page'], DEFAULT_PER_PAGE, 'per_page');
  if (page < 1) throw badRequest('page must be at least 1');
  if (perPage < MIN_PER_PAGE || perPage > MAX_PER_PAGE) {
    throw badRequest(`per_page must be between ${MIN_PER_PAGE} and ${MAX_PER_PAGE}`);
  }
  return { page, perPage };
}

function integerParam(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw badRequest(`${name} must be a positive integer`);
  return Number(value);
}
