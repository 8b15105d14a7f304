import { describe, expect, it } from '@jest/globals';
import { guardCreate, nearNames } from '../../src/credentials/service-token/create-guard.js';
import type { ServiceTokenStore } from '../../src/cloudflare/service-tokens.js';
import { guardRotatorSecret } from '../../src/credentials/api-token/secret-guard.js';
import {
  mayBePropagation,
  unreachable,
  wrongUrl
} from '../../src/credentials/service-token/verify-answer.js';
import { tokenSecretNames } from '../../src/github/workflow-secrets.js';
import type { Target } from '../../src/settings/targets.js';

const WEB: Target = { kind: 'repository', owner: 'octo', repo: 'web' };
const held = { updatedAt: new Date(0) };

function store(names: string[]): ServiceTokenStore {
  return {
    scopeLabel: 'account a',
    listTokenNames: () => Promise.resolve(names)
  } as unknown as ServiceTokenStore;
}

const input = (overrides: Partial<Parameters<typeof guardCreate>[0]> = {}) => ({
  tokenName: 'Web-Deploy',
  targets: [{ target: WEB, clientId: undefined, clientSecret: undefined }],
  clientIdName: 'CF_ACCESS_CLIENT_ID',
  clientSecretName: 'CF_ACCESS_CLIENT_SECRET',
  allowOverwrite: false,
  ...overrides
});

describe('the create guard', () => {
  it('finds names that differ only in case, never the name itself', () => {
    expect(nearNames('Web-Deploy', ['web-deploy', 'Web-Deploy', 'api', 'WEB-DEPLOY'])).toEqual([
      'web-deploy',
      'WEB-DEPLOY'
    ]);
  });

  it('lets a create through when nothing is near and the targets are empty', async () => {
    await expect(guardCreate(input(), store(['api']))).resolves.toBeUndefined();
  });

  it('stops at a near name, and at targets holding the secrets, unless allow-overwrite', async () => {
    await expect(guardCreate(input(), store(['web-deploy']))).rejects.toThrow(/did you mean 'web-deploy'\?/);
    const occupied = input({
      tokenName: 'svc',
      targets: [{ target: WEB, clientId: held, clientSecret: held }]
    });
    await expect(guardCreate(occupied, store([]))).rejects.toThrow(
      /1 target\(s\) already hold .*: octo\/web\./
    );
    await expect(guardCreate({ ...occupied, allowOverwrite: true }, store(['SVC']))).resolves.toBeUndefined();
  });

  it('counts a client id kept as a variable', async () => {
    const variable = input({
      tokenName: 'svc',
      targets: [{ target: WEB, clientId: undefined, clientSecret: undefined, clientIdVariable: 'old.access' }]
    });
    await expect(guardCreate(variable, store([]))).rejects.toThrow(/already hold/);
  });
});

describe("the rotator's own secret", () => {
  const base = {
    secretName: 'CLOUDFLARE_API_TOKEN',
    targets: [WEB],
    repository: 'octo/web',
    workflowSecrets: ['CLOUDFLARE_API_TOKEN'],
    managesRunningToken: false
  };

  it('refuses to write another token over it in the running repository', () => {
    expect(() => guardRotatorSecret(base)).toThrow(/the secret this workflow passes as cloudflare-api-token/);
    expect(() =>
      guardRotatorSecret({ ...base, targets: [{ kind: 'organization', org: 'octo', access: {} } as Target] })
    ).toThrow(/api-token-secret-name/);
  });

  it('allows self-rotation, other names, other repositories and an unknown workflow', () => {
    expect(() => guardRotatorSecret({ ...base, managesRunningToken: true })).not.toThrow();
    expect(() => guardRotatorSecret({ ...base, secretName: 'CF_DNS' })).not.toThrow();
    expect(() => guardRotatorSecret({ ...base, targets: [{ ...WEB, repo: 'api' }] })).not.toThrow();
    expect(() => guardRotatorSecret({ ...base, workflowSecrets: [] })).not.toThrow();
  });

  it('reads the secret names from a workflow file', () => {
    const text = `steps:\n  - with:\n      cloudflare-api-token: \${{ secrets.CF_ROTATOR }}\n      x: 1\n  - with:\n      cloudflare-api-token: "\${{secrets.other_one}}"\n`;
    expect(tokenSecretNames(text)).toEqual(['CF_ROTATOR', 'OTHER_ONE']);
  });
});

describe('verify-url answers', () => {
  const url = new URL('https://app.example.com/health');

  it('retries only what propagation explains', () => {
    expect([401, 403, 302, 429, 500, 503].every(mayBePropagation)).toBe(true);
    expect([400, 404, 410].some(mayBePropagation)).toBe(false);
    expect(wrongUrl(url, 404).message).toMatch(/answered 404 Not Found.*the URL is likely wrong/);
  });

  it('names a refused connection and a failed DNS look-up, and leaves other errors to the retry', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' })
    });
    expect(unreachable(url, refused)?.message).toMatch(/the connection was refused/);
    const dns = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' })
    });
    expect(unreachable(url, dns)?.message).toMatch(/does not resolve \(DNS lookup failed\)/);
    expect(unreachable(url, new Error('timeout'))).toBeUndefined();
  });
});
