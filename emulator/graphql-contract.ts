// Contract checks of GitHub GraphQL requests and answers, against GitHub's published schema
// (@octokit/graphql-schema): a request's query must parse and validate, with variables of the declared types;
// an answer's data must be what the schema lets that query return (each field of its type, nulls only where
// the schema allows them). The OpenAPI descriptions do not cover GraphQL, so these take their place there.

import {
  GraphQLError,
  execute,
  getOperationAST,
  OperationTypeNode,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver
} from 'graphql';
import { githubGraphqlSchema } from './github/graphql-schema.ts';

interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
}

function parsed(body: unknown): DocumentNode | string[] {
  const { query } = (body ?? {}) as GraphqlRequest;
  if (typeof query !== 'string') return ['request body: no query string'];
  try {
    const doc = parse(query);
    const errors = validate(githubGraphqlSchema(), doc);
    return errors.length ? errors.map((error) => `query: ${error.message}`) : doc;
  } catch (error) {
    return [`query: ${error instanceof GraphQLError ? error.message : String(error)}`];
  }
}

/** Violations of a GraphQL request, [] when its query and variables fit GitHub's schema. */
export function checkGraphqlRequest(label: string, body: unknown): string[] {
  const doc = parsed(body);
  if (Array.isArray(doc)) return doc.map((message) => `${label}: ${message}`);
  if (getOperationAST(doc)?.operation !== OperationTypeNode.QUERY)
    return [`${label}: only queries are expected`];
  const variables = (body as GraphqlRequest).variables;
  if (variables !== undefined && (typeof variables !== 'object' || variables === null))
    return [`${label}: variables is not an object`];
  // Executing with no data checks the variables against their declared types (and nothing else fails).
  const result = execute({
    schema: githubGraphqlSchema(),
    document: doc,
    variableValues: (variables ?? {}) as Record<string, unknown>,
    fieldResolver: () => null
  }) as { errors?: readonly GraphQLError[] };
  const bad = (result.errors ?? []).filter((error) => !error.path);
  return bad.map((error) => `${label}: variables: ${error.message}`);
}

/** Each field answers with the value the response holds under its key (the alias, or the field's name). */
const fromAnswer: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) =>
  typeof source === 'object' && source !== null
    ? (source as Record<string, unknown>)[info.path.key as string]
    : undefined;

/**
 * Violations of a GraphQL answer to `request`: the answer's data is executed through the query as the
 * resolvers' source, so each value must serialise as its field's type; a null where the schema forbids one is
 * a violation, except on a path that the answer's errors name (GitHub's NOT_FOUND: null with an error).
 */
export function checkGraphqlResponse(label: string, request: unknown, body: unknown, status = 200): string[] {
  // An error status (401, a rate limit) carries REST's error body, not a GraphQL answer.
  if (status >= 400) return [];
  const doc = parsed(request);
  if (Array.isArray(doc)) return [];
  const answer = (body ?? {}) as { data?: unknown; errors?: unknown };
  const messages: string[] = [];
  if (answer.errors !== undefined && !Array.isArray(answer.errors))
    messages.push(`${label}: errors is not a list`);
  const errors = Array.isArray(answer.errors)
    ? (answer.errors as { path?: unknown; message?: unknown }[])
    : [];
  for (const error of errors)
    if (typeof error.message !== 'string') messages.push(`${label}: an error without a message`);
  if (answer.data === undefined || answer.data === null) {
    if (errors.length === 0) messages.push(`${label}: neither data nor errors`);
    return messages;
  }
  const explained = new Set(errors.map((error) => JSON.stringify(error.path ?? null)));
  const result = execute({
    schema: githubGraphqlSchema(),
    document: doc,
    rootValue: answer.data,
    variableValues: ((request as GraphqlRequest).variables ?? {}) as Record<string, unknown>,
    fieldResolver: fromAnswer
  }) as { errors?: readonly GraphQLError[] };
  for (const error of result.errors ?? []) {
    if (!explained.has(JSON.stringify(error.path ?? null)))
      messages.push(`${label}: data${error.path ? `.${error.path.join('.')}` : ''}: ${error.message}`);
  }
  return messages;
}
