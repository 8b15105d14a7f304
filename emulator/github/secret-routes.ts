// Encrypted-secret endpoints. Every scope has the same five operations (public key, list, get, put, delete);
// organization scopes add visibility and the selected-repositories endpoints.

import type { ApiRequest, ApiResponse } from '../http-types.ts';
import type { Router } from '../router.ts';
import { githubTime } from '../timestamps.ts';
import type { GitHubContext, Params } from './context.ts';
import { objectBody } from './context.ts';
import { conflict, notFound, unprocessable } from './errors.ts';
import { paginate } from './pagination.ts';
import { repositoryJson } from './repository-json.ts';
import { nameProblem, scopeKey } from './scopes.ts';
import type { OrganizationSecretKind, SecretScope } from './scopes.ts';
import type { StoredSecret } from './secrets.ts';

const SECRET_FAMILIES: Array<{ kind: SecretScope['kind']; base: string }> = [
  { kind: 'repo', base: '/repos/{owner}/{repo}/actions/secrets' },
  { kind: 'environment', base: '/repos/{owner}/{repo}/environments/{environment_name}/secrets' },
  { kind: 'org', base: '/orgs/{org}/actions/secrets' },
  { kind: 'dependabot-repo', base: '/repos/{owner}/{repo}/dependabot/secrets' },
  { kind: 'dependabot-org', base: '/orgs/{org}/dependabot/secrets' },
  { kind: 'codespaces-repo', base: '/repos/{owner}/{repo}/codespaces/secrets' }
];

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function addSecretRoutes(router: Router, ctx: GitHubContext): void {
  const { secrets, keys } = ctx.state;
  for (const { kind, base } of SECRET_FAMILIES) {
    const resolve = (req: ApiRequest, p: Params) => ctx.secretScope(kind, req, p);
    const named = (scope: SecretScope, p: Params): StoredSecret => {
      const secret = secrets.get(scope, p['secret_name'] ?? '');
      if (!secret) throw notFound();
      return secret;
    };
    const secretJson = (scope: SecretScope, secret: StoredSecret) => ({
      name: secret.name,
      created_at: githubTime(secret.createdAt),
      updated_at: githubTime(secret.updatedAt),
      ...('org' in scope ? organizationFields(ctx, scope, secret) : {})
    });

    router.on('GET', `${base}/public-key`, (req, p) =>
      json(200, keys.current(scopeKey(resolve(req, p).scope)))
    );

    router.on('GET', base, (req, p) => {
      const { scope } = resolve(req, p);
      const all = secrets.list(scope);
      const page = paginate(
        all,
        req.query,
        { defaultPerPage: 30, maxPerPage: 100 },
        `${ctx.state.baseUrl()}${req.path}`
      );
      return json(
        200,
        { total_count: all.length, secrets: page.items.map((secret) => secretJson(scope, secret)) },
        page.headers
      );
    });

    router.on('GET', `${base}/{secret_name}`, (req, p) => {
      const { scope } = resolve(req, p);
      return json(200, secretJson(scope, named(scope, p)));
    });

    router.on('PUT', `${base}/{secret_name}`, (req, p) => {
      const resolved = resolve(req, p);
      ctx.requireWrite(resolved);
      const { scope } = resolved;
      const name = p['secret_name'] ?? '';
      const problem = nameProblem(name);
      if (problem) throw unprocessable(problem);
      const body = objectBody(req);
      const encryptedValue = body['encrypted_value'];
      const keyId = body['key_id'];
      if (typeof encryptedValue !== 'string' || !BASE64.test(encryptedValue) || typeof keyId !== 'string') {
        throw unprocessable('encrypted_value (base64) and key_id are required.');
      }
      const organization =
        'org' in scope
          ? {
              visibility: ctx.visibility(body['visibility'], true),
              selectedRepositoryIds: ctx.selectedRepositoryIds(
                scope.org,
                body['selected_repository_ids'],
                scope.kind === 'dependabot-org'
              )
            }
          : {};
      const outcome = secrets.put(scope, name, { encryptedValue, keyId, ...organization });
      return outcome === 'created' ? json(201, {}) : { status: 204 };
    });

    router.on('DELETE', `${base}/{secret_name}`, (req, p) => {
      const resolved = resolve(req, p);
      ctx.requireWrite(resolved);
      if (!secrets.delete(resolved.scope, p['secret_name'] ?? '')) throw notFound();
      return { status: 204 };
    });

    if (kind === 'org' || kind === 'dependabot-org') addSelectedRepositoryRoutes(router, ctx, kind, base);
  }
}

/** GET/PUT .../{secret_name}/repositories and PUT/DELETE .../repositories/{repository_id}. */
function addSelectedRepositoryRoutes(
  router: Router,
  ctx: GitHubContext,
  kind: 'org' | 'dependabot-org',
  base: string
): void {
  const { secrets, repositories, tokens } = ctx.state;
  const secretOf = (req: ApiRequest, p: Params, write: boolean) => {
    const { org, token } = ctx.organization(req, p);
    if (write) ctx.requireWrite({ token, repository: undefined });
    const secret = secrets.get({ kind, org }, p['secret_name'] ?? '');
    if (!secret) throw notFound();
    return { org, token, secret };
  };
  const notSelectedMessage =
    "The secret's visibility is not 'selected'; set it to 'selected' before choosing repositories.";

  router.on('GET', `${base}/{secret_name}/repositories`, (req, p) => {
    const { secret, token } = secretOf(req, p, false);
    const all = secret.selectedRepositoryIds.flatMap((id) => repositories.repositoryById(id) ?? []);
    const url = `${ctx.state.baseUrl()}${req.path}`;
    const page = paginate(all, req.query, { defaultPerPage: 30, maxPerPage: 100 }, url);
    const repositoryOptions = { isOrganization: true, canPush: token.canWriteSecrets };
    return json(
      200,
      {
        total_count: all.length,
        repositories: page.items.map((repo) => repositoryJson(ctx.state.baseUrl(), repo, repositoryOptions))
      },
      page.headers
    );
  });

  router.on('PUT', `${base}/{secret_name}/repositories`, (req, p) => {
    const { org, secret } = secretOf(req, p, true);
    if (secret.visibility !== 'selected') throw conflict(notSelectedMessage);
    const ids = ctx.selectedRepositoryIds(
      org,
      objectBody(req)['selected_repository_ids'],
      kind === 'dependabot-org'
    );
    if (ids === undefined) throw unprocessable('selected_repository_ids is required.');
    secret.selectedRepositoryIds = [...new Set(ids)];
    return { status: 204 };
  });

  const single =
    (add: boolean) =>
    (req: ApiRequest, p: Params): ApiResponse => {
      const { org, token, secret } = secretOf(req, p, true);
      // The contract documents this 409 without a body.
      if (secret.visibility !== 'selected') return { status: 409 };
      const id = Number(p['repository_id']);
      const repo = Number.isInteger(id) ? repositories.repositoryById(id) : undefined;
      const inOrg = repo !== undefined && repo.owner.toLowerCase() === org.toLowerCase();
      if (!inOrg || !tokens.canSeeRepository(token, repo.owner, repo.name)) throw notFound();
      const others = secret.selectedRepositoryIds.filter((existing) => existing !== id);
      secret.selectedRepositoryIds = add ? [...others, id] : others;
      return { status: 204 };
    };
  router.on('PUT', `${base}/{secret_name}/repositories/{repository_id}`, single(true));
  router.on('DELETE', `${base}/{secret_name}/repositories/{repository_id}`, single(false));
}

function organizationFields(
  ctx: GitHubContext,
  scope: { kind: OrganizationSecretKind; org: string },
  secret: StoredSecret
): Record<string, unknown> {
  const prefix = scope.kind === 'dependabot-org' ? 'dependabot' : 'actions';
  return {
    visibility: secret.visibility ?? 'private',
    ...(secret.visibility === 'selected'
      ? {
          selected_repositories_url: `${ctx.state.baseUrl()}/orgs/${scope.org}/${prefix}/secrets/${secret.name}/repositories`
        }
      : {})
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, body, headers };
}
