// The service token checks at the end of a run (after the kill, once the emulator has answered everything):
// invariants 1, 2, 3 and 5 as scripts/chaos/INVARIANTS.md words them for service tokens, then the shared ones.

import type { Emulator } from '../../../emulator/server.ts';
import type { DistRun } from '../../run-dist.ts';
import { checkAgainAndHang } from '../harness/checks.ts';
import type { ScenarioConfig } from './scenario.ts';
import { describeHolding, type ServiceTokenWatch } from './watch.ts';
import { TOKEN_NAME, holding, namedTokens, type Holding, type TokenView } from './world.ts';

function matchesToken(held: Holding, token: TokenView | undefined): boolean {
  return Boolean(
    token && held.works && held.clientId === token.clientId && held.clientSecret === token.clientSecret
  );
}

/** Exactly one token of the name, and every target holds its client id and current secret. */
export function allCurrent(emu: Emulator, config: ScenarioConfig): boolean {
  const tokens = namedTokens(emu, config.zoneScope);
  return (
    tokens.length === 1 &&
    config.targets.every(({ def }) => matchesToken(holding(emu, def, config.clientIdAsVariable), tokens[0]))
  );
}

/** Invariant 5: one token of the name, at most one create and one rotate. */
function checkIssued(watch: ServiceTokenWatch, tokens: readonly TokenView[]): void {
  if (tokens.length > 1)
    watch.add(
      5,
      `${tokens.length} service tokens named '${TOKEN_NAME}' exist (ids ${tokens.map((t) => t.id).join(', ')})`
    );
  for (const kindOfCall of ['create', 'rotate'] as const) {
    if (watch.issued[kindOfCall] > 1)
      watch.add(
        5,
        `${watch.issued[kindOfCall]} ${kindOfCall} requests (create/rotate/version-bump PUT) were sent in one run`
      );
  }
}

/** Invariants 1 (end of run), 2 and 3 for every target. */
function checkTargets(watch: ServiceTokenWatch, run: DistRun, tokens: readonly TokenView[]): void {
  const { emu, config, kind } = watch;
  const token = tokens.length === 1 ? tokens[0] : undefined;
  for (const start of watch.start) {
    const label = start.def.line;
    const now = holding(emu, start.def, config.clientIdAsVariable);
    // Invariant 1, end of run: only what did not work before may still not work, and never as a new broken value.
    if (!now.works && !start.holding.works && now.clientSecret !== undefined) {
      const unchanged =
        now.clientSecret === start.holding.clientSecret && now.clientId === start.holding.clientId;
      const validSecret =
        token !== undefined && emu.cloudflare.authenticates(token.clientId, now.clientSecret);
      // A secret written but its client id not (yet): incomplete, acceptable only in a run that did not succeed.
      if (!unchanged && !(validSecret && run.exitCode !== 0))
        watch.add(
          1,
          `${label} did not work before the run and now holds a secret that is not accepted: ${describeHolding(now, token)}`
        );
    }
    if (run.exitCode === 0 && !matchesToken(now, token))
      watch.add(
        2,
        `the run exited 0 but ${label} does not hold the current secret: ${describeHolding(now, token)}${token ? '' : ` (${tokens.length} tokens named '${TOKEN_NAME}')`}`
      );
    if (kind === 'heal' && !matchesToken(now, token))
      watch.add(
        3,
        `after the healthy re-run ${label} does not hold the current secret: ${describeHolding(now, token)}`
      );
  }
}

/** Invariants 1, 2, 3, 5 and 6 at the end of a run (after the kill, once the emulator has answered everything). */
export function checkRunEnd(watch: ServiceTokenWatch, run: DistRun): void {
  watch.checkAccess('at the end of the run');
  const tokens = namedTokens(watch.emu, watch.config.zoneScope);
  checkIssued(watch, tokens);
  checkTargets(watch, run, tokens);
  if (watch.kind === 'heal' && run.exitCode !== 0)
    watch.add(3, `the healthy re-run exited ${run.exitCode ?? run.signal}`);
  checkAgainAndHang(watch, run);
}
