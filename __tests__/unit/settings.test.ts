import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { InputError } from '../../src/errors.js';
import { readSettings, type Settings } from '../../src/credentials/settings.js';
import { setInputs, validInputs, ACCOUNT_ID, ZONE_ID } from '../support/inputs.js';

const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
afterEach(() => {
  setInputs({});
  stdout.mockClear();
});

function settingsWith(overrides: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  setInputs(validInputs(overrides));
  return readSettings(env);
}

/** The service token's own settings (the run must be one). */
function serviceToken(settings: Settings) {
  if (settings.credential !== 'access-service-token') throw new Error('not a service token run');
  return settings.serviceToken;
}

/** The API token's own settings, or undefined in a service token run. */
function apiTokenOf(settings: Settings) {
  return settings.credential === 'api-token' ? settings.apiToken : undefined;
}

function errorFor(overrides: Record<string, string>, env: NodeJS.ProcessEnv = {}): InputError {
  try {
    settingsWith(overrides, env);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('readSettings', () => {
  it('parses valid inputs with the documented defaults', () => {
    const settings = settingsWith({});
    expect(settings).toMatchObject({
      scope: { kind: 'account', id: ACCOUNT_ID },
      tokenName: 'svc',
      tokenId: undefined,
      mode: 'auto',
      renewalWindowMs: 30 * 86_400_000,
      duration: { forever: false, text: '8760h', ms: 8760 * 3_600_000 },
      serviceToken: {
        previousSecretGraceMs: 24 * 3_600_000,
        revokePrevious: false,
        verifyUrl: undefined,
        clientIdSecretName: 'CF_ACCESS_CLIENT_ID',
        clientSecretSecretName: 'CF_ACCESS_CLIENT_SECRET'
      },
      dryRun: false,
      exposeSecret: false,
      cloudflareApiUrl: 'https://api.cloudflare.com/client/v4',
      githubApiUrl: 'https://api.github.com',
      timing: { writeIntervalMs: 1000, retryBaseMs: 1000 }
    });
    expect(settings.targets).toEqual([
      { kind: 'repository', owner: 'octo', repo: 'web' },
      { kind: 'environment', owner: 'octo', repo: 'web', environment: 'production' }
    ]);
  });

  it('masks both tokens the moment they are read', () => {
    settingsWith({});
    const printed = stdout.mock.calls.map((call) => String(call[0])).join('');
    expect(printed).toContain('::add-mask::cf-test-token');
    expect(printed).toContain('::add-mask::gh-test-token');
  });

  it('takes zone scope, forever, other names, booleans and URLs', () => {
    const settings = settingsWith({
      'account-id': '',
      'zone-id': ZONE_ID.toUpperCase(),
      duration: 'forever',
      'previous-secret-grace': '0s',
      'client-id-secret-name': 'my_id',
      'client-secret-secret-name': 'MY_SECRET',
      'dry-run': 'true',
      'expose-secret': 'True',
      'revoke-previous': 'TRUE',
      'verify-url': 'https://app.example.com/health',
      'cloudflare-api-url': 'http://127.0.0.1:8787/cloudflare/client/v4/',
      'github-api-url': 'https://ghe.example.com/api/v3'
    });
    expect(settings).toMatchObject({
      scope: { kind: 'zone', id: ZONE_ID },
      duration: { forever: true },
      serviceToken: { previousSecretGraceMs: 0, clientIdSecretName: 'MY_ID', revokePrevious: true },
      dryRun: true,
      exposeSecret: true,
      cloudflareApiUrl: 'http://127.0.0.1:8787/cloudflare/client/v4',
      githubApiUrl: 'https://ghe.example.com/api/v3'
    });
    expect(serviceToken(settings).verifyUrl?.href).toBe('https://app.example.com/health');
  });

  it('defaults the target to the running repository and the API to GITHUB_API_URL', () => {
    const settings = settingsWith(
      { targets: '' },
      { GITHUB_REPOSITORY: 'me/app', GITHUB_API_URL: 'https://ghe.local/api/v3' }
    );
    expect(settings.targets).toEqual([{ kind: 'repository', owner: 'me', repo: 'app' }]);
    expect(settings.githubApiUrl).toBe('https://ghe.local/api/v3');
  });

  it('reads the test timing knobs from the environment only', () => {
    const settings = settingsWith(
      {},
      {
        ROTATOR_WRITE_INTERVAL_MS: '0',
        ROTATOR_RETRY_BASE_MS: '5',
        ROTATOR_VERIFY_TIMEOUT_MS: 'x',
        ROTATOR_REQUEST_TIMEOUT_MS: '2500'
      }
    );
    expect(settings.timing).toEqual({
      writeIntervalMs: 0,
      retryBaseMs: 5,
      verifyTimeoutMs: 60_000,
      requestTimeoutMs: 2500
    });
  });

  it.each([
    [{ 'cloudflare-api-token': '' }, 'cloudflare-api-token', /is required/],
    [{ 'github-token': '' }, 'github-token', /is required/],
    [{ 'zone-id': ZONE_ID }, 'account-id', /together with zone-id/],
    [{ 'account-id': '' }, 'account-id', /is not set, and neither is zone-id/],
    [{ 'account-id': 'my-account' }, 'account-id', /not a Cloudflare id/],
    [{ 'account-id': '', 'zone-id': '123' }, 'zone-id', /not a Cloudflare id/],
    [{ 'token-name': '' }, 'token-name', /token-id is not set/],
    [{ mode: 'rotate-now' }, 'mode', /not a mode.*auto, rotate, refresh, check/],
    [{ 'min-days-for-renewal': '0' }, 'min-days-for-renewal', /positive number/],
    [{ 'min-days-for-renewal': '-5' }, 'min-days-for-renewal', /positive number/],
    [{ 'min-days-for-renewal': 'thirty' }, 'min-days-for-renewal', /positive number/],
    [{ duration: '1y' }, 'duration', /not a positive duration/],
    [{ duration: '0s' }, 'duration', /not a positive duration/],
    [{ duration: '-5h' }, 'duration', /not a positive duration/],
    [{ 'previous-secret-grace': '1 day' }, 'previous-secret-grace', /not a duration/],
    [{ 'previous-secret-grace': '' + '24' }, 'previous-secret-grace', /not a duration/],
    [{ 'dry-run': 'yes please' }, 'dry-run', /not a boolean/],
    [{ 'expose-secret': 'ture' }, 'expose-secret', /not a boolean/],
    [{ 'revoke-previous': '1' }, 'revoke-previous', /not a boolean/],
    [{ 'verify-url': 'not a url' }, 'verify-url', /not a URL/],
    [{ 'verify-url': 'ftp://host/x' }, 'verify-url', /not an http/],
    [{ 'cloudflare-api-url': 'api.cloudflare.com' }, 'cloudflare-api-url', /not a URL/],
    [{ 'github-api-url': 'file:///etc/passwd' }, 'github-api-url', /not an http/],
    [{ 'client-id-secret-name': '1ID' }, 'client-id-secret-name', /not a valid secret name/],
    [{ 'client-id-secret-name': 'CF-ID' }, 'client-id-secret-name', /not a valid secret name/],
    [{ 'client-secret-secret-name': 'github_secret' }, 'client-secret-secret-name', /starts with GITHUB_/],
    [
      { 'client-secret-secret-name': 'cf_access_client_id' },
      'client-secret-secret-name',
      /same as client-id-secret-name/
    ],
    [{ targets: 'octo' }, 'targets', /line 1 'octo' is not a repository/],
    [{ targets: 'octo/web\n\nocto/we b' }, 'targets', /line 3/],
    [{ targets: 'octo/web@' }, 'targets', /empty or too long environment/],
    [{ targets: 'vault:octo' }, 'targets', /unknown target kind 'vault:'/],
    [{ targets: 'org:octo visibility=selected' }, 'targets', /visibility=selected without repos=/],
    [{ targets: 'octo/web\nOCTO/Web' }, 'targets', /line 2 repeats the target 'OCTO\/Web' of line 1/],
    [{ targets: 'octo/web@..' }, 'targets', /line 1 'octo\/web@\.\.' names the environment '\.\.'/],
    [{ targets: 'octo/api\nocto/web@.' }, 'targets', /line 2 'octo\/web@\.' names the environment '\.'/],
    [{ targets: 'org:octo visibility=selected repos=web,..' }, 'targets', /line 1 lists a repository name/],
    [
      { targets: 'octo/api\norg:octo visibility=selected repos=.' },
      'targets',
      /line 2 lists a repository name/
    ],
    [{ 'token-name': 'svc\n::warning::forged' }, 'token-name', /control character .* at position 4/],
    [{ 'token-name': 'svc\u001b[31m' }, 'token-name', /control character/],
    [{ 'token-name': 'x'.repeat(256) }, 'token-name', /is 256 characters long, more than Cloudflare's 255/],
    [{ 'verify-url': 'http://app.example.com/health' }, 'verify-url', /uses plain http to a host other/],
    [{ 'github-api-url': 'http://ghe.example.com/api/v3' }, 'github-api-url', /uses plain http/],
    [{ 'cloudflare-api-url': 'http://10.0.0.1/client/v4' }, 'cloudflare-api-url', /uses plain http/],
    [{ 'cloudflare-api-url': 'http://127.0.0.1.nip.io/' }, 'cloudflare-api-url', /uses plain http/],
    [{ 'github-api-url': 'https://me@ghe.example.com/api/v3' }, 'github-api-url', /holds credentials/]
  ])('rejects %o, naming %s', (overrides, input, message) => {
    const error = errorFor(overrides);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
    expect(error.hint).not.toBe('');
  });

  it.each([
    ['verify-url', 'https://deploy:hunter2@app.example.com/health', "'https://app.example.com/health' holds"],
    ['github-api-url', 'https://x:hunter2@ghe.example.com/api/v3', "'https://ghe.example.com/api/v3' holds"],
    [
      'cloudflare-api-url',
      'http://u:hunter2@127.0.0.1:8787/client/v4',
      "'http://127.0.0.1:8787/client/v4' holds"
    ],
    // Not even a URL: the password still goes before the value is shown.
    [
      'github-api-url',
      'https://x:hunter2@ghe.example.com:99999/api',
      "'https://ghe.example.com:99999/api' is not"
    ]
  ])('refuses credentials in %s without printing the password', (name, url, shown) => {
    const error = errorFor({ [name]: url });
    expect(error.input).toBe(name);
    expect(error.message).toContain(shown);
    expect(error.message).not.toContain('hunter2');
  });

  it('takes plain http to this machine only, a 255-character token name, and dots inside names', () => {
    for (const url of [
      'http://localhost:8787/x',
      'http://[::1]:8787/x',
      'http://127.9.8.7/x',
      'HTTP://LOCALHOST/x'
    ]) {
      expect(settingsWith({ 'github-api-url': url }).githubApiUrl).toBe(new URL(url).href.replace(/\/$/, ''));
    }
    expect(settingsWith({ 'token-name': 'n'.repeat(255) }).tokenName).toHaveLength(255);
    expect(settingsWith({ 'token-name': 'web · deploy ✓' }).tokenName).toBe('web · deploy ✓');
    expect(settingsWith({ targets: 'octo/web@...\nocto/web@v1.2' }).targets).toEqual([
      { kind: 'environment', owner: 'octo', repo: 'web', environment: '...' },
      { kind: 'environment', owner: 'octo', repo: 'web', environment: 'v1.2' }
    ]);
  });

  it("warns when cloudflare-api-url is not Cloudflare's API host, since the token goes there", () => {
    settingsWith({});
    expect(stdout.mock.calls.map((call) => String(call[0])).join('')).not.toContain('::warning::');
    settingsWith({ 'cloudflare-api-url': 'https://cf-proxy.example.com/client/v4' });
    expect(stdout.mock.calls.map((call) => String(call[0])).join('')).toContain(
      "::warning::cloudflare-api-url points to cf-proxy.example.com, not to Cloudflare's API (api.cloudflare.com); cloudflare-api-token is sent there."
    );
  });

  it('fails when no target is listed and the repository is unknown', () => {
    expect(errorFor({ targets: '# only a comment' }).message).toMatch(/no target is listed/);
  });
});

describe('readSettings: credential api-token', () => {
  const POLICY = `
policies:
  - effect: allow
    permission_groups: [DNS Write]
    resources:
      com.cloudflare.api.account.zone.${ZONE_ID}: '*'
condition:
  request_ip:
    in: [192.0.2.0/24]
`;

  /** Valid inputs of an API token run; tests override one at a time. */
  const apiToken = (overrides: Record<string, string> = {}) => ({
    credential: 'api-token',
    'token-name': 'deploy',
    'api-token-secret-name': 'CLOUDFLARE_API_TOKEN',
    ...overrides
  });

  it('defaults to the access-service-token credential, without API token settings', () => {
    const settings = settingsWith({});
    expect(settings.credential).toBe('access-service-token');
    expect(apiTokenOf(settings)).toBeUndefined();
    expect(settings.scope).toEqual({ kind: 'account', id: ACCOUNT_ID });
  });

  it('leaves the service token settings as they were when credential is given explicitly', () => {
    expect(settingsWith({ credential: 'access-service-token' })).toEqual(settingsWith({}));
  });

  it('takes credential api-token with the documented defaults', () => {
    const settings = settingsWith(apiToken());
    expect(settings).toMatchObject({
      credential: 'api-token',
      scope: { kind: 'account', id: ACCOUNT_ID },
      tokenName: 'deploy',
      tokenId: undefined,
      mode: 'auto',
      apiToken: { strategy: 'replace', policy: undefined, secretName: 'CLOUDFLARE_API_TOKEN' }
    });
  });

  it('scopes the token to the account in account-id, or to the user without one', () => {
    expect(settingsWith(apiToken({ 'account-id': ACCOUNT_ID.toUpperCase() })).scope).toEqual({
      kind: 'account',
      id: ACCOUNT_ID
    });
    expect(settingsWith(apiToken({ 'account-id': '' })).scope).toEqual({ kind: 'user' });
  });

  it('parses api-token-policy into settings.apiToken.policy', () => {
    const settings = settingsWith(apiToken({ 'api-token-policy': POLICY }));
    expect(apiTokenOf(settings)?.policy).toEqual({
      policies: [
        {
          effect: 'allow',
          permissionGroups: [{ name: 'DNS Write' }],
          resources: { [`com.cloudflare.api.account.zone.${ZONE_ID}`]: '*' }
        }
      ],
      requestIp: { in: ['192.0.2.0/24'], notIn: [] },
      notBefore: undefined,
      expiresOn: undefined
    });
  });

  it('reads a policy written as JSON the same way', () => {
    const json = JSON.stringify({
      policies: [
        {
          effect: 'allow',
          permission_groups: ['DNS Write'],
          resources: { [`com.cloudflare.api.account.zone.${ZONE_ID}`]: '*' }
        }
      ],
      condition: { 'request.ip': { in: ['192.0.2.0/24'] } }
    });
    expect(apiTokenOf(settingsWith(apiToken({ 'api-token-policy': json })))?.policy).toEqual(
      apiTokenOf(settingsWith(apiToken({ 'api-token-policy': POLICY })))?.policy
    );
  });

  it('treats a blank api-token-policy as not set', () => {
    expect(apiTokenOf(settingsWith(apiToken({ 'api-token-policy': ' \n ' })))?.policy).toBeUndefined();
    expect(apiTokenOf(settingsWith({ 'api-token-policy': ' \n ' }))).toBeUndefined();
  });

  it('takes strategy replace and roll, and token-id with roll', () => {
    expect(apiTokenOf(settingsWith(apiToken({ strategy: 'replace' })))?.strategy).toBe('replace');
    const rolled = settingsWith(apiToken({ strategy: 'roll', 'token-id': 'abc123', 'token-name': '' }));
    expect(apiTokenOf(rolled)?.strategy).toBe('roll');
    expect(rolled).toMatchObject({ tokenId: 'abc123', tokenName: undefined });
  });

  it('takes another api-token-secret-name, upper-cased', () => {
    expect(apiTokenOf(settingsWith(apiToken({ 'api-token-secret-name': 'cf_dns_token' })))?.secretName).toBe(
      'CF_DNS_TOKEN'
    );
  });

  it.each(['auto', 'rotate', 'check'])('takes mode %s', (mode) => {
    expect(settingsWith(apiToken({ mode })).mode).toBe(mode);
  });

  it('still masks both tokens', () => {
    settingsWith(apiToken());
    const printed = stdout.mock.calls.map((call) => String(call[0])).join('');
    expect(printed).toContain('::add-mask::cf-test-token');
    expect(printed).toContain('::add-mask::gh-test-token');
  });

  it.each([
    [
      { credential: 'api_token' },
      'credential',
      /'api_token' is not a credential.*access-service-token, api-token/
    ],
    [{ credential: 'service-token' }, 'credential', /not a credential/],
    [apiToken({ strategy: 'rotate' }), 'strategy', /'rotate' is not a strategy.*replace, roll/],
    [apiToken({ 'zone-id': ZONE_ID }), 'zone-id', /API tokens belong to a user or an account, not to a zone/],
    [apiToken({ 'account-id': '', 'zone-id': ZONE_ID }), 'zone-id', /not to a zone/],
    [apiToken({ 'account-id': 'my-account' }), 'account-id', /not a Cloudflare id/],
    [apiToken({ mode: 'refresh' }), 'mode', /'refresh' extends a service token/],
    [apiToken({ mode: 'renew' }), 'mode', /not a mode/],
    [apiToken({ 'token-id': 'abc123' }), 'token-id', /strategy replace gives the token a new id/],
    [apiToken({ strategy: 'replace', 'token-id': 'abc123' }), 'token-id', /strategy replace/],
    [
      apiToken({ 'verify-url': 'https://app.example.com/health' }),
      'verify-url',
      /tests an Access service token/
    ],
    [
      apiToken({ 'api-token-secret-name': '' }),
      'api-token-secret-name',
      /is required for credential: api-token/
    ],
    [apiToken({ 'api-token-secret-name': 'CF-TOKEN' }), 'api-token-secret-name', /not a valid secret name/],
    [apiToken({ 'api-token-secret-name': '1TOKEN' }), 'api-token-secret-name', /not a valid secret name/],
    [apiToken({ 'api-token-secret-name': 'github_token' }), 'api-token-secret-name', /starts with GITHUB_/],
    [
      { 'api-token-policy': 'policies: []' },
      'api-token-policy',
      /is set, but credential is access-service-token/
    ],
    [
      { credential: 'access-service-token', 'api-token-policy': 'policies: []' },
      'api-token-policy',
      /credential is access-service-token/
    ]
  ])('rejects %o, naming %s', (overrides, input, message) => {
    const error = errorFor(overrides);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
    expect(error.hint).not.toBe('');
  });

  it.each([
    ['a syntax error', 'policies:\n\t- effect: allow\n', /YAML syntax error at line 2/],
    ['no policies', 'not_before: 2020-01-01\n', /policies: expected a list, found nothing/],
    ['an empty list', 'policies: []\n', /policies: is empty/],
    [
      'a bad effect',
      POLICY.replace('effect: allow', 'effect: permit'),
      /policies\[0\]\.effect: expected allow or deny/
    ],
    ['a bad resource key', POLICY.replace('account.zone.', 'zone.'), /is not a resource key/],
    [
      'a bad CIDR',
      POLICY.replace('192.0.2.0/24', '192.0.2.0/33'),
      /condition\.request_ip\.in\[0\]: .* is not a CIDR/
    ],
    [
      'an expiry in the past',
      `${POLICY}expires_on: 2000-01-01\n`,
      /expires_on: 2000-01-01T00:00:00.000Z is not in the future/
    ],
    [
      'a time without a timezone',
      `${POLICY}expires_on: 2999-01-01T00:00:00\n`,
      /not a date and time with a timezone/
    ]
  ])('reports a policy with %s as an InputError naming api-token-policy', (_, policy, message) => {
    const error = errorFor(apiToken({ 'api-token-policy': policy }));
    expect(error.input).toBe('api-token-policy');
    expect(error.message).toMatch(/^Input 'api-token-policy': /);
    expect(error.message).toMatch(message);
    expect(error.hint).not.toBe('');
  });

  it.each([
    ['revoke-previous', 'true'],
    ['previous-secret-grace', '1h'],
    ['client-id-secret-name', 'MY_ID'],
    ['client-secret-secret-name', 'MY_SECRET'],
    ['client-id-as-variable', 'true']
  ])('rejects the service-token input %s=%s with credential api-token', (input, value) => {
    const error = errorFor(apiToken({ [input]: value }));
    expect(error.input).toBe(input);
    expect(error.message).toMatch(/is set, but credential api-token does not use it/);
  });

  it.each([
    ['api-token-secret-name', 'CF_TOKEN'],
    ['strategy', 'roll']
  ])('rejects the API-token input %s=%s with the service-token credential', (input, value) => {
    const error = errorFor({ [input]: value });
    expect(error.input).toBe(input);
    expect(error.message).toMatch(/is set, but credential access-service-token does not use it/);
  });

  it('accepts the other credential inputs at their defaults, as a reusable workflow passes them', () => {
    const defaults = {
      'previous-secret-grace': '24h',
      'revoke-previous': 'false',
      'client-id-secret-name': 'CF_ACCESS_CLIENT_ID',
      'client-secret-secret-name': 'CF_ACCESS_CLIENT_SECRET',
      'client-id-as-variable': 'false',
      'allow-overwrite': 'false',
      'api-token-secret-name': '',
      strategy: 'replace'
    };
    expect(settingsWith(apiToken({ ...defaults, 'api-token-secret-name': 'CF_DNS_TOKEN' })).credential).toBe(
      'api-token'
    );
    expect(settingsWith(defaults).credential).toBe('access-service-token');
  });
});
