import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startEmulator } from '../../emulator/server.ts';
import type { Emulator } from '../../emulator/server.ts';
import { ACCOUNT, cloudflare, github, haveContracts, sealFor, testFixture } from './support.ts';

let emu: Emulator;
let cf: ReturnType<typeof cloudflare>;
let gh: ReturnType<typeof github>;

beforeEach(async () => {
  emu = await startEmulator({ fixture: testFixture(), contractCheck: true });
  cf = cloudflare(emu);
  gh = github(emu);
});

afterEach(async () => {
  const violations = emu.contractViolations();
  await emu.close();
  expect(violations).toEqual([]);
});

const tokensPath = `/accounts/${ACCOUNT}/access/service_tokens`;
const repoPath = '/repos/octo-org/web';

describe('scripted faults', () => {
  it('answers a GitHub 429 with Retry-After once, then serves normally', async () => {
    emu.faults.add({ api: 'github', path: repoPath, fault: { status: 429, retryAfter: 7 } });
    const limited = await gh('GET', repoPath);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await gh('GET', repoPath)).status).toBe(200);
  });

  it("answers a Cloudflare 429 in Cloudflare's envelope", async () => {
    emu.faults.add({ api: 'cloudflare', method: 'GET', fault: { status: 429, retryAfter: 2 } });
    const { status, headers, body } = await cf('GET', tokensPath);
    expect(status).toBe(429);
    expect(headers.get('retry-after')).toBe('2');
    expect(body).toMatchObject({ success: false, result: null, errors: [{ code: 971 }] });
  });

  it("sends GitHub's secondary rate limit as a 403 with remaining requests left", async () => {
    emu.faults.add({ api: 'github', fault: { status: 403, secondaryRateLimit: true, retryAfter: 60 } });
    const { status, headers, body } = await gh('GET', repoPath);
    expect(status).toBe(403);
    expect(body['message']).toMatch(/^You have exceeded a secondary rate limit/);
    expect(headers.get('retry-after')).toBe('60');
    expect(Number(headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
  });

  it('faults only the nth matching call, for as many calls as asked', async () => {
    emu.faults.add({
      api: 'github',
      method: 'GET',
      path: /^\/repos\//,
      nth: 2,
      times: 2,
      fault: { status: 502 }
    });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await gh('GET', repoPath)).status);
    expect(statuses).toEqual([200, 502, 502, 200, 200]);
    expect(emu.faults.list()[0]).toMatchObject({ seen: 5, fired: 2 });
  });

  it('drops the connection without a response', async () => {
    emu.faults.add({ api: 'github', path: repoPath, fault: { drop: true } });
    await expect(gh('GET', repoPath)).rejects.toThrow();
    const [record] = emu.requests();
    expect(record).toMatchObject({ api: 'github', path: repoPath, status: 0, fault: 'drop' });
  });

  it('applies a rotate and then fails it (afterEffect): reading back shows the change took effect', async () => {
    const { body } = await cf('POST', tokensPath, { name: 'lost-response' });
    const created = body.result;
    emu.faults.add({
      api: 'cloudflare',
      method: 'POST',
      path: /\/rotate$/,
      fault: { status: 502, afterEffect: true }
    });

    const rotate = await cf('POST', `${tokensPath}/${created.id}/rotate`);
    expect(rotate.status).toBe(502);
    expect(rotate.body.success).toBe(false);
    const readBack = await cf('GET', `${tokensPath}/${created.id}`);
    expect(readBack.body.result.client_secret_version).toBe(2);
    expect(emu.cloudflare.authenticates(created.client_id, String(created.client_secret))).toBe(false);
  });

  it('can drop a GitHub write after applying it', async () => {
    const sealed = await sealFor(gh, `${repoPath}/actions/secrets/public-key`, 'landed');
    emu.faults.add({ api: 'github', method: 'PUT', fault: { drop: true, afterEffect: true } });
    await expect(gh('PUT', `${repoPath}/actions/secrets/LOST`, sealed)).rejects.toThrow();
    expect(emu.github.secretPlaintext({ kind: 'repo', owner: 'octo-org', repo: 'web', name: 'LOST' })).toBe(
      'landed'
    );
  });

  it('delays responses', async () => {
    emu.faults.add({ api: 'github', fault: { delayMs: 120 } });
    const started = performance.now();
    expect((await gh('GET', repoPath)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(emu.requests()[0]?.fault).toBe('delay 120ms');
  });

  it('refuses rules that cannot fire', () => {
    expect(() => emu.faults.add({ fault: {} })).toThrow(/status, drop or delayMs/);
    expect(() => emu.faults.add({ nth: 0, fault: { status: 500 } })).toThrow(/nth/);
  });
});

describe('request log', () => {
  it('records api, method, path, status and timing; lets tests see whether writes overlapped', async () => {
    const put = async (name: string) =>
      gh(
        'PUT',
        `${repoPath}/actions/secrets/${name}`,
        await sealFor(gh, `${repoPath}/actions/secrets/public-key`, name)
      );
    const overlapping = (records: ReturnType<Emulator['requests']>) =>
      records.some((a, i) =>
        records.slice(i + 1).some((b) => a.startedAt < (b.endedAt ?? 0) && b.startedAt < (a.endedAt ?? 0))
      );
    const writes = () => emu.requests().filter((r) => r.method === 'PUT');

    await put('ONE');
    await put('TWO');
    expect(writes().map((r) => [r.api, r.path, r.status])).toEqual([
      ['github', `${repoPath}/actions/secrets/ONE`, 201],
      ['github', `${repoPath}/actions/secrets/TWO`, 201]
    ]);
    expect(overlapping(writes())).toBe(false);

    emu.resetRequests();
    emu.faults.add({ method: 'PUT', times: 'always', fault: { delayMs: 50 } });
    const sealed = await Promise.all(
      ['A', 'B'].map((name) => sealFor(gh, `${repoPath}/actions/secrets/public-key`, name))
    );
    await Promise.all(sealed.map((body, i) => gh('PUT', `${repoPath}/actions/secrets/P${i}`, body)));
    expect(overlapping(writes())).toBe(true);
    expect(emu.requests().every((r) => r.endedAt !== undefined && r.endedAt >= r.startedAt)).toBe(true);
  });
});

describe('control API over HTTP', () => {
  const control = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.controlUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  it('sets faults (with a path pattern) and clears them', async () => {
    const added = await control('POST', '/faults', {
      api: 'github',
      pathRegex: '^/repos/octo-org/',
      fault: { status: 503 }
    });
    expect(added.status).toBe(201);
    expect((await control<unknown[]>('GET', '/faults')).body[0]).toMatchObject({
      rule: { pathRegex: new RegExp('^/repos/octo-org/').source }
    });
    expect((await gh('GET', repoPath)).status).toBe(503);

    await control('POST', '/faults', [{ api: 'github', fault: { status: 500 } }]);
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await gh('GET', repoPath)).status).toBe(200);
    expect((await control('POST', '/faults', { fault: { status: 42 } })).status).toBe(400);
  });

  it('moves the clock, shows requests and state', async () => {
    const before = emu.clock.nowMs();
    const moved = await control('POST', '/clock', { advanceMs: 3_600_000 });
    expect(Date.parse(moved.body['now'] as string)).toBe(before + 3_600_000);
    await control('POST', '/clock', { now: '2030-01-01T00:00:00.000Z' });
    expect(emu.clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');

    await gh('GET', repoPath);
    expect((await control<unknown[]>('GET', '/requests')).body).toHaveLength(1);
    const seeded = await control('POST', '/cloudflare/tokens', { account: ACCOUNT, name: 'via-http' });
    expect(seeded.body['clientSecret']).toMatch(/^cfast_/);
    expect((await control<unknown[]>('GET', '/cloudflare/tokens')).body[0]).toMatchObject({
      name: 'via-http'
    });
    await control('POST', '/github/secrets', {
      kind: 'repo',
      owner: 'octo-org',
      repo: 'web',
      name: 'S',
      value: 'v'
    });
    expect((await control('GET', '/github/secrets')).body).toEqual([
      expect.objectContaining({ kind: 'repo', owner: 'octo-org', repo: 'web', name: 'S', plaintext: 'v' })
    ]);
  });
});

describe('contract-check modes', () => {
  (haveContracts ? it : it.skip)('answers 500 with the violation in strict mode', async () => {
    const strict = await startEmulator({ fixture: testFixture(), contractCheck: 'strict' });
    try {
      const bad = await cloudflare(strict)('POST', tokensPath, { duration: 5 });
      expect(bad.status).toBe(500);
      const { violation } = bad.body as unknown as { violation: { messages: string[] } };
      expect(violation.messages.join('\n')).toContain("must have required property 'name'");
      expect(strict.cloudflare.tokens()).toEqual([]);
      expect(strict.contractViolations()).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });

  it('is a no-op with a notice when the contracts are missing', async () => {
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      const blind = await startEmulator({
        fixture: testFixture(),
        contractCheck: true,
        contractsDir: '/nonexistent'
      });
      expect(blind.contractCheck).toBe('skipped');
      expect((await cloudflare(blind)('POST', tokensPath, { duration: 5 })).status).toBe(400);
      expect(blind.contractViolations()).toEqual([]);
      await blind.close();
    } finally {
      console.warn = original;
    }
    expect(warnings).toEqual(['contract checks skipped: ../shared/contracts not found']);
    expect(emu.contractCheck).toBe(haveContracts ? 'active' : 'skipped');
  });
});
