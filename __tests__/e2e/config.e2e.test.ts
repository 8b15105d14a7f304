// dist/index.js with `config`: many credentials from one file, one GitHub client and write pacer for the run.
// Three service tokens and one API token across 20 targets with the emulator's secondary rate limit on; an
// entry whose target refuses writes; a second run that changes nothing; every bad file refused before any
// request that changes anything.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fixture } from '../../emulator/fixture.ts';
import { startEmulator, type Emulator } from '../../emulator/server.ts';
import { ACCOUNT, accepted, changes, mutations, run, secretAt, type SecretPlace } from './harness.ts';

const ADMIN = 'cf-config-admin';
const REPOS = Array.from({ length: 20 }, (_, index) => `app-${String(index + 1).padStart(2, '0')}`);
const repo = (name: string): SecretPlace => ({ kind: 'repo', owner: 'octo-org', repo: name });
/** Five repositories for each entry. */
const slice = (entry: number) => REPOS.slice(entry * 5, entry * 5 + 5);
const list = (names: readonly string[]) => `[${names.map((name) => `octo-org/${name}`).join(', ')}]`;

function fixture(secondaryRateLimit?: { minIntervalMs: number }): Fixture {
  return {
    cloudflare: {
      accounts: [ACCOUNT],
      apiTokens: [{ value: ADMIN, permissions: ['access:service_tokens:write', 'account:api_tokens:write'] }]
    },
    github: {
      orgs: ['octo-org'],
      repositories: REPOS.map((name) => ({ owner: 'octo-org', name })),
      tokens: [{ value: 'gh-e2e-token', canWriteSecrets: true }],
      ...(secondaryRateLimit && { secondaryRateLimit })
    }
  };
}

const POLICY = `{ policies: [{ effect: allow, permission_groups: [DNS Write], resources: { "com.cloudflare.api.account.${ACCOUNT}": "*" } }] }`;

/** The issue's shape: defaults, three service tokens, one API token. */
const CONFIG = `# rotator config (reviewed like code)
defaults:
  account-id: ${ACCOUNT}
  min-days-for-renewal: 30
credentials:
  - token-name: web-deploy
    targets: ${list(slice(0))}
  - token-name: api-deploy
    targets: ${list(slice(1))}
  - token-name: jobs-deploy
    client-id-as-variable: true
    targets: ${list(slice(2))}
  - token-name: dns-bot
    credential: api-token
    api-token-secret-name: CLOUDFLARE_API_TOKEN
    api-token-policy: ${POLICY}
    targets: ${list(slice(3))}
`;

let emu: Emulator;
let workspace: string;

function runConfig(text: string, overrides: Record<string, string> = {}, env: Record<string, string> = {}) {
  mkdirSync(join(workspace, '.github'), { recursive: true });
  writeFileSync(join(workspace, '.github', 'rotator.yml'), text);
  return run(
    emu,
    {
      'cloudflare-api-token': ADMIN,
      'account-id': '',
      'token-name': '',
      targets: '',
      config: '.github/rotator.yml',
      ...overrides
    },
    { GITHUB_WORKSPACE: workspace, ...env }
  );
}

interface Result {
  entry: string;
  'token-name': string;
  result: string;
  error?: string;
  targets: { target: string; status: string }[];
}
const results = (outputs: Record<string, string>): Result[] =>
  JSON.parse(outputs.results ?? '[]') as Result[];
const errors = (stdout: string): string[] =>
  stdout.split('\n').filter((line) => line.startsWith('::error::'));

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'rotator-workspace-'));
});
afterEach(async () => {
  const violations = emu.contractViolations();
  await emu.close();
  rmSync(workspace, { recursive: true, force: true });
  expect(violations).toEqual([]);
});

describe('config: many credentials in one run', () => {
  beforeEach(async () => {
    emu = await startEmulator({ fixture: fixture({ minIntervalMs: 1000 }), contractCheck: 'strict' });
  });

  it('writes 3 service tokens and 1 API token to 20 targets, writes ≥ 1 s apart, then changes nothing', async () => {
    const first = await runConfig(CONFIG, {}, { ROTATOR_WRITE_INTERVAL_MS: '1000' });
    expect(errors(first.stdout)).toEqual([]);
    expect(first.exitCode).toBe(0);
    expect(results(first.outputs).map((entry) => [entry.entry, entry['token-name'], entry.result])).toEqual([
      ['credentials[0]', 'web-deploy', 'created'],
      ['credentials[1]', 'api-deploy', 'created'],
      ['credentials[2]', 'jobs-deploy', 'created'],
      ['credentials[3]', 'dns-bot', 'created']
    ]);
    for (const name of [...slice(0), ...slice(1)])
      expect([name, accepted(emu, repo(name))]).toEqual([name, true]);
    for (const name of slice(2)) {
      const id =
        emu.github.variable({ kind: 'repo', owner: 'octo-org', repo: name, name: 'CF_ACCESS_CLIENT_ID' })
          ?.value ?? '';
      expect(emu.cloudflare.authenticates(id, secretAt(emu, repo(name)) ?? '')).toBe(true);
    }
    const apiValues = slice(3).map((name) => secretAt(emu, repo(name), 'CLOUDFLARE_API_TOKEN'));
    expect(new Set(apiValues).size).toBe(1);
    expect(apiValues[0]).toMatch(/.{20,}/);
    const stats = emu.github.secondaryLimitStats();
    expect({ overlaps: stats.overlaps, refusals: stats.refusals }).toEqual({ overlaps: 0, refusals: 0 });
    // 3 × (10 secrets + the record: create, written before and after) + 5 API token secrets.
    expect(stats.writes).toBe(44);
    expect(stats.minGapMs).toBeGreaterThanOrEqual(1000);
    // One overview table, then one section per entry.
    expect(first.summary).toContain('<th>Entry</th><th>Credential</th><th>Result</th>');
    expect(first.summary.match(/<h2>credentials\[\d\]: /g)).toHaveLength(4);

    emu.resetRequests();
    const second = await runConfig(CONFIG, {}, { ROTATOR_WRITE_INTERVAL_MS: '1000' });
    expect(second.exitCode).toBe(0);
    expect(changes(emu)).toEqual([]);
    expect(results(second.outputs).map((entry) => entry.result)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged'
    ]);
    expect(emu.github.secondaryLimitStats().refusals).toBe(0);
  }, 240_000);
});

describe('config: a failing entry', () => {
  beforeEach(async () => {
    emu = await startEmulator({ fixture: fixture({ minIntervalMs: 100 }), contractCheck: 'strict' });
  });

  it('lets the others finish, fails naming it, and its old secret keeps working', async () => {
    const env = { ROTATOR_WRITE_INTERVAL_MS: '100' };
    expect((await runConfig(CONFIG, {}, env)).exitCode).toBe(0);
    const locked = slice(1)[3] as string;
    emu.faults.add({
      api: 'github',
      method: 'PUT',
      path: `/repos/octo-org/${locked}/actions/secrets/CF_ACCESS_CLIENT_SECRET`,
      times: 'always',
      fault: { status: 403 }
    });
    const result = await runConfig(CONFIG, { mode: 'rotate' }, env);
    expect(result.exitCode).toBe(1);
    expect(errors(result.stdout).at(-1)).toMatch(
      new RegExp(
        `^::error::1 of 4 config entries failed: credentials\\[1\\] \\(api-deploy\\): octo-org/${locked}\\.`
      )
    );
    const byEntry = results(result.outputs);
    expect(byEntry.map((entry) => entry.result)).toEqual(['rotated', 'failed', 'rotated', 'replaced']);
    // Every target of the other entries and the other targets of this one hold a working credential; the
    // refused one still holds the previous secret, which works during its grace.
    for (const name of REPOS.slice(0, 10)) expect([name, accepted(emu, repo(name))]).toEqual([name, true]);
  }, 120_000);
});

describe('config: a bad file changes nothing', () => {
  beforeEach(async () => {
    emu = await startEmulator({ fixture: fixture(), contractCheck: 'strict' });
  });

  const entry = (extra: string) =>
    `credentials:\n  - token-name: one\n    account-id: ${ACCOUNT}\n    targets: [octo-org/app-01]\n${extra}`;
  const cases: [string, string, Record<string, string>, RegExp][] = [
    [
      'YAML syntax',
      'credentials:\n  - token-name: [one\n',
      {},
      /^Config file \.github\/rotator\.yml, line \d+: is not valid YAML/
    ],
    [
      'unknown key',
      entry(`  - token-name: two\n    account-id: ${ACCOUNT}\n    target: [octo-org/app-02]\n`),
      {},
      /line 7: credentials\[1\]\.target is not an input of the action/
    ],
    [
      'bad value',
      entry(
        `  - token-name: two\n    account-id: ${ACCOUNT}\n    targets: [octo-org/app-02]\n  - token-name: three\n    account-id: ${ACCOUNT}\n    targets: ['not a repo']\n`
      ),
      {},
      /line 10: credentials\[2\]\.targets \(token-name three\): line 1 'not a repo'/
    ],
    [
      'duplicate entry',
      entry(`  - token-name: one\n    account-id: ${ACCOUNT}\n    targets: [octo-org/app-02]\n`),
      {},
      /credentials\[1\] manages the same token as credentials\[0\]/
    ],
    [
      'same secret in one target',
      entry(`  - token-name: two\n    account-id: ${ACCOUNT}\n    targets: [octo-org/app-01]\n`),
      {},
      /credentials\[1\] and credentials\[0\] both write secret CF_ACCESS_CLIENT_ID in octo-org\/app-01/
    ],
    [
      'a token in the file',
      entry('    github-token: gh-e2e-token\n'),
      {},
      /credentials\[0\]\.github-token: a config file may not hold cloudflare-api-token or github-token/
    ],
    [
      'a token-like value',
      entry(`  - token-name: ghp_${'a1B2'.repeat(9)}\n    targets: [octo-org/app-02]\n`),
      {},
      /credentials\[1\]\.token-name looks like a GitHub token/
    ],
    [
      'token-name on the step',
      entry(''),
      { 'token-name': 'stray' },
      /^Input 'token-name' names one credential and is set on the step beside config/
    ],
    [
      'expose-secret',
      entry(''),
      { 'expose-secret': 'true' },
      /^Input 'expose-secret' cannot be used with config/
    ],
    [
      'a path outside the workspace',
      entry(''),
      { config: '../outside.yml' },
      /^Input 'config': '\.\.\/outside\.yml' is not a path inside the workspace/
    ]
  ];

  it.each(cases)(
    '%s → exit 1, no mutating request, the message names the entry and key',
    async (_name, text, overrides, message) => {
      const result = await runConfig(text, overrides);
      expect(result.exitCode).toBe(1);
      const lines = errors(result.stdout);
      expect(lines).toHaveLength(1);
      const anchored = message.source.startsWith('^');
      expect(lines[0]).toMatch(
        new RegExp(`^::error::${anchored ? message.source.slice(1) : `.*${message.source}`}`)
      );
      expect(mutations(emu)).toEqual([]);
    }
  );
});

describe('config: an entry manages cloudflare-api-token itself', () => {
  beforeEach(async () => {
    emu = await startEmulator({ fixture: fixture(), contractCheck: 'strict' });
  });

  /** 'deploy' runs the step, may write user API tokens and service tokens, expires in 5 days; app-01 holds it. */
  function seedDeploy(): { id: string; value: string } {
    const seeded = emu.cloudflare.seedApiToken({
      name: 'deploy',
      permissions: ['user:api_tokens:write', 'access:service_tokens:write'],
      issuedOn: new Date(Date.now() - 100 * 86_400_000).toISOString(),
      // Due: mode auto renews it, and creates the service token.
      expiresOn: new Date(Date.now() + 5 * 86_400_000).toISOString()
    });
    emu.github.seedSecret({ ...repo('app-01'), name: 'CLOUDFLARE_API_TOKEN', value: seeded.value });
    return seeded;
  }
  const selfFirst = (strategy: string) => `credentials:
  - token-name: deploy
    credential: api-token
    strategy: ${strategy}
    api-token-secret-name: CLOUDFLARE_API_TOKEN
    targets: [octo-org/app-01]
  - token-name: web-deploy
    account-id: ${ACCOUNT}
    targets: [octo-org/app-02]
`;

  it.each([
    ['replace', 'replaced'],
    ['roll', 'rolled']
  ])(
    'strategy %s: it runs last, so the service token entry still works',
    async (strategy, outcome) => {
      const deploy = seedDeploy();
      const result = await runConfig(
        selfFirst(strategy),
        { 'cloudflare-api-token': deploy.value },
        { ROTATOR_WRITE_INTERVAL_MS: '0' }
      );
      expect(errors(result.stdout)).toEqual([]);
      expect(result.exitCode).toBe(0);
      // The report keeps the file's order.
      expect(results(result.outputs).map((entry) => [entry.entry, entry.result])).toEqual([
        ['credentials[0]', outcome],
        ['credentials[1]', 'created']
      ]);
      const note = `credentials[0] (deploy) manages cloudflare-api-token (API token ${deploy.id}): it runs after the other entries`;
      expect(result.stdout).toContain(note);
      expect(result.summary).toContain(note);
      expect(result.stdout.indexOf('── credentials[1] of 2')).toBeLessThan(
        result.stdout.indexOf('── credentials[0] of 2')
      );
      expect(accepted(emu, repo('app-02'))).toBe(true);
      expect(emu.cloudflare.apiTokenAuthenticates(deploy.value)).toBe(false);
      expect(
        emu.cloudflare.apiTokenAuthenticates(secretAt(emu, repo('app-01'), 'CLOUDFLARE_API_TOKEN') ?? '')
      ).toBe(true);
    },
    60_000
  );

  it('two entries for it are refused before any change', async () => {
    const deploy = seedDeploy();
    const text = `${selfFirst('replace')}  - token-id: ${deploy.id}
    credential: api-token
    strategy: roll
    api-token-secret-name: DEPLOY_TOKEN
    targets: [octo-org/app-03]
`;
    const result = await runConfig(text, { 'cloudflare-api-token': deploy.value, mode: 'rotate' });
    expect(result.exitCode).toBe(1);
    expect(errors(result.stdout)).toEqual([
      `::error::Config entries credentials[0] and credentials[2] both manage cloudflare-api-token (API token ${deploy.id}). Keep one entry for the token the action runs with (its token-name or token-id), or run the step with another cloudflare-api-token.`
    ]);
    expect(mutations(emu)).toEqual([]);
  }, 60_000);
});
