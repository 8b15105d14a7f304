// GitHub's published GraphQL schema, from the npm package @octokit/graphql-schema (a dev dependency), built once
// per process. The emulator answers GraphQL queries by executing them against it, and the contract checks
// validate each query the action sends, and each answer, against it.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';

/** The package's index also parses a second, JSON copy of the schema at import: the SDL file is read directly. */
export const GRAPHQL_SCHEMA_FILE = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'),
  'node_modules',
  '@octokit',
  'graphql-schema',
  'schema.graphql'
);

let schema: GraphQLSchema | undefined;

/**
 * The schema (about 0.5 s to build, on first use). The published SDL repeats a few field definitions and
 * deprecates some interface fields only in the implementations, which GitHub's own server allows:
 * assumeValidSDL skips those checks of the schema itself, not of the queries validated against it.
 */
export function githubGraphqlSchema(): GraphQLSchema {
  schema ??= buildSchema(readFileSync(GRAPHQL_SCHEMA_FILE, 'utf8'), { assumeValidSDL: true });
  return schema;
}

/** GitHub's GraphQL endpoint, relative to the API: /graphql, and /api/graphql as GitHub Enterprise Server has it. */
export const GRAPHQL_PATH = /^(?:\/api)?\/graphql$/;
