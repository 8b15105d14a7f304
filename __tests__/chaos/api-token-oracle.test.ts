// The API token checks must catch a misbehaving rotation: the "misbehaviour" is injected behind the action's
// back (the old token deleted before every target holds the new one, a second create or roll in one run), and
// the reports must name the broken invariants; undisturbed runs of both strategies, and a self-rotation, pass.
import { describe, expect, it } from '@jest/globals';
import type { Exchange } from '../../scripts/chaos/proxy.ts';
import { runApiTokenScenario } from '../../scripts/chaos/api-token-runner.ts';
import type { ApiTokenScenarioConfig } from '../../scripts/chaos/api-token-scenario.ts';
import type { ScenarioOptions } from '../../scripts/chaos/runner.ts';
import { CF_TOKEN, TARGET_POOL } from '../../scripts/chaos/world.ts';

const config: ApiTokenScenarioConfig = {
  kind: 'api-token',
  seed: 0,
  strategy: 'replace',
  owner: 'user',
  runAs: 'user',
  mode: 'auto',
  token: 'expiring',
  targets: TARGET_POOL.slice(0, 4).map((def) => ({ def, start: 'current' as const })),
  faults: [],
  kill: undefined,
  pauseMs: 30_000
};

/** Sends a Cloudflare request through the proxy (as if the action had sent it) or straight to the emulator. */
function sendAside(baseUrl: string, method: string, path: string, body: unknown): void {
  void fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${CF_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  }).then((response) => response.body?.cancel());
}

function once(
  match: (exchange: Exchange) => boolean,
  act: NonNullable<ScenarioOptions['sabotage']>
): ScenarioOptions {
  let done = false;
  return {
    sabotage: (exchange, context) => {
      if (done || !match(exchange)) return;
      done = true;
      act(exchange, context);
    }
  };
}

const invariants = (report: Awaited<ReturnType<typeof runApiTokenScenario>>) =>
  new Set(report.violations.map((violation) => violation.invariant));

describe('the API token chaos checks', () => {
  it('pass an undisturbed replacement, and a replacement of the token the action runs with', async () => {
    const replaced = await runApiTokenScenario(config);
    expect(replaced.violations).toEqual([]);
    expect(replaced.runs.map((run) => run.result)).toEqual(['replaced', 'unchanged', 'unchanged']);
    const self = await runApiTokenScenario({ ...config, owner: 'account', runAs: 'self' });
    expect(self.violations).toEqual([]);
    expect(self.runs.map((run) => run.result)).toEqual(['replaced', 'unchanged', 'unchanged']);
  }, 60_000);

  it('pass an undisturbed roll, whose gap is counted, not flagged', async () => {
    const report = await runApiTokenScenario({ ...config, strategy: 'roll', mode: 'rotate', token: 'fresh' });
    expect(report.violations).toEqual([]);
    expect(report.runs.map((run) => run.result)).toEqual(['rolled', 'unchanged', 'unchanged']);
    expect(report.rollGaps).toEqual({ lost: 4, restored: 4 });
  }, 60_000);

  it('catch the old token deleted before every target holds the new one (invariant 1)', async () => {
    const report = await runApiTokenScenario(
      config,
      once(
        (exchange) => exchange.method === 'PUT' && exchange.path.endsWith('/CLOUDFLARE_API_TOKEN'),
        (_exchange, { emu }) => {
          // The token every target held at the start: the one that is not the run's new token.
          const [old] = emu.cloudflare
            .apiTokens()
            .filter((token) => token.name === 'deploy')
            .sort((a, b) => a.issuedOn.localeCompare(b.issuedOn));
          if (!old) throw new Error('no token');
          sendAside(emu.cloudflareApiUrl, 'DELETE', `/user/tokens/${old.id}`, {});
        }
      )
    );
    expect([...invariants(report)]).toEqual([1]);
    expect(report.violations[0]?.detail).toMatch(/lost access (after|at the end)/);
  }, 60_000);

  it('catch a second create in one run and the orphan it leaves (invariant 5)', async () => {
    const report = await runApiTokenScenario(
      config,
      once(
        (exchange) => exchange.method === 'POST' && exchange.path === '/user/tokens',
        (exchange, { proxyUrl }) =>
          sendAside(`${proxyUrl}/cloudflare/client/v4`, 'POST', exchange.path, exchange.body)
      )
    );
    const details = report.violations.map((violation) => `${violation.invariant}: ${violation.detail}`);
    expect(details).toEqual(
      expect.arrayContaining([
        '5: 2 create and 0 roll request(s) were sent in one run',
        expect.stringMatching(/^5: the run exited 0 but 2 tokens named 'deploy' exist/)
      ])
    );
  }, 60_000);

  it('catch a second roll in one run, which kills the value the first one issued (invariant 5)', async () => {
    const report = await runApiTokenScenario(
      { ...config, strategy: 'roll', mode: 'rotate', token: 'fresh' },
      once(
        (exchange) => exchange.method === 'PUT' && exchange.path.endsWith('/CLOUDFLARE_API_TOKEN'),
        (_exchange, { emu, proxyUrl }) => {
          const token = emu.cloudflare.apiTokens().find((candidate) => candidate.name === 'deploy');
          if (!token) throw new Error('no token');
          sendAside(`${proxyUrl}/cloudflare/client/v4`, 'PUT', `/user/tokens/${token.id}/value`, {});
        }
      )
    );
    expect(invariants(report).has(5)).toBe(true);
  }, 60_000);
});
