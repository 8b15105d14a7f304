import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { InputError } from '../../src/errors.js';
import { readSettings } from '../../src/settings/read-settings.js';
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
      previousSecretGraceMs: 24 * 3_600_000,
      revokePrevious: false,
      verifyUrl: undefined,
      clientIdSecretName: 'CF_ACCESS_CLIENT_ID',
      clientSecretSecretName: 'CF_ACCESS_CLIENT_SECRET',
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
      previousSecretGraceMs: 0,
      clientIdSecretName: 'MY_ID',
      dryRun: true,
      exposeSecret: true,
      revokePrevious: true,
      cloudflareApiUrl: 'http://127.0.0.1:8787/cloudflare/client/v4',
      githubApiUrl: 'https://ghe.example.com/api/v3'
    });
    expect(settings.verifyUrl?.href).toBe('https://app.example.com/health');
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
    [{ targets: 'octo/web\nOCTO/Web' }, 'targets', /line 2 repeats the target 'OCTO\/Web' of line 1/]
  ])('rejects %o, naming %s', (overrides, input, message) => {
    const error = errorFor(overrides);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
    expect(error.hint).not.toBe('');
  });

  it('fails when no target is listed and the repository is unknown', () => {
    expect(errorFor({ targets: '# only a comment' }).message).toMatch(/no target is listed/);
  });
});
