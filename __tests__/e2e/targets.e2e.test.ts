// dist/index.js against the emulator, target by target: every kind of the `targets` input on its own and mixed,
// organization access kept on rotation, the client id as a variable, failures of one target among many.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { RequestRecord } from '../../emulator/request-log.ts';
import type { Emulator } from '../../emulator/server.ts';
import type { DistRun } from '../../scripts/run-dist.ts';
import {
  DAY,
  PRODUCTION,
  WEB,
  accepted,
  emulator,
  mutations,
  recordRef,
  seedRecord,
  run,
  secretAt,
  type SecretPlace
} from './harness.ts';

const ORG = 'octo-org';
const MANY = 200;
/** svc-001 … svc-200: enough repositories for a 200-target run and for lists that span pages. */
const manyNames = Array.from({ length: MANY }, (_, index) => `svc-${String(index + 1).padStart(3, '0')}`);

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator({
    repositories: [
      { owner: ORG, name: 'web', environments: ['production', 'staging eu'] },
      { owner: ORG, name: 'api' },
      { owner: ORG, name: 'old-site', archived: true },
      ...manyNames.map((name) => ({ owner: ORG, name }))
    ]
  });
});
afterEach(async () => {
  const violations = emu.contractViolations();
  await emu.close();
  expect(violations).toEqual([]);
});

const API: SecretPlace = { kind: 'repo', owner: ORG, repo: 'api' };
const ORG_SECRETS: SecretPlace = { kind: 'org', org: ORG };
const DEPENDABOT_API: SecretPlace = { kind: 'dependabot-repo', owner: ORG, repo: 'api' };
const DEPENDABOT_ORG: SecretPlace = { kind: 'dependabot-org', org: ORG };
const repoPlace = (repo: string): SecretPlace => ({ kind: 'repo', owner: ORG, repo });

const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
const id = (repo: string): number => emu.github.repositoryId(ORG, repo) as number;

interface TargetEntry {
  target: string;
  secret: string;
  status: string;
}
const entries = (result: DistRun): TargetEntry[] =>
  JSON.parse(result.outputs.targets ?? '[]') as TargetEntry[];
const errorLines = (result: DistRun): string[] =>
  result.stdout.split('\n').filter((line) => line.startsWith('::error::'));

/** Every successful or failed write to GitHub, in arrival order. */
function githubWrites(): RequestRecord[] {
  return emu
    .requests()
    .filter(
      (request) => request.api === 'github' && ['PUT', 'POST', 'PATCH', 'DELETE'].includes(request.method)
    )
    .sort((a, b) => a.startedAt - b.startedAt);
}

/** Pairs of writes where the second started before the first had been answered. */
function overlappingWrites(writes: readonly RequestRecord[]): string[] {
  return writes.slice(1).flatMap((write, index) => {
    const previous = writes[index] as RequestRecord;
    return previous.endedAt !== undefined && write.startedAt >= previous.endedAt
      ? []
      : [`${previous.method} ${previous.path} / ${write.method} ${write.path}`];
  });
}

/** Records the bodies of the GitHub requests that match, as the emulator received them. */
function captureBodies(method: string, path: RegExp): Array<{ path: string; body: Record<string, unknown> }> {
  const captured: Array<{ path: string; body: Record<string, unknown> }> = [];
  const handle = emu.github.handle.bind(emu.github);
  emu.github.handle = (req) => {
    if (req.method === method && path.test(req.path))
      captured.push({ path: req.path, body: req.body as Record<string, unknown> });
    return handle(req);
  };
  return captured;
}

/** Seeds the token 'svc' whose last rotation was 5 days ago, so that targets without its secret are stale. */
function seedToken(): ReturnType<Emulator['cloudflare']['seedToken']> {
  return emu.cloudflare.seedToken({ name: 'svc', updatedAt: iso(-5 * DAY), createdAt: iso(-100 * DAY) });
}

describe('each target kind on its own', () => {
  it('writes a repository', async () => {
    const result = await run(emu, { targets: 'octo-org/api' });
    expect(result.exitCode).toBe(0);
    expect(accepted(emu, API)).toBe(true);
    expect(entries(result)).toEqual([
      { target: 'octo-org/api', secret: 'CF_ACCESS_CLIENT_ID', status: 'created' },
      { target: 'octo-org/api', secret: 'CF_ACCESS_CLIENT_SECRET', status: 'created' }
    ]);
  });

  it('writes an environment', async () => {
    const result = await run(emu, { targets: 'octo-org/web@production' });
    expect(result.exitCode).toBe(0);
    expect(accepted(emu, PRODUCTION)).toBe(true);
    expect(secretAt(emu, WEB)).toBeUndefined();
  });

  it('writes an organization secret, private by default', async () => {
    const result = await run(emu, { targets: 'org:octo-org' });
    expect(result.exitCode).toBe(0);
    expect(accepted(emu, ORG_SECRETS)).toBe(true);
    for (const name of ['CF_ACCESS_CLIENT_ID', 'CF_ACCESS_CLIENT_SECRET']) {
      expect(emu.github.secret({ ...ORG_SECRETS, name })).toMatchObject({
        visibility: 'private',
        selectedRepositoryIds: []
      });
    }
  });

  it('writes an organization secret with visibility=all', async () => {
    const result = await run(emu, { targets: 'org:octo-org visibility=all' });
    expect(result.exitCode).toBe(0);
    expect(accepted(emu, ORG_SECRETS)).toBe(true);
    expect(emu.github.secret({ ...ORG_SECRETS, name: 'CF_ACCESS_CLIENT_SECRET' })?.visibility).toBe('all');
  });

  it('writes an organization secret shared with selected repositories, names resolved to ids', async () => {
    const result = await run(emu, { targets: 'org:octo-org visibility=selected repos=web,svc-007' });
    expect(result.exitCode).toBe(0);
    expect(accepted(emu, ORG_SECRETS)).toBe(true);
    for (const name of ['CF_ACCESS_CLIENT_ID', 'CF_ACCESS_CLIENT_SECRET']) {
      expect(emu.github.secret({ ...ORG_SECRETS, name })).toMatchObject({
        visibility: 'selected',
        selectedRepositoryIds: [id('web'), id('svc-007')]
      });
    }
  });

  it('writes a repository Dependabot secret', async () => {
    const result = await run(emu, { targets: 'dependabot:octo-org/api' });
    expect(result.exitCode).toBe(0);
    expect(accepted(emu, DEPENDABOT_API)).toBe(true);
    expect(secretAt(emu, API)).toBeUndefined();
  });

  it('writes an organization Dependabot secret', async () => {
    const result = await run(emu, { targets: 'dependabot:org:octo-org' });
    expect(result.exitCode).toBe(0);
    expect(accepted(emu, DEPENDABOT_ORG)).toBe(true);
    expect(emu.github.secret({ ...DEPENDABOT_ORG, name: 'CF_ACCESS_CLIENT_SECRET' })?.visibility).toBe(
      'private'
    );
  });
});

describe('many targets', () => {
  it('writes a mixed list of every kind in one run, and a second run changes nothing', async () => {
    const targets = [
      'octo-org/web',
      'octo-org/web@production',
      'octo-org/web@staging eu',
      'org:octo-org visibility=all',
      'dependabot:octo-org/api',
      'dependabot:org:octo-org visibility=selected repos=api,svc-001'
    ].join('\n');
    const result = await run(emu, { targets });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('created');
    const places: SecretPlace[] = [
      WEB,
      PRODUCTION,
      { kind: 'environment', owner: ORG, repo: 'web', environment: 'staging eu' },
      ORG_SECRETS,
      DEPENDABOT_API,
      DEPENDABOT_ORG
    ];
    for (const place of places) expect([place.kind, accepted(emu, place)]).toEqual([place.kind, true]);
    expect(emu.github.secret({ ...DEPENDABOT_ORG, name: 'CF_ACCESS_CLIENT_SECRET' })).toMatchObject({
      visibility: 'selected',
      selectedRepositoryIds: [id('api'), id('svc-001')]
    });
    expect(entries(result).map((entry) => entry.status)).toEqual(Array(12).fill('created'));

    emu.resetRequests();
    const again = await run(emu, { targets });
    expect(again.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it('keeps the visibility and every selected repository of organization secrets when the line sets none', async () => {
    const token = seedToken();
    // An earlier run rotated it 5 days ago; the client ids date from after its creation.
    seedRecord(
      emu,
      { id: token.id },
      { issuedAt: iso(-5 * DAY), clientIdSince: iso(-100 * DAY) },
      { org: ORG }
    );
    // 150 repositories: the lists of selected repositories span two pages of 100.
    const selected = manyNames.slice(0, 150).map(id);
    for (const place of [ORG_SECRETS, DEPENDABOT_ORG]) {
      for (const [name, value] of [
        ['CF_ACCESS_CLIENT_ID', token.clientId],
        ['CF_ACCESS_CLIENT_SECRET', token.clientSecret]
      ] as const) {
        emu.github.seedSecret({
          ...place,
          name,
          value,
          updatedAt: iso(-30 * DAY),
          visibility: 'selected',
          selectedRepositoryIds: selected
        });
      }
    }
    const puts = captureBodies('PUT', /^\/orgs\/octo-org\/(actions|dependabot)\/secrets\/[^/]+$/);
    const result = await run(emu, { targets: 'org:octo-org\ndependabot:org:octo-org' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('rotated');
    for (const place of [ORG_SECRETS, DEPENDABOT_ORG]) {
      expect(accepted(emu, place)).toBe(true);
      for (const name of ['CF_ACCESS_CLIENT_ID', 'CF_ACCESS_CLIENT_SECRET']) {
        const secret = emu.github.secret({ ...place, name });
        expect(secret?.visibility).toBe('selected');
        expect([...(secret?.selectedRepositoryIds ?? [])].sort()).toEqual([...selected].sort());
      }
    }
    // Each write sent the whole list again (GitHub would otherwise keep or drop it at will). The client ids
    // are current (the record's client_id_since): only the write check rewrites one per kind.
    const sorted = [...selected].sort();
    expect(
      puts.map(({ path, body }) => [
        path,
        body['visibility'],
        (body['selected_repository_ids'] as unknown[]).map(Number).sort()
      ])
    ).toEqual([
      // The write check: one per owner and kind of target (organization and Dependabot secrets differ).
      ['/orgs/octo-org/actions/secrets/CF_ACCESS_CLIENT_ID', 'selected', sorted],
      ['/orgs/octo-org/dependabot/secrets/CF_ACCESS_CLIENT_ID', 'selected', sorted],
      ['/orgs/octo-org/actions/secrets/CF_ACCESS_CLIENT_SECRET', 'selected', sorted],
      ['/orgs/octo-org/dependabot/secrets/CF_ACCESS_CLIENT_SECRET', 'selected', sorted]
    ]);
    // Both pages of the list were read.
    const pages = emu
      .requests()
      .filter(
        (request) => request.path === '/orgs/octo-org/actions/secrets/CF_ACCESS_CLIENT_SECRET/repositories'
      );
    expect(pages.map((request) => request.query['page'] ?? '1')).toEqual(['1', '2']);
  });

  it('keeps the client id in Actions variables: POST, then PATCH when it changes, never DELETE', async () => {
    const targets = 'octo-org/web\nocto-org/web@production\norg:octo-org\ndependabot:octo-org/api';
    const inputs = { targets, 'client-id-as-variable': 'true' };
    const variables = [
      { kind: 'repo', owner: ORG, repo: 'web' },
      { kind: 'environment', owner: ORG, repo: 'web', environment: 'production' },
      { kind: 'org', org: ORG }
    ] as const;
    // The client id's variables, and the action's own rotation record (CF_ACCESS_CLIENT_SECRET_ROTATION).
    const variableWrites = () =>
      githubWrites()
        .filter((request) => request.path.includes('/variables'))
        .map((request) => `${request.method} ${request.path}`);

    const created = await run(emu, inputs);
    expect(created.exitCode).toBe(0);
    const first = emu.cloudflare.tokens()[0]?.clientId;
    for (const scope of variables) {
      expect(emu.github.variable({ ...scope, name: 'CF_ACCESS_CLIENT_ID' })?.value).toBe(first);
      expect(emu.github.secret({ ...scope, name: 'CF_ACCESS_CLIENT_ID' })).toBeUndefined();
    }
    expect(emu.github.variable({ kind: 'org', org: ORG, name: 'CF_ACCESS_CLIENT_ID' })?.visibility).toBe(
      'private'
    );
    // Dependabot has no variables: the client id stays a secret there.
    expect(accepted(emu, DEPENDABOT_API)).toBe(true);
    expect(variableWrites()).toEqual([
      'POST /repos/octo-org/web/actions/variables', // the record: issuing
      'PATCH /repos/octo-org/web/actions/variables/CF_ACCESS_CLIENT_SECRET_ROTATION', // distributing
      'POST /repos/octo-org/web/actions/variables',
      'POST /repos/octo-org/web/environments/production/variables',
      'POST /orgs/octo-org/actions/variables',
      'PATCH /repos/octo-org/web/actions/variables/CF_ACCESS_CLIENT_SECRET_ROTATION' // complete
    ]);
    expect(entries(created).filter((entry) => entry.secret.startsWith('vars.'))).toHaveLength(3);

    emu.resetRequests();
    const unchanged = await run(emu, inputs);
    expect(unchanged.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);

    // Another token (another client id) for the same targets: the variables are updated in place. The record
    // ties the targets to 'svc', so the takeover starts by deleting it and opting in to the overwrite, as the
    // record's error message says.
    expect(emu.github.deleteVariable(recordRef())).toBe(true);
    emu.resetRequests();
    const replaced = await run(emu, { ...inputs, 'token-name': 'svc-next', 'allow-overwrite': 'true' });
    expect(replaced.exitCode).toBe(0);
    const second = emu.cloudflare.tokens().find((token) => token.name === 'svc-next')?.clientId;
    expect(second).not.toBe(first);
    for (const scope of variables) {
      expect(emu.github.variable({ ...scope, name: 'CF_ACCESS_CLIENT_ID' })?.value).toBe(second);
    }
    expect(emu.github.variable({ kind: 'org', org: ORG, name: 'CF_ACCESS_CLIENT_ID' })?.visibility).toBe(
      'private'
    );
    expect(secretAt(emu, DEPENDABOT_API, 'CF_ACCESS_CLIENT_ID')).toBe(second);
    expect(variableWrites()).toEqual([
      'POST /repos/octo-org/web/actions/variables',
      'PATCH /repos/octo-org/web/actions/variables/CF_ACCESS_CLIENT_SECRET_ROTATION',
      'PATCH /repos/octo-org/web/actions/variables/CF_ACCESS_CLIENT_ID',
      'PATCH /repos/octo-org/web/environments/production/variables/CF_ACCESS_CLIENT_ID',
      'PATCH /orgs/octo-org/actions/variables/CF_ACCESS_CLIENT_ID',
      'PATCH /repos/octo-org/web/actions/variables/CF_ACCESS_CLIENT_SECRET_ROTATION'
    ]);

    emu.resetRequests();
    const again = await run(emu, { ...inputs, 'token-name': 'svc-next' });
    expect(again.outputs.result).toBe('unchanged');
    expect(mutations(emu)).toEqual([]);
  });

  it("keeps an organization variable's access, unless the line sets one", async () => {
    const variable = { kind: 'org', org: ORG, name: 'CF_ACCESS_CLIENT_ID' } as const;
    emu.github.seedVariable({ ...variable, value: 'an-old-client-id', visibility: 'all' });
    // The client id's variable (the rotation record lives beside it, in CF_ACCESS_CLIENT_SECRET_ROTATION).
    const patches = captureBodies('PATCH', /^\/orgs\/octo-org\/actions\/variables\/CF_ACCESS_CLIENT_ID$/);
    const kept = await run(emu, {
      targets: 'org:octo-org',
      'client-id-as-variable': 'true',
      'allow-overwrite': 'true'
    });
    expect(kept.exitCode).toBe(0);
    expect(emu.github.variable(variable)).toMatchObject({
      value: emu.cloudflare.tokens()[0]?.clientId,
      visibility: 'all'
    });
    expect(emu.github.deleteVariable(recordRef({ org: ORG }))).toBe(true);
    const changed = await run(emu, {
      targets: 'org:octo-org visibility=selected repos=web,api',
      'client-id-as-variable': 'true',
      'token-name': 'svc-next',
      'allow-overwrite': 'true'
    });
    expect(changed.exitCode).toBe(0);
    expect(emu.github.variable(variable)).toMatchObject({
      value: emu.cloudflare.tokens().find((token) => token.name === 'svc-next')?.clientId,
      visibility: 'selected',
      selectedRepositoryIds: [id('web'), id('api')]
    });
    expect(patches.map(({ body }) => Object.keys(body).sort())).toEqual([
      ['value'],
      ['selected_repository_ids', 'value', 'visibility']
    ]);
  });

  it('reports an archived repository as failed and fails naming it, after writing the others', async () => {
    const targets = 'octo-org/web\nocto-org/old-site\norg:octo-org';
    const result = await run(emu, { targets });
    expect(result.exitCode).toBe(1);
    expect(entries(result).filter((entry) => entry.target === 'octo-org/old-site')).toEqual([
      { target: 'octo-org/old-site', secret: 'CF_ACCESS_CLIENT_ID', status: 'failed: archived repository' },
      {
        target: 'octo-org/old-site',
        secret: 'CF_ACCESS_CLIENT_SECRET',
        status: 'failed: archived repository'
      }
    ]);
    expect(errorLines(result)).toEqual([
      expect.stringMatching(
        /^::error::1 of 3 target\(s\) did not receive the new secret: octo-org\/old-site \(archived repository\)\. Remove archived repositories from targets\./
      )
    ]);
    expect(accepted(emu, WEB) && accepted(emu, ORG_SECRETS)).toBe(true);
    // Nothing was even tried in the archived repository.
    expect(githubWrites().filter((request) => request.path.includes('/old-site/'))).toEqual([]);
  });

  it('writes 200 targets one at a time; one that fails is named and the previous secret keeps working', async () => {
    const token = seedToken();
    const failing = 'svc-137';
    const failingPath = `/repos/octo-org/${failing}/actions/secrets/CF_ACCESS_CLIENT_SECRET`;
    emu.faults.add({
      api: 'github',
      method: 'PUT',
      path: failingPath,
      times: 'always',
      fault: { status: 404 }
    });
    const started = Date.now();
    const result = await run(emu, { targets: manyNames.map((name) => `octo-org/${name}`).join('\n') });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.result).toBe('failed');
    expect(result.summary).toContain('Reached: rotated, then failed to write 1 of 200 target(s)');

    expect(errorLines(result)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error::1 of ${MANY} target\\(s\\) did not receive the new secret: octo-org/${failing} \\(404 `
        )
      )
    ]);
    const failed = entries(result).filter((entry) => entry.status !== 'created');
    expect(failed).toEqual([
      { target: `octo-org/${failing}`, secret: 'CF_ACCESS_CLIENT_ID', status: 'skipped' },
      {
        target: `octo-org/${failing}`,
        secret: 'CF_ACCESS_CLIENT_SECRET',
        status: expect.stringMatching(/^failed: 404/)
      }
    ]);
    const current = emu.cloudflare.token(token.id);
    for (const name of manyNames.filter((repo) => repo !== failing)) {
      expect([name, secretAt(emu, repoPlace(name))]).toEqual([name, current?.clientSecret]);
      expect([name, accepted(emu, repoPlace(name))]).toEqual([name, true]);
    }
    expect(secretAt(emu, repoPlace(failing))).toBeUndefined();

    // The writes came one after another, never two at a time.
    const writes = githubWrites();
    expect(writes.length).toBeGreaterThanOrEqual(2 * MANY - 1);
    expect(overlappingWrites(writes)).toEqual([]);

    // The grace of the previous secret was extended after the writes: from the end of the run, 24h (the default).
    const lastWrite = Math.max(...writes.map((write) => write.endedAt ?? 0));
    const graceEnd = Date.parse(current?.previousClientSecretExpiresAt ?? '');
    expect(graceEnd).toBeGreaterThanOrEqual(lastWrite + DAY - 1000);
    expect(graceEnd).toBeLessThanOrEqual(Date.now() + DAY);
    expect(graceEnd).toBeGreaterThan(started + DAY);
    expect(emu.cloudflare.authenticates(token.clientId, token.clientSecret, Date.now() + DAY - 60_000)).toBe(
      true
    );
    const tokenChanges = emu
      .requests()
      .filter((request) => request.api === 'cloudflare' && request.method !== 'GET')
      .map((request) => `${request.method} ${request.path.replace(token.id, '{id}')}`);
    expect(tokenChanges).toEqual([
      expect.stringMatching(/^POST .*\/access\/service_tokens\/\{id\}\/rotate$/),
      expect.stringMatching(/^PUT .*\/access\/service_tokens\/\{id\}$/)
    ]);
    // About 15 s here (the Octokit plugins cost some 25 ms a request even without pacing): room for slow machines.
  }, 60_000);
});

describe('bad target lists', () => {
  it('fails on a duplicate line (in another case) before any request, naming both lines', async () => {
    emu.resetRequests();
    const result = await run(emu, { targets: 'octo-org/web\norg:octo-org\n# a comment\nOcto-Org/WEB' });
    expect(result.exitCode).toBe(1);
    expect(errorLines(result)).toEqual([
      expect.stringMatching(/^::error::Input 'targets': line 4 repeats the target 'Octo-Org\/WEB' of line 1/)
    ]);
    expect(emu.requests()).toEqual([]);
  });

  it('fails on an unparsable line before any request, naming the line', async () => {
    emu.resetRequests();
    const result = await run(emu, { targets: 'octo-org/web\n\nocto-org/web/extra' });
    expect(result.exitCode).toBe(1);
    expect(errorLines(result)).toEqual([
      expect.stringMatching(/^::error::Input 'targets': line 3 'octo-org\/web\/extra' is not a repository/)
    ]);
    expect(emu.requests()).toEqual([]);
  });
});
