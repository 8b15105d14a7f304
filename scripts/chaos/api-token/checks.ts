// The API token checks at the end of a run (once the emulator has answered everything): invariants 1, 2, 3 and
// 5 as scripts/chaos/INVARIANTS.md words them for API tokens, the protocol limits, then the shared checks.

import type { Emulator } from '../../../emulator/server.ts';
import type { DistRun } from '../../run-dist.ts';
import { checkAgainAndHang } from '../harness/checks.ts';
import type { TargetDef } from '../harness/world.ts';
import type { ApiTokenLimit } from './limits.ts';
import type { ApiTokenScenarioConfig } from './scenario.ts';
import { describeValue, type ApiTokenWatch } from './watch.ts';
import { API_TOKEN_NAME, apiHolding, namedApiTokens, type ApiHolding, type ApiTokenView } from './world.ts';

/** The tokens named alike that the action can see: expired ones are not listed. */
const listedTokens = (named: readonly ApiTokenView[]): ApiTokenView[] =>
  named.filter((token) => token.status !== 'expired');

/** Every target holds the working value of the one listed token named alike. */
export function allCurrent(emu: Emulator, config: ApiTokenScenarioConfig): boolean {
  const listed = listedTokens(namedApiTokens(emu, config.owner));
  return (
    listed.length === 1 &&
    config.targets.every(({ def }) => {
      const held = apiHolding(emu, def);
      return held.works && held.tokenId === listed[0]?.id;
    })
  );
}

/** Invariants 1 (a value written in this run works), 2 and 3 for every target. */
function checkTargets(
  watch: ApiTokenWatch,
  run: DistRun,
  listed: readonly ApiTokenView[],
  ids: string
): void {
  const { emu, config, kind } = watch;
  const reported = run.outputs['token-id'];
  for (const { def } of config.targets) {
    const label = def.line;
    const start = watch.start.get(label) as ApiHolding;
    const now = apiHolding(emu, def);
    const describe = (): string => describeValue(emu, now, watch.known.ids);
    if (now.value !== undefined && now.value !== start.value && !now.works)
      watch.add(1, `${label} was written in this run and holds a value that does not work: ${describe()}`);
    if (run.exitCode === 0 && !(now.works && now.tokenId === reported))
      watch.add(2, `the run exited 0 (token-id ${reported ?? '-'}) but ${label} holds ${describe()}`);
    if (kind === 'heal' && !(listed.length === 1 && now.works && now.tokenId === listed[0]?.id))
      watch.add(
        3,
        `after the healthy re-run ${label} holds ${describe()} (tokens named '${API_TOKEN_NAME}': ${ids})`
      );
  }
}

export function checkRunEnd(watch: ApiTokenWatch, run: DistRun, limits: Set<ApiTokenLimit>): void {
  watch.checkAccess('at the end of the run');
  const named = namedApiTokens(watch.emu, watch.config.owner);
  const listed = listedTokens(named);
  const ids = listed.map((token) => token.id).join(', ') || 'none';
  if (watch.issued.create + watch.issued.roll > 1)
    watch.add(
      5,
      `${watch.issued.create} create and ${watch.issued.roll} roll request(s) were sent in one run`
    );
  if (run.exitCode === 0 && listed.length !== 1)
    watch.add(5, `the run exited 0 but ${listed.length} tokens named '${API_TOKEN_NAME}' exist (${ids})`);
  checkTargets(watch, run, listed, ids);
  if (watch.kind === 'heal') {
    if (run.exitCode !== 0) watch.add(3, `the healthy re-run exited ${run.exitCode ?? run.signal}`);
    if (listed.length !== 1)
      watch.add(
        3,
        `after the healthy re-run ${listed.length} tokens named '${API_TOKEN_NAME}' exist (${ids})`
      );
    if (named.length > listed.length) limits.add('expired-left');
  }
  checkAgainAndHang(watch, run);
}

/**
 * Running as the rolled token, its own secret holds a value the run's roll killed: the workflow cannot run
 * again (API_TOKEN_LIMITS['self-roll-lost']). Any other dead value there is a violation found elsewhere.
 */
export function selfRollLost(emu: Emulator, config: ApiTokenScenarioConfig, watch: ApiTokenWatch): boolean {
  if (config.runAs !== 'self' || config.strategy !== 'roll') return false;
  const home = apiHolding(emu, (config.targets[0] as { def: TargetDef }).def);
  return !home.works && home.value !== undefined && watch.rolledAway.has(home.value);
}
