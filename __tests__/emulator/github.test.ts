import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startEmulator } from '../../emulator/server.ts';
import type { Emulator } from '../../emulator/server.ts';
import { github, sealFor, testFixture } from './support.ts';

let emu: Emulator;
let gh: ReturnType<typeof github>;

beforeEach(async () => {
  emu = await startEmulator({ fixture: testFixture(), contractCheck: true });
  gh = github(emu);
});

afterEach(async () => {
  const violations = emu.contractViolations();
  await emu.close();
  expect(violations).toEqual([]);
});

const repoSecrets = '/repos/octo-org/web/actions/secrets';

describe('repository secrets', () => {
  it('serves a real public key, opens the sealed value, answers 201 then 204', async () => {
    const key = await gh('GET', `${repoSecrets}/public-key`);
    expect(key.status).toBe(200);
    expect(key.body['key_id']).toMatch(/^\d{18}$/);
    expect(Buffer.from(key.body['key'] as string, 'base64')).toHaveLength(32);

    const first = await gh(
      'PUT',
      `${repoSecrets}/CF_SECRET`,
      await sealFor(gh, `${repoSecrets}/public-key`, 's3cret-1')
    );
    expect(first.status).toBe(201);
    expect(first.body).toEqual({});
    expect(
      emu.github.secretPlaintext({ kind: 'repo', owner: 'octo-org', repo: 'web', name: 'CF_SECRET' })
    ).toBe('s3cret-1');

    emu.clock.advance(60_000);
    const second = await gh(
      'PUT',
      `${repoSecrets}/CF_SECRET`,
      await sealFor(gh, `${repoSecrets}/public-key`, 's3cret-2')
    );
    expect(second.status).toBe(204);
    expect(second.body).toBeUndefined();
    expect(
      emu.github.secret({ kind: 'repo', owner: 'octo-org', repo: 'web', name: 'cf_secret' })
    ).toMatchObject({
      plaintext: 's3cret-2',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:01:00Z'
    });

    const meta = await gh('GET', `${repoSecrets}/CF_SECRET`);
    expect(meta.body).toEqual({
      name: 'CF_SECRET',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:01:00Z'
    });
  });

  it('refuses a stale key_id and a value that does not open with 422', async () => {
    const sealed = await sealFor(gh, `${repoSecrets}/public-key`, 'v');
    const wrongKey = await gh('PUT', `${repoSecrets}/X`, { ...sealed, key_id: '123' });
    expect(wrongKey.status).toBe(422);
    expect(wrongKey.body['message']).toContain('key_id');

    const garbage = await gh('PUT', `${repoSecrets}/X`, {
      ...sealed,
      encrypted_value: Buffer.from('nope').toString('base64')
    });
    expect(garbage.status).toBe(422);

    emu.github.rotatePublicKey({ kind: 'repo', owner: 'octo-org', repo: 'web' });
    expect((await gh('PUT', `${repoSecrets}/X`, sealed)).status).toBe(422);
    expect(
      emu.github.secretPlaintext({ kind: 'repo', owner: 'octo-org', repo: 'web', name: 'X' })
    ).toBeUndefined();
  });

  it('lists secrets with total_count, per_page/page and a Link header; names are upper-cased', async () => {
    for (const name of ['b_one', 'A_TWO', 'c_three']) {
      expect(
        (await gh('PUT', `${repoSecrets}/${name}`, await sealFor(gh, `${repoSecrets}/public-key`, name)))
          .status
      ).toBe(201);
    }
    const page = await gh<{ total_count: number; secrets: Array<{ name: string }> }>(
      'GET',
      `${repoSecrets}?per_page=2&page=1`
    );
    expect(page.body.total_count).toBe(3);
    expect(page.body.secrets.map((s) => s.name)).toEqual(['A_TWO', 'B_ONE']);
    expect(page.headers.get('link')).toContain('page=2>; rel="next"');
    const last = await gh('GET', `${repoSecrets}?per_page=2&page=2`);
    expect(last.body['secrets']).toHaveLength(1);
    expect(last.headers.get('link')).toContain('rel="prev"');
  });

  it('seeds secrets with chosen timestamps to model stale targets', async () => {
    emu.github.seedSecret({
      kind: 'repo',
      owner: 'octo-org',
      repo: 'web',
      name: 'OLD',
      value: 'v0',
      updatedAt: '2025-03-01T00:00:00Z'
    });
    const { body } = await gh('GET', `${repoSecrets}/OLD`);
    expect(body['updated_at']).toBe('2025-03-01T00:00:00Z');
    expect(() =>
      emu.github.seedSecret({ kind: 'repo', owner: 'octo-org', repo: 'nope', name: 'X', value: 'v' })
    ).toThrow(/unknown repository/);
  });

  it('deletes secrets and 404s the missing ones', async () => {
    emu.github.seedSecret({ kind: 'repo', owner: 'octo-org', repo: 'web', name: 'GONE', value: 'v' });
    expect((await gh('DELETE', `${repoSecrets}/GONE`)).status).toBe(204);
    const missing = await gh('GET', `${repoSecrets}/GONE`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      message: 'Not Found',
      documentation_url: expect.stringContaining('docs.github.com')
    });
  });

  it('rejects names GitHub does not allow', async () => {
    const sealed = await sealFor(gh, `${repoSecrets}/public-key`, 'v');
    expect((await gh('PUT', `${repoSecrets}/GITHUB_TOKEN`, sealed)).status).toBe(422);
    expect((await gh('PUT', `${repoSecrets}/1ABC`, sealed)).status).toBe(422);
  });
});

describe('authentication and visibility', () => {
  it('401s a missing or unknown token', async () => {
    const none = await github(emu, null)('GET', `${repoSecrets}/public-key`);
    expect(none.status).toBe(401);
    expect(none.body['message']).toBe('Requires authentication');
    const bad = await github(emu, 'nope')('GET', `${repoSecrets}/public-key`);
    expect(bad.status).toBe(401);
    expect(bad.body['message']).toBe('Bad credentials');
  });

  it('403s writes with a read-only token, which can still read', async () => {
    const read = github(emu, 'gh-read');
    const sealed = await sealFor(read, `${repoSecrets}/public-key`, 'v');
    const { status, body } = await read('PUT', `${repoSecrets}/X`, sealed);
    expect(status).toBe(403);
    expect(body['message']).toBe('Resource not accessible by integration');
    expect(
      (await read('POST', '/repos/octo-org/web/actions/variables', { name: 'V', value: '1' })).status
    ).toBe(403);
  });

  it('hides repositories a token was not granted, and refuses writes to archived ones', async () => {
    const limited = github(emu, 'gh-web-only');
    expect((await limited('GET', '/repos/octo-org/web')).status).toBe(200);
    expect((await limited('GET', '/repos/octo-org/api')).status).toBe(404);
    expect((await limited('GET', '/orgs/octo-org/actions/secrets/public-key')).status).toBe(404);

    const sealed = await sealFor(gh, '/repos/octo-org/old-site/actions/secrets/public-key', 'v');
    const archived = await gh('PUT', '/repos/octo-org/old-site/actions/secrets/X', sealed);
    expect(archived.status).toBe(403);
    expect(archived.body['message']).toContain('archived');
  });

  it('404s unknown repositories, environments and organizations', async () => {
    for (const path of [
      '/repos/octo-org/nope',
      '/repos/octo-org/web/environments/nope',
      '/repos/octo-org/web/environments/nope/secrets/public-key',
      '/orgs/nope/actions/secrets/public-key',
      '/orgs/someone/actions/secrets/public-key'
    ]) {
      const { status, body } = await gh('GET', path);
      expect([path, status, body['message']]).toEqual([path, 404, 'Not Found']);
    }
  });
});

describe('repositories and environments', () => {
  it('describes a repository in full', async () => {
    const { status, body } = await gh('GET', '/repos/octo-org/web');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 101,
      name: 'web',
      full_name: 'octo-org/web',
      archived: false,
      visibility: 'private',
      owner: { login: 'octo-org', type: 'Organization' },
      permissions: { push: true }
    });
  });

  it('decodes environment names with spaces and other characters, case-insensitively', async () => {
    for (const name of ['staging eu', 'pre-prod #2']) {
      const base = `/repos/octo-org/web/environments/${encodeURIComponent(name)}`;
      const env = await gh('GET', base);
      expect(env.status).toBe(200);
      expect(env.body['name']).toBe(name);
      const put = await gh(
        'PUT',
        `${base}/secrets/CF_SECRET`,
        await sealFor(gh, `${base}/secrets/public-key`, `for ${name}`)
      );
      expect(put.status).toBe(201);
      expect(
        emu.github.secretPlaintext({
          kind: 'environment',
          owner: 'octo-org',
          repo: 'web',
          environment: name,
          name: 'CF_SECRET'
        })
      ).toBe(`for ${name}`);
    }
    const upper = await gh('GET', `/repos/octo-org/web/environments/${encodeURIComponent('STAGING EU')}`);
    expect(upper.body['name']).toBe('staging eu');
  });

  it('gives each scope its own key pair', async () => {
    const keys = await Promise.all(
      [
        `${repoSecrets}/public-key`,
        '/repos/octo-org/web/environments/production/secrets/public-key',
        '/orgs/octo-org/actions/secrets/public-key',
        '/repos/octo-org/web/dependabot/secrets/public-key',
        '/orgs/octo-org/dependabot/secrets/public-key'
      ].map(async (path) => (await gh('GET', path)).body['key'] as string)
    );
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('organization and Dependabot secrets', () => {
  const orgSecrets = '/orgs/octo-org/actions/secrets';

  it('keeps visibility and selected repositories, with a paginated repositories list', async () => {
    const sealed = await sealFor(gh, `${orgSecrets}/public-key`, 'org-value');
    const put = await gh('PUT', `${orgSecrets}/SHARED`, {
      ...sealed,
      visibility: 'selected',
      selected_repository_ids: [101, 102]
    });
    expect(put.status).toBe(201);
    expect(emu.github.secret({ kind: 'org', org: 'octo-org', name: 'SHARED' })).toMatchObject({
      plaintext: 'org-value',
      visibility: 'selected',
      selectedRepositoryIds: [101, 102]
    });

    const meta = await gh('GET', `${orgSecrets}/SHARED`);
    expect(meta.body).toMatchObject({
      visibility: 'selected',
      selected_repositories_url: `${emu.githubApiUrl}${orgSecrets}/SHARED/repositories`
    });

    type Repositories = { total_count: number; repositories: Array<{ id: number; name: string }> };
    const first = await gh<Repositories>('GET', `${orgSecrets}/SHARED/repositories?per_page=1`);
    expect(first.body.total_count).toBe(2);
    expect(first.body.repositories.map((r) => r.name)).toEqual(['web']);
    expect(first.headers.get('link')).toContain('rel="next"');

    expect((await gh('PUT', `${orgSecrets}/SHARED/repositories/103`)).status).toBe(204);
    expect((await gh('DELETE', `${orgSecrets}/SHARED/repositories/101`)).status).toBe(204);
    const after = await gh<Repositories>('GET', `${orgSecrets}/SHARED/repositories`);
    expect(after.body.repositories.map((r) => r.id)).toEqual([102, 103]);

    expect(
      (await gh('PUT', `${orgSecrets}/SHARED/repositories`, { selected_repository_ids: [104] })).status
    ).toBe(204);
    expect(
      emu.github.secret({ kind: 'org', org: 'octo-org', name: 'SHARED' })?.selectedRepositoryIds
    ).toEqual([104]);
  });

  it('requires visibility, refuses repositories outside the org, and 409s repository edits unless selected', async () => {
    const sealed = await sealFor(gh, `${orgSecrets}/public-key`, 'v');
    expect((await gh('PUT', `${orgSecrets}/ALL`, sealed)).status).toBe(422);
    emu.resetContractViolations(); // the request without visibility is itself off-contract, on purpose
    const outsider = await gh('PUT', `${orgSecrets}/ALL`, {
      ...sealed,
      visibility: 'selected',
      selected_repository_ids: [201]
    });
    expect(outsider.status).toBe(422);
    expect((await gh('PUT', `${orgSecrets}/ALL`, { ...sealed, visibility: 'all' })).status).toBe(201);
    expect((await gh('PUT', `${orgSecrets}/ALL/repositories/101`)).status).toBe(409);
    const listed = await gh('GET', orgSecrets);
    expect(listed.body).toMatchObject({ total_count: 1, secrets: [{ name: 'ALL', visibility: 'all' }] });
  });

  it('writes Dependabot secrets at repository and organization scope', async () => {
    const repoPath = '/repos/octo-org/web/dependabot/secrets';
    const repoPut = await gh(
      'PUT',
      `${repoPath}/DEP`,
      await sealFor(gh, `${repoPath}/public-key`, 'dep-repo')
    );
    expect(repoPut.status).toBe(201);
    expect(
      emu.github.secretPlaintext({ kind: 'dependabot-repo', owner: 'octo-org', repo: 'web', name: 'DEP' })
    ).toBe('dep-repo');

    const orgPath = '/orgs/octo-org/dependabot/secrets';
    const sealed = await sealFor(gh, `${orgPath}/public-key`, 'dep-org');
    const orgPut = await gh('PUT', `${orgPath}/DEP`, {
      ...sealed,
      visibility: 'selected',
      selected_repository_ids: ['101']
    });
    expect(orgPut.status).toBe(201);
    expect(emu.github.secret({ kind: 'dependabot-org', org: 'octo-org', name: 'DEP' })).toMatchObject({
      plaintext: 'dep-org',
      selectedRepositoryIds: [101]
    });
    // An Actions secret of the same name is a different secret.
    expect(
      emu.github.secretPlaintext({ kind: 'repo', owner: 'octo-org', repo: 'web', name: 'DEP' })
    ).toBeUndefined();
  });
});

describe('variables', () => {
  it('creates (201, then 409), updates (204), reads, lists and deletes repository variables', async () => {
    const base = '/repos/octo-org/web/actions/variables';
    expect((await gh('POST', base, { name: 'cf_client_id', value: 'abc.access' })).status).toBe(201);
    const again = await gh('POST', base, { name: 'CF_CLIENT_ID', value: 'x' });
    expect(again.status).toBe(409);

    emu.clock.advance(1000);
    expect((await gh('PATCH', `${base}/CF_CLIENT_ID`, { value: 'def.access' })).status).toBe(204);
    const read = await gh('GET', `${base}/CF_CLIENT_ID`);
    expect(read.body).toEqual({
      name: 'CF_CLIENT_ID',
      value: 'def.access',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:01Z'
    });
    const list = await gh('GET', base);
    expect(list.body).toMatchObject({ total_count: 1, variables: [{ name: 'CF_CLIENT_ID' }] });

    expect((await gh('PATCH', `${base}/MISSING`, { value: 'x' })).status).toBe(404);
    expect((await gh('DELETE', `${base}/CF_CLIENT_ID`)).status).toBe(204);
    expect((await gh('GET', `${base}/CF_CLIENT_ID`)).status).toBe(404);
  });

  it('keeps environment variables per environment', async () => {
    const base = `/repos/octo-org/web/environments/${encodeURIComponent('staging eu')}/variables`;
    expect((await gh('POST', base, { name: 'REGION', value: 'eu' })).status).toBe(201);
    expect(
      emu.github.variable({
        kind: 'environment',
        owner: 'octo-org',
        repo: 'web',
        environment: 'staging eu',
        name: 'REGION'
      })?.value
    ).toBe('eu');
    expect((await gh('GET', '/repos/octo-org/web/environments/production/variables/REGION')).status).toBe(
      404
    );
  });

  it('offers organization variables (outside the contract subset) with visibility', async () => {
    const base = '/orgs/octo-org/actions/variables';
    expect(
      (
        await gh('POST', base, {
          name: 'ORG_VAR',
          value: '1',
          visibility: 'selected',
          selected_repository_ids: [102]
        })
      ).status
    ).toBe(201);
    const read = await gh('GET', `${base}/ORG_VAR`);
    expect(read.body).toMatchObject({ name: 'ORG_VAR', value: '1', visibility: 'selected' });
    expect((await gh('PATCH', `${base}/ORG_VAR`, { value: '2', visibility: 'all' })).status).toBe(204);
    expect(emu.github.variable({ kind: 'org', org: 'octo-org', name: 'ORG_VAR' })).toMatchObject({
      value: '2',
      visibility: 'all'
    });
    expect(
      emu.contractViolations().every((v) => v.messages.some((m) => m.startsWith('no contract for')))
    ).toBe(true);
    emu.resetContractViolations();
  });
});

describe('rate limits', () => {
  it('sends rate-limit headers that count down, and GET /rate_limit', async () => {
    const first = await gh('GET', '/repos/octo-org/web');
    const second = await gh('GET', '/repos/octo-org/web');
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    expect(
      Number(first.headers.get('x-ratelimit-remaining')) - Number(second.headers.get('x-ratelimit-remaining'))
    ).toBe(1);
    expect(Number(second.headers.get('x-ratelimit-used'))).toBe(2);
    // Reported on the real clock (the emulator's is frozen at START): about an hour from now.
    const resetIn = Number(second.headers.get('x-ratelimit-reset')) - Date.now() / 1000;
    expect(resetIn).toBeGreaterThan(3590);
    expect(resetIn).toBeLessThanOrEqual(3601);
    const overview = await gh<{ resources: { core: unknown } }>('GET', '/rate_limit');
    expect(overview.body.resources.core).toMatchObject({ limit: 5000, remaining: 4998, used: 2 });
  });

  it('answers 403 with remaining 0 once the primary limit is used up, until the window resets', async () => {
    await emu.close();
    emu = await startEmulator({
      fixture: {
        ...testFixture(),
        github: { ...testFixture().github, rateLimit: { limit: 10, remaining: 2 } }
      },
      contractCheck: true
    });
    gh = github(emu);
    expect((await gh('GET', '/repos/octo-org/web')).status).toBe(200);
    expect((await gh('GET', '/repos/octo-org/web')).status).toBe(200);
    const limited = await gh('GET', '/repos/octo-org/web');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.body['message']).toContain('rate limit exceeded');
    emu.clock.advance(3600 * 1000);
    const reset = await gh('GET', '/repos/octo-org/web');
    expect(reset.status).toBe(200);
    expect(reset.headers.get('x-ratelimit-remaining')).toBe('9');
  });
});
