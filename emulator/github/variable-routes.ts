// Actions variable endpoints at repository, environment and organization scope
// (organization variables are outside the contract subset; they are checked against @octokit/openapi).

import type { ApiRequest, ApiResponse } from '../http-types.ts';
import type { Router } from '../router.ts';
import { githubTime } from '../timestamps.ts';
import type { GitHubContext, Params, Resolved } from './context.ts';
import { objectBody } from './context.ts';
import { notFound, unprocessable } from './errors.ts';
import { paginate } from './pagination.ts';
import { nameProblem } from './scopes.ts';
import type { VariableScope } from './scopes.ts';
import type { StoredVariable } from './variables.ts';

const VARIABLE_FAMILIES: Array<{ kind: VariableScope['kind']; base: string }> = [
  { kind: 'repo', base: '/repos/{owner}/{repo}/actions/variables' },
  { kind: 'environment', base: '/repos/{owner}/{repo}/environments/{environment_name}/variables' },
  { kind: 'org', base: '/orgs/{org}/actions/variables' }
];

export function addVariableRoutes(router: Router, ctx: GitHubContext): void {
  const { variables } = ctx.state;
  for (const { kind, base } of VARIABLE_FAMILIES) {
    const resolve = (req: ApiRequest, p: Params) => ctx.variableScope(kind, req, p);
    const variableJson = (scope: VariableScope, variable: StoredVariable) => ({
      name: variable.name,
      value: variable.value,
      created_at: githubTime(variable.createdAt),
      updated_at: githubTime(variable.updatedAt),
      ...(scope.kind === 'org'
        ? {
            visibility: variable.visibility ?? 'all',
            ...(variable.visibility === 'selected'
              ? {
                  selected_repositories_url: `${ctx.state.baseUrl()}/orgs/${scope.org}/actions/variables/${variable.name}/repositories`
                }
              : {})
          }
        : {})
    });

    router.on('GET', base, (req, p) => {
      const { scope } = resolve(req, p);
      const all = variables.list(scope);
      const page = paginate(
        all,
        req.query,
        { defaultPerPage: 10, maxPerPage: 30 },
        `${ctx.state.baseUrl()}${req.path}`
      );
      return {
        status: 200,
        headers: page.headers,
        body: {
          total_count: all.length,
          variables: page.items.map((variable) => variableJson(scope, variable))
        }
      };
    });

    router.on('POST', base, (req, p) => {
      const resolved = resolve(req, p);
      ctx.requireWrite(resolved, 'variables');
      const body = objectBody(req);
      const name = requiredString(body, 'name');
      const value = requiredString(body, 'value');
      const problem = nameProblem(name);
      if (problem) throw unprocessable(problem);
      variables.create(resolved.scope, { name, value, ...organizationFields(ctx, resolved, body, true) });
      return { status: 201, body: {} };
    });

    router.on('GET', `${base}/{name}`, (req, p) => {
      const { scope } = resolve(req, p);
      const variable = variables.get(scope, p['name'] ?? '');
      if (!variable) throw notFound();
      return { status: 200, body: variableJson(scope, variable) };
    });

    router.on('PATCH', `${base}/{name}`, (req, p): ApiResponse => {
      const resolved = resolve(req, p);
      ctx.requireWrite(resolved, 'variables');
      const body = objectBody(req);
      const newName = optionalString(body, 'name');
      const value = optionalString(body, 'value');
      const problem = newName === undefined ? undefined : nameProblem(newName);
      if (problem) throw unprocessable(problem);
      const changed = variables.update(resolved.scope, p['name'] ?? '', {
        ...(newName === undefined ? {} : { name: newName }),
        ...(value === undefined ? {} : { value }),
        ...organizationFields(ctx, resolved, body, false)
      });
      if (!changed) throw notFound();
      return { status: 204 };
    });

    router.on('DELETE', `${base}/{name}`, (req, p) => {
      const resolved = resolve(req, p);
      ctx.requireWrite(resolved, 'variables');
      if (!variables.delete(resolved.scope, p['name'] ?? '')) throw notFound();
      return { status: 204 };
    });
  }
}

function organizationFields(
  ctx: GitHubContext,
  resolved: Resolved<VariableScope>,
  body: Record<string, unknown>,
  creating: boolean
): { visibility?: 'all' | 'private' | 'selected'; selectedRepositoryIds?: number[] } {
  if (resolved.scope.kind !== 'org') return {};
  const visibility = ctx.visibility(body['visibility'], creating);
  const ids = ctx.selectedRepositoryIds(resolved.scope.org, body['selected_repository_ids'], false);
  return { ...(visibility ? { visibility } : {}), ...(ids ? { selectedRepositoryIds: ids } : {}) };
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') throw unprocessable(`${key} is required and must be a string.`);
  return value;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  return body[key] === undefined ? undefined : requiredString(body, key);
}
