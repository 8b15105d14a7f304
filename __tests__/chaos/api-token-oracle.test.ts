// The API token checks must catch a misbehaving rotation: the "misbehaviour" is injected behind the action's
// back (the old token deleted before every target holds the new one, a second create or roll in one run), and
// the reports must name the broken invariants; undisturbed runs of both strategies, and a self-rotation, pass.
import { describe, expect, it } from '@jest/globals';
import { runApiTokenScenario } from '../../scripts/chaos/api-token/runner.ts';
import type { ApiTokenScenarioConfig } from '../../scripts/chaos/api-token/scenario.ts';
import { TARGET_POOL } from '../../scripts/chaos/harness/world.ts';
import { invariants, once, sendAside, viaProxy } from './sabotage.ts';

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
        (exchange, { proxyUrl }) => sendAside(viaProxy(proxyUrl), 'POST', exchange.path, exchange.body)
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
          sendAside(viaProxy(proxyUrl), 'PUT', `/user/tokens/${token.id}/value`, {});
        }
      )
    );
    expect(invariants(report).has(5)).toBe(true);
  }, 60_000);
});
