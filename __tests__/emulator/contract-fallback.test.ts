// GitHub operations outside the subset in ../shared/contracts are checked against GitHub's full description
// from @octokit/openapi. That file ships with the dev dependencies, so these tests run even without ../shared.

import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createContractChecker,
  DEFAULT_CONTRACTS_DIR,
  fullGitHubDescriptionPath,
  loadContractChecker
} from '../../emulator/contracts.ts';
import type { ContractChecker } from '../../emulator/contracts.ts';
import { repositoryJson } from '../../emulator/github/repository-json.ts';

const haveContracts = existsSync(DEFAULT_CONTRACTS_DIR);
// The emulator's own checker where the subsets are present, else one with the full description alone.
const checker: ContractChecker = haveContracts
  ? (loadContractChecker() as ContractChecker)
  : createContractChecker({});

const TIME = '2026-01-01T00:00:00Z';
const repoSecrets = '/repos/octo-org/web/dependabot/secrets';
const orgSecrets = '/orgs/octo-org/dependabot/secrets';
const repository = repositoryJson(
  'http://127.0.0.1:1/github',
  {
    id: 101,
    owner: 'octo-org',
    name: 'web',
    visibility: 'private',
    archived: false,
    createdAt: Date.parse(TIME),
    environments: new Map()
  },
  { isOrganization: true, canPush: true }
);

describe('full GitHub description as the fallback', () => {
  it('finds the description in @octokit/openapi, preferring the dereferenced file', () => {
    expect(fullGitHubDescriptionPath()).toMatch(
      /@octokit[/\\]openapi[/\\]generated[/\\]api\.github\.com\.deref\.json$/
    );
  });

  it('accepts a valid Dependabot secret list request and response outside the subset', () => {
    expect(
      checker.checkRequest('github', { method: 'GET', path: repoSecrets, query: { per_page: '100' } })
    ).toEqual([]);
    expect(
      checker.checkResponse('github', {
        method: 'GET',
        path: repoSecrets,
        status: 200,
        body: { total_count: 1, secrets: [{ name: 'X', created_at: TIME, updated_at: TIME }] }
      })
    ).toEqual([]);
    expect(
      checker.checkResponse('github', {
        method: 'GET',
        path: orgSecrets,
        status: 200,
        body: {
          total_count: 1,
          secrets: [
            {
              name: 'X',
              created_at: TIME,
              updated_at: TIME,
              visibility: 'selected',
              selected_repositories_url: `http://127.0.0.1:1/github${orgSecrets}/X/repositories`
            }
          ]
        }
      })
    ).toEqual([]);
    expect(
      checker.checkResponse('github', {
        method: 'GET',
        path: `${orgSecrets}/X/repositories`,
        status: 200,
        body: { total_count: 1, repositories: [repository] }
      })
    ).toEqual([]);
  });

  it('rejects invalid bodies and parameters of operations outside the subset', () => {
    expect(
      checker.checkResponse('github', {
        method: 'GET',
        path: orgSecrets,
        status: 200,
        body: { secrets: [{ name: 'X', created_at: 'yesterday', updated_at: TIME, visibility: 'some' }] }
      })
    ).toEqual([
      `GET ${orgSecrets} → 200: response body must have required property 'total_count'`,
      `GET ${orgSecrets} → 200: response body /secrets/0/created_at must match format "date-time"`,
      `GET ${orgSecrets} → 200: response body /secrets/0/visibility must be equal to one of the allowed values: ["all","private","selected"]`
    ]);
    expect(
      checker.checkRequest('github', { method: 'GET', path: repoSecrets, query: { page: 'two' } })
    ).toEqual([`GET ${repoSecrets}: query parameter /page must be integer`]);
    const variables = '/orgs/octo-org/actions/variables';
    expect(
      checker.checkRequest('github', { method: 'POST', path: variables, body: { name: 'V', value: '1' } })
    ).toEqual([`POST ${variables}: request body must have required property 'visibility'`]);
    expect(
      checker.checkRequest('github', {
        method: 'POST',
        path: variables,
        body: { name: 'V', value: '1', visibility: 'selected', selected_repository_ids: [101] }
      })
    ).toEqual([]);
    expect(
      checker.checkResponse('github', {
        method: 'PATCH',
        path: `${variables}/V`,
        status: 204,
        body: { changed: true }
      })
    ).toEqual([`PATCH ${variables}/V → 204: expected no response body`]);
  });

  it('still reports truly unknown operations, and never falls back for Cloudflare', () => {
    expect(checker.checkRequest('github', { method: 'GET', path: '/repos/o/r/no/such/thing' })).toEqual([
      'no contract for GET /repos/o/r/no/such/thing'
    ]);
    expect(checker.checkRequest('github', { method: 'PATCH', path: repoSecrets })).toEqual([
      `no contract for PATCH ${repoSecrets}`
    ]);
    expect(
      checker.checkResponse('cloudflare', {
        method: 'POST',
        path: '/zones/z/access/service_tokens/x/rotate',
        status: 200,
        body: {}
      })
    ).toEqual(['no contract for POST /zones/z/access/service_tokens/x/rotate']);
  });

  it('keeps the subset as the first authority', () => {
    // A subset that documents the Dependabot list more strictly than GitHub does wins for that operation.
    const subset = {
      paths: {
        '/repos/{owner}/{repo}/dependabot/secrets': {
          get: {
            responses: {
              '200': {
                content: {
                  'application/json': {
                    schema: { type: 'object', required: ['only_in_subset'] }
                  }
                }
              }
            }
          }
        }
      }
    };
    const strict = createContractChecker({ github: subset });
    const list = { method: 'GET', path: repoSecrets, status: 200, body: { total_count: 0, secrets: [] } };
    expect(checker.checkResponse('github', list)).toEqual([]);
    expect(strict.checkResponse('github', list)).toEqual([
      `GET ${repoSecrets} → 200: response body must have required property 'only_in_subset'`
    ]);
    // Other operations still fall back; without the fallback they have no contract.
    const orgList = { method: 'GET', path: orgSecrets, status: 200, body: { total_count: 0, secrets: [] } };
    expect(strict.checkResponse('github', orgList)).toEqual([]);
    const subsetOnly = createContractChecker({ github: subset }, { fullGitHubDescription: false });
    expect(subsetOnly.checkResponse('github', orgList)).toEqual([`no contract for GET ${orgSecrets}`]);
  });

  it('resolves the $refs of the description that is not dereferenced to the same verdicts', () => {
    const withRefs = createContractChecker(
      {},
      {
        fullGitHubDescription: join(fullGitHubDescriptionPath() as string, '..', 'api.github.com.json')
      }
    );
    const repositories = { method: 'GET', path: `${orgSecrets}/X/repositories`, status: 200 };
    expect(
      withRefs.checkResponse('github', {
        ...repositories,
        body: { total_count: 1, repositories: [repository] }
      })
    ).toEqual([]);
    // A nested $ref (the repository owner, a simple-user) is checked too.
    const badOwner = {
      ...repositories,
      body: { total_count: 1, repositories: [{ ...repository, owner: { login: 'octo-org' } }] }
    };
    const verdict = withRefs.checkResponse('github', badOwner);
    expect(verdict).toContain(
      `GET ${orgSecrets}/X/repositories → 200: response body /repositories/0/owner must have required property 'id'`
    );
    expect(verdict).toEqual(checker.checkResponse('github', badOwner));
    expect(
      withRefs.checkRequest('github', { method: 'GET', path: orgSecrets, query: { per_page: 'x' } })
    ).toEqual([`GET ${orgSecrets}: query parameter /per_page must be integer`]);
  });
});
