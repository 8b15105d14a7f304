import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { DEFAULT_CONTRACTS_DIR, SKIPPED_NOTICE, loadContractChecker } from '../../emulator/contracts.ts';
import type { ContractChecker } from '../../emulator/contracts.ts';
import { toJsonSchema } from '../../emulator/openapi-schema.ts';
import { compileTemplate, matchTemplate } from '../../emulator/path-templates.ts';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const tokens = `/accounts/${ACCOUNT}/access/service_tokens`;
const envelope = (result: unknown) => ({ success: true, errors: [], messages: [], result });
const failure = {
  success: false,
  errors: [{ code: 10000, message: 'Authentication error' }],
  messages: [],
  result: null
};
const token = {
  id: 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415',
  name: 'ci',
  client_id: '88bf3b6d86161464f6509f7219099e57.access',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  duration: '8760h'
};

// The contracts live beside the project; a clone without them skips these checks (the notice test still runs).
const haveContracts = existsSync(DEFAULT_CONTRACTS_DIR);
const describeWithContracts = haveContracts ? describe : describe.skip;

describeWithContracts('contract checker', () => {
  const checker = loadContractChecker() as ContractChecker;

  it('accepts valid request bodies and names what is wrong with invalid ones', () => {
    expect(
      checker.checkRequest('cloudflare', {
        method: 'POST',
        path: tokens,
        body: { name: 'ci', duration: '8760h' }
      })
    ).toEqual([]);
    expect(
      checker.checkRequest('cloudflare', { method: 'POST', path: tokens, body: { duration: 5 } })
    ).toEqual([
      `POST ${tokens}: request body must have required property 'name'`,
      `POST ${tokens}: request body /duration must be string`
    ]);
    const put = { method: 'PUT', path: '/repos/o/r/actions/secrets/X' };
    expect(
      checker.checkRequest('github', { ...put, body: { encrypted_value: 'c2VhbGVk', key_id: '1' } })
    ).toEqual([]);
    expect(
      checker.checkRequest('github', { ...put, body: { encrypted_value: 'not base64!', key_id: '1' } })
    ).toEqual([expect.stringContaining('/encrypted_value must match pattern')]);
    expect(checker.checkRequest('github', put)).toEqual([
      'PUT /repos/o/r/actions/secrets/X: request body is required'
    ]);
  });

  it('checks path and query parameters, coercing query strings to their declared types', () => {
    const list = { method: 'GET', path: '/repos/o/r/actions/secrets' };
    expect(checker.checkRequest('github', { ...list, query: { per_page: '100', page: '2' } })).toEqual([]);
    expect(checker.checkRequest('github', { ...list, query: { page: 'two' } })).toEqual([
      'GET /repos/o/r/actions/secrets: query parameter /page must be integer'
    ]);
    const tooLong = `/accounts/${'a'.repeat(33)}/access/service_tokens`;
    expect(checker.checkRequest('cloudflare', { method: 'GET', path: tooLong })).toEqual([
      `GET ${tooLong}: path parameter /account_id must NOT have more than 32 characters`
    ]);
  });

  it('reports operations the contract does not have', () => {
    expect(checker.checkRequest('github', { method: 'GET', path: '/orgs/o/no/such/thing' })).toEqual([
      'no contract for GET /orgs/o/no/such/thing'
    ]);
    expect(
      checker.checkResponse('cloudflare', {
        method: 'POST',
        path: `/zones/z/access/service_tokens/x/rotate`,
        status: 200,
        body: {}
      })
    ).toEqual(['no contract for POST /zones/z/access/service_tokens/x/rotate']);
  });

  it('validates response bodies by exact status, then 4XX-style ranges', () => {
    const get = { method: 'GET', path: `${tokens}/${token.id}` };
    expect(checker.checkResponse('cloudflare', { ...get, status: 200, body: envelope(token) })).toEqual([]);
    expect(
      checker.checkResponse('cloudflare', {
        ...get,
        status: 200,
        body: envelope({ ...token, created_at: 'yesterday' })
      })
    ).toEqual([expect.stringContaining('/result/created_at must match format "date-time"')]);
    expect(checker.checkResponse('cloudflare', { ...get, status: 404, body: failure })).toEqual([]);
    expect(
      checker.checkResponse('cloudflare', {
        ...get,
        status: 404,
        body: { ...failure, errors: [{ code: 5, message: 'x' }] }
      })
    ).toEqual([expect.stringContaining('/errors/0/code must be >= 1000')]);
  });

  it('honours nullable: null where allowed, and only there', () => {
    const get = { method: 'GET', path: `${tokens}/${token.id}`, status: 403 };
    expect(checker.checkResponse('cloudflare', { ...get, body: { ...failure, result: {} } })).toEqual([
      expect.stringContaining('/result must be equal to one of the allowed values')
    ]);
    const repo = { method: 'GET', path: '/orgs/o/actions/secrets/S/repositories', status: 200 };
    const owner = {
      login: 'o',
      id: 1,
      node_id: 'n',
      avatar_url: 'https://a/b',
      gravatar_id: null,
      url: 'https://a',
      html_url: 'https://a'
    };
    const urls = Object.fromEntries(
      [
        'followers',
        'following',
        'gists',
        'starred',
        'subscriptions',
        'organizations',
        'repos',
        'events',
        'received_events'
      ].map((name) => [`${name}_url`, `https://a/${name}`])
    );
    const minimal = (description: unknown) => ({
      total_count: 1,
      repositories: [
        {
          id: 1,
          node_id: 'n',
          name: 'r',
          full_name: 'o/r',
          owner: { ...owner, ...urls, type: 'Organization', site_admin: false },
          private: true,
          fork: false,
          description,
          ...Object.fromEntries(
            [
              'archive',
              'assignees',
              'blobs',
              'branches',
              'collaborators',
              'comments',
              'commits',
              'compare',
              'contents',
              'contributors',
              'deployments',
              'downloads',
              'events',
              'forks',
              'git_commits',
              'git_refs',
              'git_tags',
              'hooks',
              'html',
              'issue_comment',
              'issue_events',
              'issues',
              'keys',
              'labels',
              'languages',
              'merges',
              'milestones',
              'notifications',
              'pulls',
              'releases',
              'stargazers',
              'statuses',
              'subscribers',
              'subscription',
              'tags',
              'teams',
              'trees'
            ].map((name) => [`${name}_url`, `https://a/${name}`])
          ),
          url: 'https://a/r'
        }
      ]
    });
    expect(checker.checkResponse('github', { ...repo, body: minimal(null) })).toEqual([]);
    expect(checker.checkResponse('github', { ...repo, body: minimal(7) })).toEqual([
      expect.stringContaining('/repositories/0/description must be string,null')
    ]);
  });

  it('prefers literal path segments over parameters', () => {
    const verify = { method: 'GET', path: '/user/tokens/verify', status: 200 };
    expect(
      checker.checkResponse('cloudflare', {
        ...verify,
        body: envelope({ id: 'a'.repeat(32), status: 'active' })
      })
    ).toEqual([]);
    expect(
      checker.checkResponse('cloudflare', {
        ...verify,
        body: envelope({ id: 'a'.repeat(32), status: 'fine' })
      })
    ).toEqual([expect.stringContaining('/result/status must be equal to one of the allowed values')]);
    const key = { method: 'GET', path: '/repos/o/r/actions/secrets/public-key', status: 200 };
    expect(checker.checkResponse('github', { ...key, body: { key_id: '1', key: 'a2V5' } })).toEqual([]);
    expect(checker.checkResponse('github', { ...key, body: { name: 'PUBLIC_KEY' } })).toHaveLength(2);
  });

  it('knows bodiless responses and undocumented statuses', () => {
    const put = { method: 'PUT', path: '/repos/o/r/actions/secrets/X' };
    expect(checker.checkResponse('github', { ...put, status: 204, body: undefined })).toEqual([]);
    expect(checker.checkResponse('github', { ...put, status: 201, body: {} })).toEqual([]);
    expect(checker.checkResponse('github', { ...put, status: 201, body: { extra: 1 } })).toHaveLength(1);
    expect(checker.checkResponse('github', { ...put, status: 204, body: { created: true } })).toEqual([
      'PUT /repos/o/r/actions/secrets/X → 204: expected no response body'
    ]);
    // GitHub's description leaves most errors out; an undocumented error is allowed, an undocumented success is not.
    expect(checker.checkResponse('github', { ...put, status: 422, body: { message: 'x' } })).toEqual([]);
    expect(checker.checkResponse('github', { ...put, status: 200, body: {} })).toEqual([
      'PUT /repos/o/r/actions/secrets/X → 200: status 200 is not documented for this operation'
    ]);
  });
});

describe('loading the contracts', () => {
  it('prints one notice and returns undefined when the folder is missing', () => {
    const notices: string[] = [];
    expect(
      loadContractChecker({ dir: '/nonexistent/contracts', notice: (m) => notices.push(m) })
    ).toBeUndefined();
    expect(notices).toEqual([SKIPPED_NOTICE]);
    expect(SKIPPED_NOTICE).toBe('contract checks skipped: ../shared/contracts not found');
  });
});

describe('OpenAPI → JSON Schema conversion', () => {
  it('turns nullable into a null type, leaves properties called "nullable" alone, and drops annotations', () => {
    expect(
      toJsonSchema({
        type: 'object',
        example: { a: 1 },
        'x-audit': true,
        properties: {
          nullable: { type: 'string', nullable: true },
          kind: { type: 'string', enum: ['a'], nullable: true }
        }
      })
    ).toEqual({
      type: 'object',
      properties: {
        nullable: { type: ['string', 'null'] },
        kind: { type: ['string', 'null'], enum: ['a', null] }
      }
    });
    expect(toJsonSchema({ nullable: true, allOf: [{ type: 'string' }] })).toEqual({
      anyOf: [{ type: 'null' }, { allOf: [{ type: 'string' }] }]
    });
    expect(toJsonSchema({ type: 'number', minimum: 1, exclusiveMinimum: true })).toEqual({
      type: 'number',
      exclusiveMinimum: 1
    });
  });

  it('matches templates on encoded segments and decodes the parameters', () => {
    const template = compileTemplate('/repos/{owner}/{repo}/environments/{environment_name}');
    expect(matchTemplate(template, '/repos/o/r/environments/staging%20eu%2F1')).toEqual({
      owner: 'o',
      repo: 'r',
      environment_name: 'staging eu/1'
    });
    expect(matchTemplate(template, '/repos/o/r/environments/a/b')).toBeUndefined();
    expect(matchTemplate(template, '/repos/o/r/environments/%E0%A4%A')).toBeUndefined();
  });
});
