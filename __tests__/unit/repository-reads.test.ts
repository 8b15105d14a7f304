import { describe, expect, it } from '@jest/globals';
import { parse, validate } from 'graphql';
import nock from 'nock';
import { githubGraphqlSchema } from '../../emulator/github/graphql-schema.ts';
import { toTargetReadError } from '../../src/github/api-errors.js';
import { createOctokit, type GitHubClient } from '../../src/github/octokit.js';
import {
  REPOSITORIES_PER_QUERY,
  RepositoryReads,
  repositoryQuery
} from '../../src/github/repository-reads.js';

const TIMING = { writeIntervalMs: 0, retryBaseMs: 1, requestTimeoutMs: 5000 } as never;

/** A client whose graphql answers from a table of repositories, recording each query's variables. */
function fakeClient(known: Record<string, { archived: boolean; id: number }>) {
  const queries: Record<string, string>[] = [];
  const graphql = (_query: string, variables: Record<string, string>) => {
    queries.push(variables);
    const data: Record<string, unknown> = {};
    const errors: unknown[] = [];
    for (const [key, owner] of Object.entries(variables)) {
      const index = key.slice(1);
      if (!key.startsWith('o')) continue;
      const found = known[`${owner}/${variables[`n${index}`]}`];
      data[`r${index}`] = found ? { isArchived: found.archived, databaseId: found.id } : null;
      if (!found) errors.push({ type: 'NOT_FOUND', path: [`r${index}`], message: 'Could not resolve' });
    }
    if (errors.length) return Promise.reject(Object.assign(new Error('GraphQL errors'), { data, errors }));
    return Promise.resolve(data);
  };
  return { client: { graphql } as unknown as GitHubClient, queries };
}

describe('RepositoryReads', () => {
  it('sends a query that validates against GitHub’s published GraphQL schema', () => {
    const { query } = repositoryQuery([
      { owner: 'o', repo: 'a' },
      { owner: 'o', repo: 'b' }
    ]);
    expect(validate(githubGraphqlSchema(), parse(query))).toEqual([]);
  });

  it('reads the repositories of one tick in queries of 100, each repository once', async () => {
    const known = Object.fromEntries(
      Array.from({ length: 250 }, (_, index) => [`o/r${index}`, { archived: index % 2 === 1, id: index }])
    );
    const { client, queries } = fakeClient(known);
    const reads = new RepositoryReads(client);
    const facts = await Promise.all([
      ...Array.from({ length: 250 }, (_, index) => reads.facts('o', `r${index}`)),
      reads.facts('O', 'R1')
    ]);
    expect(queries.map((variables) => Object.keys(variables).length / 2)).toEqual([
      REPOSITORIES_PER_QUERY,
      REPOSITORIES_PER_QUERY,
      50
    ]);
    expect(facts[1]).toEqual({ archived: true, id: 1 });
    expect(facts[250]).toBe(facts[1]);
    await reads.facts('o', 'r2');
    expect(queries).toHaveLength(3);
  });

  it('fails a repository GraphQL does not find as the REST read did: 404 Not Found, the others read', async () => {
    const { client } = fakeClient({ 'o/web': { archived: false, id: 1 } });
    const reads = new RepositoryReads(client);
    const [web, gone] = await Promise.allSettled([reads.facts('o', 'web'), reads.facts('o', 'gone')]);
    expect(web).toEqual({ status: 'fulfilled', value: { archived: false, id: 1 } });
    const error = (gone as PromiseRejectedResult).reason as unknown;
    expect(toTargetReadError(error, 'o/gone', 'the repository')).toMatchObject({
      name: 'TargetReadError',
      message: expect.stringMatching(
        /^Could not read the repository of o\/gone \(404 Not Found\)\. Check that o\/gone exists/
      )
    });
  });

  it('asks GitHub Enterprise Server at /api/graphql, derived from the /api/v3 API URL', async () => {
    const server = nock('http://127.0.0.1:48010')
      .post('/api/graphql')
      .reply(200, { data: { r0: { isArchived: true, databaseId: 9 } } });
    try {
      const client = createOctokit({ token: 't', baseUrl: 'http://127.0.0.1:48010/api/v3', timing: TIMING });
      expect(await new RepositoryReads(client).facts('o', 'r')).toEqual({ archived: true, id: 9 });
      expect(server.isDone()).toBe(true);
    } finally {
      nock.cleanAll();
    }
  });
});
