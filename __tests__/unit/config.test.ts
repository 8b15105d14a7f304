import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConflicts, writesOf } from '../../src/config/conflicts.js';
import { readEntries } from '../../src/config/entries.js';
import { loadConfigText } from '../../src/config/load.js';
import { parseConfig } from '../../src/config/parse.js';
import { readConfig } from '../../src/config/read-config.js';
import { tokenLike } from '../../src/config/token-values.js';
import { checkFileKeys, checkStepInputs } from '../../src/config/validate.js';
import { ConfigError } from '../../src/errors.js';
import { ACCOUNT_ID, setInputs } from '../support/inputs.js';

const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
const STEP = { 'cloudflare-api-token': 'cf-test-token', 'github-token': 'gh-test-token' };
afterEach(() => {
  setInputs({});
  stdout.mockClear();
});

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

/** Parses and reads every entry, as the run does after the key checks. */
function entriesOf(text: string, step: Record<string, string> = {}) {
  setInputs({ ...STEP, ...step });
  const file = parseConfig('c.yml', text);
  checkFileKeys(file, ['cf-test-token', 'gh-test-token']);
  return readEntries(file, {});
}

const FILE = `defaults:
  account-id: ${ACCOUNT_ID}
  previous-secret-grace: 48h
credentials:
  - token-name: web
    targets: [octo/web, octo/web@production]
  - token-name: api
    credential: api-token
    api-token-secret-name: CLOUDFLARE_API_TOKEN
    api-token-policy:
      policies:
        - effect: allow
          permission_groups: [DNS Write]
          resources: { "com.cloudflare.api.account.${ACCOUNT_ID}": "*" }
    targets:
      - octo/api
    min-days-for-renewal: 7.5
`;

describe('parseConfig', () => {
  it('reads defaults and entries, lists as lines, a policy mapping as JSON, numbers as written', () => {
    const file = parseConfig('c.yml', FILE);
    expect(file.defaults.values.get('account-id')).toEqual({ value: ACCOUNT_ID, line: 2 });
    expect(file.entries.map((entry) => entry.where)).toEqual(['credentials[0]', 'credentials[1]']);
    expect(file.entries[0]?.values.get('targets')?.value).toBe('octo/web\nocto/web@production');
    expect(JSON.parse(file.entries[1]?.values.get('api-token-policy')?.value ?? '')).toMatchObject({
      policies: [{ effect: 'allow', permission_groups: ['DNS Write'] }]
    });
    expect(file.entries[1]?.values.get('min-days-for-renewal')).toEqual({ value: '7.5', line: 17 });
  });

  it.each([
    ['credentials:\n  - token-name: [a\n', /^Config file c\.yml, line \d: is not valid YAML/],
    ['- a\n- b\n', /line 1: has no mapping at its top/],
    ['defaults: {}\n', /has no list of credentials/],
    ['credentials: []\n', /has no list of credentials/],
    ['credential:\n  - token-name: a\n', /line 1: has an unknown top-level key 'credential'/],
    ['credentials:\n  - just-a-string\n', /line 2: credentials\[0\] is not a mapping/],
    ['credentials:\n  - token-name:\n', /line 2: credentials\[0\]\.token-name has no value/],
    [
      'credentials:\n  - token-name: a\n    duration: { a: 1 }\n',
      /line 3: credentials\[0\]\.duration is a mapping/
    ],
    ['credentials:\n  - targets: [[a]]\n', /credentials\[0\]\.targets lists something other than a value/],
    [
      'credentials:\n  - token-name: a\n    token-name: b\n',
      /line 3: is not valid YAML \(Map keys must be unique/
    ]
  ])('refuses %j', (text, message) => {
    expect(messageOf(() => parseConfig('c.yml', text))).toMatch(message);
  });
});

describe('checkFileKeys and tokenLike', () => {
  const check = (text: string) =>
    messageOf(() => checkFileKeys(parseConfig('c.yml', text), ['cf-step-secret']));

  it('refuses unknown keys, step-only keys, the two tokens and expose-secret, naming entry and line', () => {
    expect(check('credentials:\n  - token-name: a\n    target: x\n')).toMatch(
      /^Config file c\.yml, line 3: credentials\[0\]\.target is not an input of the action\./
    );
    expect(check('defaults:\n  mode: rotate\ncredentials:\n  - token-name: a\n')).toMatch(
      /line 2: defaults\.mode applies to the whole run and is set on the step only/
    );
    expect(check('credentials:\n  - token-name: a\n    cloudflare-api-token: x\n')).toMatch(
      /credentials\[0\]\.cloudflare-api-token: a config file may not hold cloudflare-api-token or github-token/
    );
    expect(check('credentials:\n  - token-name: a\n    expose-secret: true\n')).toMatch(
      /credentials\[0\]\.expose-secret cannot be used with config/
    );
    expect(check('credentials:\n  - token-name: a\n    verify-url: https://x/?k=cf-step-secret\n')).toMatch(
      /credentials\[0\]\.verify-url looks like a token of this step/
    );
  });

  it.each([
    [`ghp_${'a'.repeat(36)}`, 'a GitHub token'],
    [`github_pat_${'A1_'.repeat(10)}`, 'a GitHub fine-grained token'],
    ['f'.repeat(64), 'a secret (40 or more hexadecimal characters)'],
    ['Ab3'.repeat(13) + 'x', 'a Cloudflare API token'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'a private key']
  ])('%s looks like %s', (value, what) => {
    expect(tokenLike(value, [])).toBe(what);
  });

  it.each([
    ACCOUNT_ID,
    'web-deploy',
    'octo-org/web@production',
    'CF_ACCESS_CLIENT_SECRET',
    '8760h',
    'x'.repeat(40)
  ])('lets %s through', (value) => {
    expect(tokenLike(value, ['cf-step-secret'])).toBeUndefined();
  });
});

describe('checkStepInputs', () => {
  it('refuses a single-credential input and expose-secret on the step, not defaults the runner fills', () => {
    setInputs({
      ...STEP,
      'client-id-secret-name': 'CF_ACCESS_CLIENT_ID',
      'expose-secret': 'false',
      duration: '720h'
    });
    expect(() => checkStepInputs()).not.toThrow();
    setInputs({ ...STEP, targets: 'octo/web' });
    expect(messageOf(checkStepInputs)).toBe(
      "Input 'targets' names one credential and is set on the step beside config. Move it into the file: into an entry, or into defaults: for every entry."
    );
    setInputs({ ...STEP, 'expose-secret': 'true' });
    expect(messageOf(checkStepInputs)).toMatch(/^Input 'expose-secret' cannot be used with config\./);
  });
});

describe('readEntries', () => {
  it('parses each entry by the rules of the step: entry over defaults over the step', () => {
    const [web, api] = entriesOf(FILE, { duration: '720h' });
    expect(web?.settings).toMatchObject({
      credential: 'access-service-token',
      tokenName: 'web',
      scope: { kind: 'account', id: ACCOUNT_ID },
      duration: { ms: 720 * 3_600_000 },
      serviceToken: { previousSecretGraceMs: 48 * 3_600_000 }
    });
    // previous-secret-grace of defaults is a service token's: it does not apply to the API token.
    expect(api?.settings).toMatchObject({
      credential: 'api-token',
      tokenName: 'api',
      renewalWindowMs: 7.5 * 86_400_000
    });
  });

  it('names the entry, the key, the line and where a default came from', () => {
    expect(
      messageOf(() => entriesOf(FILE.replace('[octo/web, octo/web@production]', "['not a repo']")))
    ).toBe(
      "Config file c.yml, line 6: credentials[0].targets (token-name web): line 1 'not a repo' is not a repository. Write OWNER/REPO, OWNER/REPO@ENVIRONMENT, org:ORG [visibility=all|private|selected] [repos=a,b], dependabot:OWNER/REPO or dependabot:org:ORG [...]."
    );
    expect(messageOf(() => entriesOf(FILE.replace(`account-id: ${ACCOUNT_ID}`, 'account-id: nope')))).toMatch(
      /^Config file c\.yml, line 2: credentials\[0\]\.account-id \(from defaults\) \(token-name web\): 'nope' is not a Cloudflare id\./
    );
    expect(messageOf(() => entriesOf(FILE.replace('- token-name: web', '- token-id: ""')))).toMatch(
      /line 5: credentials\[0\]\.token-name: is empty and token-id is not set\./
    );
  });
});

describe('checkConflicts', () => {
  const conflict = (text: string) => messageOf(() => checkConflicts('c.yml', entriesOf(text)));
  const file = (...entries: string[]) =>
    `defaults:\n  account-id: ${ACCOUNT_ID}\ncredentials:\n${entries.map((entry) => `  - ${entry}\n`).join('')}`;

  it('refuses two entries for one token', () => {
    expect(
      conflict(file('{ token-name: a, targets: [octo/a] }', '{ token-name: a, targets: [octo/b] }'))
    ).toMatch(
      /^Config file c\.yml, line 5: credentials\[1\] manages the same token as credentials\[0\] \(access-service-token account 0123456789abcdef0123456789abcdef name a\)\./
    );
  });

  it('refuses the same secret name in one target, also across credential kinds', () => {
    expect(
      conflict(
        file(
          '{ token-name: a, targets: [octo/web], client-secret-secret-name: DEPLOY }',
          '{ token-name: b, credential: api-token, api-token-secret-name: DEPLOY, targets: [octo/web] }'
        )
      )
    ).toMatch(/credentials\[1\] and credentials\[0\] both write secret DEPLOY in octo\/web\./);
  });

  it('refuses two rotation records in one place, though the secrets are in different stores', () => {
    expect(
      conflict(
        file('{ token-name: a, targets: [org:octo] }', '{ token-name: b, targets: [dependabot:org:octo] }')
      )
    ).toMatch(
      /credentials\[1\] and credentials\[0\] both write variable CF_ACCESS_CLIENT_SECRET_ROTATION in org:octo\./
    );
  });

  it('accepts other names or other targets, and a client id variable beside a secret of that name', () => {
    const entries = entriesOf(
      file(
        '{ token-name: a, targets: [octo/web] }',
        '{ token-name: b, targets: [octo/web], client-id-secret-name: B_ID, client-secret-secret-name: B_SECRET }',
        '{ token-name: c, targets: [octo/api] }',
        '{ token-name: d, credential: api-token, api-token-secret-name: CLOUDFLARE_API_TOKEN, targets: [octo/web] }'
      )
    );
    expect(() => checkConflicts('c.yml', entries)).not.toThrow();
    expect(writesOf(entries[0]?.settings as never).map((write) => write.what)).toEqual([
      'secret CF_ACCESS_CLIENT_ID in octo/web',
      'secret CF_ACCESS_CLIENT_SECRET in octo/web',
      'variable CF_ACCESS_CLIENT_SECRET_ROTATION in octo/web'
    ]);
  });
});

describe('loadConfigText and readConfig', () => {
  let workspace: string;
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'rotator-config-'));
    mkdirSync(join(workspace, '.github'));
    writeFileSync(join(workspace, '.github', 'tokens.yml'), 'credentials:\n  - token-name: a\n');
    writeFileSync(join(tmpdir(), 'rotator-outside.yml'), 'credentials: []\n');
    symlinkSync(join(tmpdir(), 'rotator-outside.yml'), join(workspace, 'link.yml'));
  });
  const env = () => ({ GITHUB_WORKSPACE: workspace });

  it('reads a file inside the workspace', () => {
    expect(loadConfigText('.github/tokens.yml', env())).toContain('token-name: a');
  });

  it.each([
    ['../outside.yml', /is not a path inside the workspace/],
    ['/etc/passwd', /is not a path inside the workspace/],
    ['missing.yml', /there is no file missing\.yml in the workspace/],
    ['link.yml', /link\.yml links to a file outside the workspace/],
    ['.github', /\.github is not a file/]
  ])('refuses %s', (path, message) => {
    expect(messageOf(() => loadConfigText(path, env()))).toMatch(message);
  });

  it('validates the whole file: the step inputs first, then keys, entries and conflicts', () => {
    setInputs({ ...STEP, 'account-id': ACCOUNT_ID, config: '.github/tokens.yml' });
    expect(
      readConfig('.github/tokens.yml', { ...env(), GITHUB_REPOSITORY: 'octo/web' }).map(
        (entry) => entry.settings.tokenName
      )
    ).toEqual(['a']);
  });
});
