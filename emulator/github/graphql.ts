// The emulated GitHub GraphQL API (POST /graphql, and /api/graphql as on GitHub Enterprise Server): a query is
// parsed, validated and executed against GitHub's published schema, with resolvers for what the action reads
// (repository: isArchived, databaseId). A repository that does not exist or that github-token cannot see is
// null with a NOT_FOUND error, as GitHub answers.

import { GraphQLError, execute, parse, validate, type DocumentNode } from 'graphql';
import type { ApiRequest, ApiResponse } from '../http-types.ts';
import type { Router } from '../router.ts';
import type { GitHubContext } from './context.ts';
import { githubGraphqlSchema } from './graphql-schema.ts';

class NotResolved extends Error {}

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
}

function document(query: unknown): DocumentNode | readonly GraphQLError[] {
  if (typeof query !== 'string') return [new GraphQLError('A query attribute must be specified.')];
  try {
    const parsed = parse(query);
    const errors = validate(githubGraphqlSchema(), parsed);
    return errors.length ? errors : parsed;
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
  }
}

/** GitHub's error shape: a `type` beside message, path and locations. */
function errorJson(error: GraphQLError): Record<string, unknown> {
  return {
    ...(error.originalError instanceof NotResolved && { type: 'NOT_FOUND' }),
    ...(error.path && { path: error.path }),
    ...(error.locations && { locations: error.locations }),
    message: error.message
  };
}

async function answer(ctx: GitHubContext, req: ApiRequest): Promise<ApiResponse> {
  const token = ctx.caller(req);
  const body = (req.body ?? {}) as GraphqlBody;
  const parsed = document(body.query);
  if (!('kind' in parsed)) return { status: 200, body: { errors: parsed.map(errorJson) } };
  const { repositories, tokens } = ctx.state;
  const rootValue = {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repository = repositories.repository(owner, name);
      if (!repository || !tokens.canSeeRepository(token, repository.owner, repository.name))
        throw new NotResolved(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return { isArchived: repository.archived, databaseId: repository.id, name: repository.name };
    }
  };
  const result = await execute({
    schema: githubGraphqlSchema(),
    document: parsed,
    rootValue,
    variableValues: (body.variables ?? {}) as Record<string, unknown>
  });
  return {
    status: 200,
    body: { data: result.data ?? null, ...(result.errors && { errors: result.errors.map(errorJson) }) }
  };
}

export function addGraphqlRoutes(router: Router, ctx: GitHubContext): void {
  router.on('POST', '/graphql', (req) => answer(ctx, req));
  router.on('POST', '/api/graphql', (req) => answer(ctx, req));
}
