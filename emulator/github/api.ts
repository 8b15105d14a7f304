// The emulated GitHub REST and GraphQL API (mounted at /github) and the inspection/seeding methods tests use.

import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Fault } from '../faults.ts';
import type { ApiModule, ApiRequest, ApiResponse } from '../http-types.ts';
import { Router } from '../router.ts';
import { githubTime } from '../timestamps.ts';
import { GitHubContext } from './context.ts';
import { GitHubError, errorBody, notFound } from './errors.ts';
import { addGraphqlRoutes } from './graphql.ts';
import { GRAPHQL_PATH } from './graphql-schema.ts';
import { PublicKeys } from './public-keys.ts';
import { RateLimiter, realResetSeconds } from './rate-limit.ts';
import type { RateLimitFixture } from './rate-limit.ts';
import { RepositoryRegistry } from './repositories.ts';
import { SecondaryLimiter } from './secondary-limit.ts';
import type { SecondaryLimitFixture, SecondaryLimitStats } from './secondary-limit.ts';
import type { RepositoryFixture } from './repositories.ts';
import { environmentJson, repositoryJson } from './repository-json.ts';
import { scopeKey } from './scopes.ts';
import type { SecretRef, SecretScope, VariableRef, Visibility } from './scopes.ts';
import { addSecretRoutes } from './secret-routes.ts';
import { SecretStore } from './secrets.ts';
import type { SecretSeed } from './secrets.ts';
import { GitHubTokens } from './tokens.ts';
import type { GitHubTokenFixture } from './tokens.ts';
import { addVariableRoutes } from './variable-routes.ts';
import { VariableStore } from './variables.ts';
import type { VariableSeed } from './variables.ts';

export interface GitHubFixture {
  /** Owners that are organizations (the others are users). */
  orgs?: string[];
  repositories?: RepositoryFixture[];
  tokens?: GitHubTokenFixture[];
  secrets?: SecretSeed[];
  variables?: VariableSeed[];
  rateLimit?: RateLimitFixture;
  /** GitHub's secondary limit on writes (one at a time, ≥ 1 s apart per identity); off when absent. */
  secondaryRateLimit?: SecondaryLimitFixture;
}

/** A stored secret as tests see it: metadata plus the decrypted value. */
export interface SecretInfo {
  name: string;
  plaintext: string;
  keyId: string | undefined;
  createdAt: string;
  updatedAt: string;
  visibility?: Visibility;
  selectedRepositoryIds?: number[];
}

export interface VariableInfo {
  name: string;
  value: string;
  createdAt: string;
  updatedAt: string;
  visibility?: Visibility;
  selectedRepositoryIds?: number[];
}

const SECONDARY_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';

export class GitHubApi implements ApiModule {
  readonly #ctx: GitHubContext;
  readonly #router = new Router();
  readonly #secondary: SecondaryLimiter;

  constructor(clock: Clock, fixture: GitHubFixture, baseUrl: () => string) {
    this.#secondary = new SecondaryLimiter(fixture.secondaryRateLimit);
    const keys = new PublicKeys();
    this.#ctx = new GitHubContext({
      clock,
      repositories: new RepositoryRegistry(clock, fixture),
      tokens: new GitHubTokens(fixture.tokens),
      keys,
      secrets: new SecretStore(clock, keys),
      variables: new VariableStore(clock),
      rateLimiter: new RateLimiter(clock, fixture.rateLimit),
      baseUrl
    });
    this.#addCoreRoutes();
    addSecretRoutes(this.#router, this.#ctx);
    addVariableRoutes(this.#router, this.#ctx);
    addGraphqlRoutes(this.#router, this.#ctx);
    for (const seed of fixture.secrets ?? []) this.seedSecret(seed);
    for (const seed of fixture.variables ?? []) this.seedVariable(seed);
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    const { rateLimiter } = this.#ctx.state;
    let response: ApiResponse;
    try {
      // GET /rate_limit is free on GitHub; everything else counts, even a 401.
      if (req.path !== '/rate_limit') rateLimiter.consume();
      if (req.bodyError) throw new GitHubError(400, 'Problems parsing JSON');
      const identity = req.headers.authorization;
      response = await this.#secondary.around(
        // A GraphQL query reads (the emulator answers no mutation): not a write for the secondary limit.
        GRAPHQL_PATH.test(req.path) ? 'QUERY' : req.method,
        typeof identity === 'string' ? identity : undefined,
        async () => (await this.#router.dispatch(req)) ?? notFound().toResponse()
      );
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      response = error.toResponse();
    }
    return { ...response, headers: { ...this.#standardHeaders(), ...response.headers } };
  }

  faultResponse(fault: Fault): ApiResponse {
    const status = fault.status ?? 500;
    const headers = this.#standardHeaders();
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    if (fault.secondaryRateLimit) {
      const docs =
        'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits';
      return { status, headers, body: errorBody(status, SECONDARY_LIMIT_MESSAGE, docs) };
    }
    if (status === 429) {
      // GitHub's primary limit may answer 429: remaining 0 and a reset time tell the client how long to wait.
      const resetSeconds = realResetSeconds((fault.retryAfter ?? 60) * 1000);
      return {
        status,
        headers: { ...headers, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetSeconds) },
        body: errorBody(status, 'API rate limit exceeded for installation.')
      };
    }
    return { status, headers, body: errorBody(status, status >= 500 ? 'Server Error' : 'Injected fault') };
  }

  /** What the secondary rate limit saw: writes, overlaps, refusals, the gaps between accepted writes. */
  secondaryLimitStats(): SecondaryLimitStats {
    return this.#secondary.stats();
  }

  resetSecondaryLimitStats(): void {
    this.#secondary.reset();
  }

  /** The decrypted value of a secret, or undefined when it does not exist. */
  secretPlaintext(ref: SecretRef): string | undefined {
    return this.secret(ref)?.plaintext;
  }

  secret(ref: SecretRef): SecretInfo | undefined {
    const { name, ...scope } = ref;
    const stored = this.#ctx.state.secrets.get(scope, name);
    if (!stored) return undefined;
    return {
      name: stored.name,
      plaintext: stored.plaintext,
      keyId: stored.keyId,
      createdAt: githubTime(stored.createdAt),
      updatedAt: githubTime(stored.updatedAt),
      ...(stored.visibility
        ? { visibility: stored.visibility, selectedRepositoryIds: [...stored.selectedRepositoryIds] }
        : {})
    };
  }

  /** Every stored secret with its scope. */
  secrets(): Array<SecretScope & SecretInfo> {
    return this.#ctx.state.secrets.all().map(({ scope, secret }) => ({
      ...scope,
      ...(this.secret({ ...scope, name: secret.name }) as SecretInfo)
    }));
  }

  /** Puts a secret in place (plaintext, with chosen timestamps) without going through the API. */
  seedSecret(seed: SecretSeed): void {
    this.#assertScopeExists(seed);
    this.#ctx.state.secrets.seed(seed);
  }

  variable(ref: VariableRef): VariableInfo | undefined {
    const { name, ...scope } = ref;
    const stored = this.#ctx.state.variables.get(scope, name);
    if (!stored) return undefined;
    return {
      name: stored.name,
      value: stored.value,
      createdAt: githubTime(stored.createdAt),
      updatedAt: githubTime(stored.updatedAt),
      ...(stored.visibility
        ? { visibility: stored.visibility, selectedRepositoryIds: [...stored.selectedRepositoryIds] }
        : {})
    };
  }

  seedVariable(seed: VariableSeed): void {
    this.#assertScopeExists(seed);
    this.#ctx.state.variables.seed(seed);
  }

  /** Adds a github-token value the API accepts (what a fixture's github.tokens entry does). */
  addToken(fixture: GitHubTokenFixture): void {
    this.#ctx.state.tokens.add(fixture);
  }

  /** Deletes a variable as a person would in the settings; false when there was none. */
  deleteVariable(ref: VariableRef): boolean {
    return this.#ctx.state.variables.delete(ref, ref.name);
  }

  /** The scope's current public key, as GET .../public-key returns it. */
  publicKey(scope: SecretScope): { key_id: string; key: string } {
    return this.#ctx.state.keys.current(scopeKey(scope));
  }

  /** Replaces the scope's key pair: later writes sealed for the old key_id get 422. */
  rotatePublicKey(scope: SecretScope): { key_id: string; key: string } {
    return this.#ctx.state.keys.rotate(scopeKey(scope));
  }

  repositoryId(owner: string, repo: string): number | undefined {
    return this.#ctx.state.repositories.repository(owner, repo)?.id;
  }

  addRepository(fixture: RepositoryFixture): number {
    return this.#ctx.state.repositories.addRepository(fixture).id;
  }

  #addCoreRoutes(): void {
    const { state } = this.#ctx;
    this.#router.on('GET', '/rate_limit', (req) => {
      if (req.headers.authorization !== undefined) this.#ctx.caller(req);
      return { status: 200, body: state.rateLimiter.overview() };
    });
    this.#router.on('GET', '/repos/{owner}/{repo}', (req, p) => {
      const { repository, token } = this.#ctx.repository(req, p);
      const isOrganization = state.repositories.organization(repository.owner) !== undefined;
      return {
        status: 200,
        body: repositoryJson(state.baseUrl(), repository, { isOrganization, canPush: token.canWriteSecrets })
      };
    });
    this.#router.on('GET', '/repos/{owner}/{repo}/environments/{environment_name}', (req, p) => {
      const { repository, environment } = this.#ctx.environment(req, p);
      return { status: 200, body: environmentJson(state.baseUrl(), repository, environment) };
    });
  }

  #standardHeaders(): Record<string, string> {
    return {
      ...this.#ctx.state.rateLimiter.headers(),
      'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-github-media-type': 'github.v3; format=json'
    };
  }

  /** Seeds must name a repository / environment / organization the fixture declares: typos fail loudly. */
  #assertScopeExists(scope: SecretScope | VariableRef): void {
    const { repositories } = this.#ctx.state;
    if ('org' in scope) {
      if (!repositories.organization(scope.org)) throw new Error(`seed: unknown organization ${scope.org}`);
      return;
    }
    const repo = repositories.repository(scope.owner, scope.repo);
    if (!repo) throw new Error(`seed: unknown repository ${scope.owner}/${scope.repo}`);
    if (scope.kind === 'environment' && !repositories.environment(repo, scope.environment)) {
      throw new Error(`seed: unknown environment ${scope.environment} in ${scope.owner}/${scope.repo}`);
    }
  }
}
