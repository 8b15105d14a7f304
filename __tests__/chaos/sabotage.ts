// Helpers of the oracle tests, which inject a misbehaviour behind the action's back through the runners'
// sabotage hook and check that the reports name the broken invariants.
import type { Exchange } from '../../scripts/chaos/proxy.ts';
import type { ScenarioOptions, ScenarioReport, Violation } from '../../scripts/chaos/harness/types.ts';
import { CF_TOKEN } from '../../scripts/chaos/harness/world.ts';

/** The Cloudflare API through the proxy: a request sent there is seen as if the action had sent it. */
export const viaProxy = (proxyUrl: string): string => `${proxyUrl}/cloudflare/client/v4`;

/**
 * Sends a Cloudflare request as the chaos world's management token, to `baseUrl`: viaProxy(proxyUrl), or
 * emu.cloudflareApiUrl (straight to the emulator, unseen by the run's watch).
 */
export function sendAside(baseUrl: string, method: string, path: string, body: unknown): void {
  void fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${CF_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  }).then((response) => response.body?.cancel());
}

/** A sabotage that acts once, at the first request of the faulty run that matches. */
export function once(
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

/** The invariants a scenario's report found broken. */
export const invariants = (report: ScenarioReport): Set<Violation['invariant']> =>
  new Set(report.violations.map((violation) => violation.invariant));
