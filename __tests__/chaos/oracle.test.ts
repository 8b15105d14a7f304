// The chaos suite's checks must catch a misbehaving rotation: here the "misbehaviour" is injected behind the
// action's back (a second rotate, a grace ended too early), and the reports must name the broken invariants.
import { describe, expect, it } from '@jest/globals';
import type { DistRun } from '../../scripts/run-dist.ts';
import { checkLeaks } from '../../scripts/chaos/harness/checks.ts';
import { runScenario } from '../../scripts/chaos/service-token/runner.ts';
import type { ScenarioConfig } from '../../scripts/chaos/service-token/scenario.ts';
import { TARGET_POOL } from '../../scripts/chaos/harness/world.ts';
import { invariants, once, sendAside, viaProxy } from './sabotage.ts';

const config: ScenarioConfig = {
  seed: 0,
  profile: 'rich',
  record: 'kept',
  zoneScope: false,
  mode: 'auto',
  token: 'expiring',
  targets: TARGET_POOL.slice(0, 4).map((def) => ({ def, start: 'current' as const })),
  verify: false,
  revokePrevious: false,
  clientIdAsVariable: false,
  faults: [],
  kill: undefined,
  pauseMs: 30_000
};

describe('the chaos checks', () => {
  it('pass an undisturbed rotation', async () => {
    const report = await runScenario(config);
    expect(report.violations).toEqual([]);
    expect(report.runs.map((run) => run.result)).toEqual(['rotated', 'unchanged', 'unchanged']);
  }, 60_000);

  it('catch a second rotate in one run (invariants 5 and 1)', async () => {
    const report = await runScenario(
      config,
      once(
        (exchange) => exchange.method === 'POST' && exchange.path.endsWith('/rotate'),
        (exchange, { proxyUrl }) => sendAside(viaProxy(proxyUrl), 'POST', exchange.path, exchange.body)
      )
    );
    expect([...invariants(report)]).toEqual(expect.arrayContaining([1, 5]));
  }, 60_000);

  it('catch a grace ended before every target was written, between two requests (invariant 1)', async () => {
    const report = await runScenario(
      config,
      once(
        (exchange) => exchange.method === 'PUT' && exchange.path.endsWith('/CF_ACCESS_CLIENT_SECRET'),
        (_exchange, { emu, proxyUrl }) => {
          const token = emu.cloudflare.tokens()[0];
          if (!token) throw new Error('no token');
          sendAside(
            viaProxy(proxyUrl),
            'PUT',
            `/accounts/${token.account ?? ''}/access/service_tokens/${token.id}`,
            {
              name: token.name,
              previous_client_secret_expires_at: new Date(emu.clock.nowMs() - 1000).toISOString()
            }
          );
        }
      )
    );
    expect([...invariants(report)]).toEqual([1]);
    expect(report.violations[0]?.detail).toMatch(/lost access after/);
  }, 60_000);

  it('find a secret in the log, the summary or the outputs, but not in ::add-mask:: lines (invariant 4)', () => {
    const run = (fields: Partial<DistRun>): DistRun => ({
      exitCode: 0,
      signal: null,
      stdout: '',
      stderr: '',
      outputs: {},
      summary: '',
      durationMs: 1,
      ...fields
    });
    const secret = 'the-secret-value';
    expect(
      checkLeaks([{ kind: 'faulty', run: run({ stdout: `::add-mask::${secret}\nok` }) }], new Set([secret]))
    ).toEqual([]);
    const found = checkLeaks(
      [
        { kind: 'faulty', run: run({ stdout: `value ${secret}` }) },
        { kind: 'heal', run: run({ summary: `| ${secret} |` }) },
        { kind: 'again', run: run({ outputs: { x: secret } }) }
      ],
      new Set([secret])
    );
    expect(found.map((violation) => `${violation.run}: ${violation.detail}`)).toEqual([
      'faulty: a secret (the-secret…) appears in the stdout/stderr',
      'heal: a secret (the-secret…) appears in the job summary',
      'again: a secret (the-secret…) appears in the outputs'
    ]);
  });
});
