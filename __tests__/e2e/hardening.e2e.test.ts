// dist/index.js against the emulator, on inputs and answers meant to make it misbehave: credentials and plain
// http in URLs, control characters and huge token names, `.` and `..` in targets, a YAML alias bomb, and a
// pagination link that would carry github-token to another origin.

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.ts';
import type { DistRun } from '../../scripts/run-dist.ts';
import { changes, emulator, run } from './harness.ts';

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator();
});
afterEach(async () => {
  const violations = emu.contractViolations();
  await emu.close();
  expect(violations).toEqual([]);
});

const lines = (result: DistRun, prefix: string): string[] =>
  result.stdout.split('\n').filter((line) => line.startsWith(prefix));

/** Six levels of nine aliases each: 9^6 nodes once expanded. */
const ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...['b', 'c', 'd', 'e', 'f', 'g'].map(
    (name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdef'[index]}`).join(', ')}]`
  ),
  'policies: []'
].join('\n');

describe('bad inputs fail before any request, naming the input', () => {
  const cases: Array<[string, (emu: Emulator) => Record<string, string>, RegExp]> = [
    [
      'a password in github-api-url, not echoed',
      (emu) => ({ 'github-api-url': emu.githubApiUrl.replace('http://', 'http://ci:hunter2@') }),
      /^::error::Input 'github-api-url': 'http:\/\/127\.0\.0\.1:\d+\/github' holds credentials/
    ],
    [
      'a password in cloudflare-api-url, not echoed',
      (emu) => ({ 'cloudflare-api-url': emu.cloudflareApiUrl.replace('http://', 'http://ci:hunter2@') }),
      /^::error::Input 'cloudflare-api-url': 'http:\/\/127\.0\.0\.1:\d+\/cloudflare\/client\/v4' holds credentials/
    ],
    [
      'a password in verify-url, not echoed',
      () => ({ 'verify-url': 'https://ci:hunter2@app.example.com/health' }),
      /^::error::Input 'verify-url': 'https:\/\/app\.example\.com\/health' holds credentials/
    ],
    [
      'plain http to another host in cloudflare-api-url',
      () => ({ 'cloudflare-api-url': 'http://cf-proxy.example.com/client/v4' }),
      /^::error::Input 'cloudflare-api-url': 'http:\/\/cf-proxy\.example\.com\/client\/v4' uses plain http/
    ],
    [
      'plain http to another host in github-api-url',
      () => ({ 'github-api-url': 'http://ghe.example.com/api/v3' }),
      /^::error::Input 'github-api-url': 'http:\/\/ghe\.example\.com\/api\/v3' uses plain http/
    ],
    [
      'a token-name with a line break',
      () => ({ 'token-name': 'svc\n::warning::forged' }),
      /^::error::Input 'token-name': holds a control character \(such as a line break\) at position 4\./
    ],
    [
      'a 100 KB token-name',
      () => ({ 'token-name': 'n'.repeat(100_000) }),
      /^::error::Input 'token-name': is 100000 characters long, more than Cloudflare's 255\./
    ],
    [
      'an environment named ..',
      () => ({ targets: 'octo-org/web\nocto-org/web@..' }),
      /^::error::Input 'targets': line 2 'octo-org\/web@\.\.' names the environment '\.\.'/
    ],
    [
      'an environment named .',
      () => ({ targets: 'octo-org/web@.' }),
      /^::error::Input 'targets': line 1 'octo-org\/web@\.' names the environment '\.'/
    ],
    [
      'repos=..',
      () => ({ targets: 'octo-org/web\norg:octo-org visibility=selected repos=web,..' }),
      /^::error::Input 'targets': line 2 lists a repository name that is not valid in 'web,\.\.'/
    ],
    [
      'a YAML alias bomb in api-token-policy',
      () => ({
        credential: 'api-token',
        'api-token-secret-name': 'CF_DNS',
        'account-id': '',
        'api-token-policy': ALIAS_BOMB
      }),
      /^::error::Input 'api-token-policy': its YAML aliases \(\*name\) expand too far/
    ]
  ];

  it.each(cases)('%s', async (_name, overrides, message) => {
    emu.resetRequests();
    const result = await run(emu, overrides(emu));
    expect(result.exitCode).toBe(1);
    expect(lines(result, '::error::')).toEqual([expect.stringMatching(message)]);
    expect(emu.requests()).toEqual([]);
    // Nothing forged: the only annotations are the run's own.
    expect(lines(result, '::warning::forged')).toEqual([]);
    expect(result.stdout + result.stderr + result.summary).not.toContain('hunter2');
  });
});

describe('the API hosts', () => {
  it("warns that cloudflare-api-url is not Cloudflare's API host, and runs", async () => {
    const result = await run(emu, { targets: 'octo-org/web' });
    expect(result.exitCode).toBe(0);
    expect(lines(result, '::warning::')).toEqual([
      "::warning::cloudflare-api-url points to 127.0.0.1, not to Cloudflare's API (api.cloudflare.com); cloudflare-api-token is sent there."
    ]);
  });

  it('refuses a pagination link to another origin: github-token goes nowhere else, nothing changes', async () => {
    const elsewhere: IncomingHttpHeaders[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"total_count":0,"secrets":[]}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    const handle = emu.github.handle.bind(emu.github);
    emu.github.handle = async (req) => {
      const response = await handle(req);
      if (req.method !== 'GET' || !req.path.endsWith('/actions/secrets')) return response;
      const next = `<http://127.0.0.1:${port}/repos/octo-org/web/actions/secrets?page=2>; rel="next"`;
      return { ...response, headers: { ...response.headers, link: next } };
    };
    // An existing token: a create would not list the secrets of a repository target.
    emu.cloudflare.seedToken({
      name: 'svc',
      expiresAt: new Date(Date.now() + 200 * 86_400_000).toISOString()
    });
    try {
      const result = await run(emu, { targets: 'octo-org/web' });
      expect(result.exitCode).toBe(1);
      expect(lines(result, '::error::')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error::GitHub's answer led to a request to http://127\\.0\\.0\\.1:${port}, outside github-api-url \\(http://127\\.0\\.0\\.1:\\d+\\); it was refused and github-token was not sent\\.`
          )
        )
      ]);
      expect(elsewhere).toEqual([]);
      expect(changes(emu)).toEqual([]);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
