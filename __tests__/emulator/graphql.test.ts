import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { checkGraphqlRequest, checkGraphqlResponse } from '../../emulator/graphql-contract.ts';
import { startEmulator } from '../../emulator/server.ts';
import type { Emulator } from '../../emulator/server.ts';
import { repositoryQuery } from '../../src/github/repository-reads.js';
import { github, haveContracts, testFixture } from './support.ts';

let emu: Emulator;

beforeEach(async () => {
  emu = await startEmulator({ fixture: testFixture(), contractCheck: true });
});

afterEach(async () => {
  await emu.close();
});

/** The query the action sends for these repositories. */
const query = (repositories: { owner: string; repo: string }[]) => repositoryQuery(repositories);

describe('GitHub GraphQL (POST /graphql, /api/graphql)', () => {
  it('answers isArchived and databaseId, null with NOT_FOUND for a repository it cannot resolve', async () => {
    const gh = github(emu);
    const body = query([
      { owner: 'octo-org', repo: 'web' },
      { owner: 'octo-org', repo: 'old-site' },
      { owner: 'octo-org', repo: 'nowhere' }
    ]);
    for (const path of ['/graphql', '/api/graphql']) {
      const answer = await gh('POST', path, body);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        data: {
          r0: { isArchived: false, databaseId: 101 },
          r1: { isArchived: true, databaseId: 104 },
          r2: null
        },
        errors: [
          expect.objectContaining({
            type: 'NOT_FOUND',
            path: ['r2'],
            message: "Could not resolve to a Repository with the name 'octo-org/nowhere'."
          })
        ]
      });
    }
    expect(emu.contractViolations()).toEqual([]);
  });

  it('does not show a repository the token was not granted, and refuses a bad token with 401', async () => {
    const only = github(emu, 'gh-web-only');
    const answer = await only('POST', '/graphql', query([{ owner: 'octo-org', repo: 'api' }]));
    expect(answer.body['data']).toEqual({ r0: null });
    expect((await github(emu, 'nope')('POST', '/graphql', query([]))).status).toBe(401);
  });

  it('answers a query GitHub would refuse with errors only, as GitHub does', async () => {
    const answer = await github(emu)('POST', '/graphql', {
      query: '{ repository(owner: "octo-org", name: "web") { archived } }'
    });
    expect(answer.status).toBe(200);
    expect(answer.body['data']).toBeUndefined();
    expect(JSON.stringify(answer.body['errors'])).toContain(
      'Cannot query field \\"archived\\" on type \\"Repository\\"'
    );
  });

  (haveContracts ? it : it.skip)(
    'records a query that does not fit the schema as a contract violation',
    async () => {
      await github(emu)('POST', '/graphql', { query: '{ repository(owner: "o", name: "r") { archived } }' });
      expect(emu.contractViolations().map((violation) => violation.direction)).toContain('request');
    }
  );
});

describe('GraphQL contract checks (against @octokit/graphql-schema)', () => {
  const request = query([{ owner: 'octo-org', repo: 'web' }]);

  it('accepts the action query, and refuses unknown fields, mutations and wrong variables', () => {
    expect(checkGraphqlRequest('POST /graphql', request)).toEqual([]);
    expect(checkGraphqlRequest('POST /graphql', { query: '{ viewer { nope } }' })).toEqual([
      expect.stringContaining('Cannot query field "nope" on type "User"')
    ]);
    expect(
      checkGraphqlRequest('POST /graphql', {
        query: 'mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }'
      })
    ).toEqual(['POST /graphql: only queries are expected']);
    expect(checkGraphqlRequest('POST /graphql', { ...request, variables: { o0: 1, n0: 'web' } })).toEqual([
      expect.stringContaining('variables:')
    ]);
  });

  it('checks an answer against the query: types, and nulls only where an error explains them', () => {
    const check = (body: unknown) => checkGraphqlResponse('POST /graphql → 200', request, body);
    expect(check({ data: { r0: { isArchived: true, databaseId: 7 } } })).toEqual([]);
    expect(
      check({ data: { r0: null }, errors: [{ type: 'NOT_FOUND', path: ['r0'], message: 'x' }] })
    ).toEqual([]);
    expect(check({ data: { r0: { isArchived: 'yes', databaseId: 7 } } })).toEqual([
      expect.stringContaining('data.r0.isArchived')
    ]);
    expect(check({ data: { r0: { databaseId: 7 } } })).toEqual([
      expect.stringContaining('data.r0.isArchived')
    ]);
    expect(check({})).toEqual(['POST /graphql → 200: neither data nor errors']);
  });
});
