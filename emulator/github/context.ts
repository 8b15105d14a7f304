// Shared state of the emulated GitHub API plus the lookups every handler starts with: who is calling, which
// repository / environment / organization the path names (404 when it does not exist or is not visible), and
// whether the caller may write there.

import type { Clock } from '../clock.ts';
import type { ApiRequest } from '../http-types.ts';
import { GitHubError, notFound, unprocessable } from './errors.ts';
import type { PublicKeys } from './public-keys.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Environment, Repository, RepositoryRegistry } from './repositories.ts';
import type { SecretScope, VariableScope, Visibility } from './scopes.ts';
import type { SecretStore } from './secrets.ts';
import type { GitHubToken, GitHubTokens } from './tokens.ts';
import type { VariableStore } from './variables.ts';

export type Params = Record<string, string>;

export interface GitHubState {
  clock: Clock;
  repositories: RepositoryRegistry;
  tokens: GitHubTokens;
  keys: PublicKeys;
  secrets: SecretStore;
  variables: VariableStore;
  rateLimiter: RateLimiter;
  /** The emulator's GitHub API URL, for the *_url fields and Link headers. */
  baseUrl: () => string;
}

export interface Resolved<S> {
  scope: S;
  token: GitHubToken;
  /** The repository the scope belongs to; undefined for organization scopes. */
  repository: Repository | undefined;
}

export class GitHubContext {
  readonly state: GitHubState;

  constructor(state: GitHubState) {
    this.state = state;
  }

  caller(req: ApiRequest): GitHubToken {
    return this.state.tokens.authenticate(req.headers.authorization);
  }

  repository(req: ApiRequest, p: Params): { repository: Repository; token: GitHubToken } {
    const token = this.caller(req);
    const repository = this.state.repositories.repository(p['owner'] ?? '', p['repo'] ?? '');
    if (!repository || !this.state.tokens.canSeeRepository(token, repository.owner, repository.name))
      throw notFound();
    return { repository, token };
  }

  environment(
    req: ApiRequest,
    p: Params
  ): { repository: Repository; environment: Environment; token: GitHubToken } {
    const { repository, token } = this.repository(req, p);
    const environment = this.state.repositories.environment(repository, p['environment_name'] ?? '');
    if (!environment) throw notFound();
    return { repository, environment, token };
  }

  organization(req: ApiRequest, p: Params): { org: string; token: GitHubToken } {
    const token = this.caller(req);
    const org = this.state.repositories.organization(p['org'] ?? '');
    if (!org || !this.state.tokens.canSeeOrganization(token, org)) throw notFound();
    return { org, token };
  }

  /** Resolves the scope a secrets path names, with the declared spelling of each name. */
  secretScope(kind: SecretScope['kind'], req: ApiRequest, p: Params): Resolved<SecretScope> {
    switch (kind) {
      case 'org':
      case 'dependabot-org': {
        const { org, token } = this.organization(req, p);
        return { scope: { kind, org }, token, repository: undefined };
      }
      case 'environment':
        return this.#environmentScope(req, p);
      default: {
        const { repository, token } = this.repository(req, p);
        return { scope: { kind, owner: repository.owner, repo: repository.name }, token, repository };
      }
    }
  }

  variableScope(kind: VariableScope['kind'], req: ApiRequest, p: Params): Resolved<VariableScope> {
    switch (kind) {
      case 'org': {
        const { org, token } = this.organization(req, p);
        return { scope: { kind, org }, token, repository: undefined };
      }
      case 'environment':
        return this.#environmentScope(req, p);
      default: {
        const { repository, token } = this.repository(req, p);
        return { scope: { kind, owner: repository.owner, repo: repository.name }, token, repository };
      }
    }
  }

  /** 403 for a read-only token, and for any write to an archived repository. */
  requireWrite(
    resolved: { token: GitHubToken; repository: Repository | undefined },
    what: 'secrets' | 'variables' = 'secrets'
  ): void {
    this.state.tokens.requireWrite(resolved.token, what);
    if (resolved.repository?.archived) throw new GitHubError(403, 'Repository was archived so is read-only.');
  }

  /** selected_repository_ids must name repositories of this organization (numbers, or numeric strings). */
  selectedRepositoryIds(org: string, value: unknown, allowStrings: boolean): number[] | undefined {
    if (value === undefined) return undefined;
    const ids = Array.isArray(value)
      ? (value as unknown[]).map((id) =>
          allowStrings && typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id
        )
      : undefined;
    if (!ids?.every((id): id is number => Number.isInteger(id))) {
      throw unprocessable('selected_repository_ids must be an array of repository ids.');
    }
    const unknown = ids.filter((id) => {
      const repo = this.state.repositories.repositoryById(id);
      return !repo || repo.owner.toLowerCase() !== org.toLowerCase();
    });
    if (unknown.length > 0) throw unprocessable(`Repositories not found in ${org}: ${unknown.join(', ')}.`);
    return ids;
  }

  visibility(value: unknown, required: boolean): Visibility | undefined {
    if (value === undefined && !required) return undefined;
    if (value === 'all' || value === 'private' || value === 'selected') return value;
    throw unprocessable('visibility must be one of: all, private, selected.');
  }

  #environmentScope(req: ApiRequest, p: Params) {
    const { repository, environment, token } = this.environment(req, p);
    const scope = {
      kind: 'environment',
      owner: repository.owner,
      repo: repository.name,
      environment: environment.name
    } as const;
    return { scope, token, repository };
  }
}

/** The request body as an object, or 422 (GitHub's answer to a body of the wrong shape). */
export function objectBody(req: ApiRequest): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw unprocessable('The request body must be a JSON object.');
  }
  return req.body as Record<string, unknown>;
}
