// Runs one API token scenario through the shared flow (harness/scenario-run.ts): what differs for API tokens
// is the starting state, the inputs (who runs the action), the watch, the end-of-run checks, the protocol limits
// and the roll's gaps.

import type { Emulator } from '../../../emulator/server.ts';
import { runScenarioWith, type Credential } from '../harness/scenario-run.ts';
import type { ScenarioOptions, ScenarioReport } from '../harness/types.ts';
import { ACCOUNT, CF_TOKEN, commonInputs, type TargetDef } from '../harness/world.ts';
import { allCurrent, checkRunEnd, selfRollLost } from './checks.ts';
import type { ApiTokenLimit } from './limits.ts';
import type { ApiTokenScenarioConfig } from './scenario.ts';
import { seedWorld } from './seed.ts';
import { ApiTokenWatch, collectValues, type KnownValues } from './watch.ts';
import { API_SECRET_NAME, API_TOKEN_NAME, API_TOKEN_POLICY, apiHolding, apiTokenFixture } from './world.ts';

/** Running as 'deploy' itself, the action's token is read from the workflow's own secret, as a workflow would. */
function inputs(
  config: ApiTokenScenarioConfig,
  emu: Emulator,
  proxyUrl: string,
  mode: string
): Record<string, string> {
  const home = config.targets[0] as { def: TargetDef };
  const apiToken =
    config.runAs === 'self'
      ? (emu.github.secretPlaintext({ ...home.def.scope, name: API_SECRET_NAME }) ?? '')
      : CF_TOKEN;
  return {
    ...commonInputs(config.targets, proxyUrl, mode),
    'cloudflare-api-token': apiToken,
    credential: 'api-token',
    'api-token-secret-name': 'CLOUDFLARE_API_TOKEN',
    strategy: config.strategy,
    ...(config.owner === 'account' ? { 'account-id': ACCOUNT } : {}),
    'token-name': API_TOKEN_NAME,
    'api-token-policy': API_TOKEN_POLICY
  };
}

/** The roll's gap in the faulty run: targets that lost access across it, and those it gave a working value again. */
function rollGaps(emu: Emulator, config: ApiTokenScenarioConfig, faulty: ApiTokenWatch) {
  return {
    lost: faulty.gaps.size,
    restored: config.targets.filter(({ def }) => faulty.gaps.has(def.line) && apiHolding(emu, def).works)
      .length
  };
}

export const apiToken: Credential<ApiTokenScenarioConfig, ApiTokenWatch> = {
  fixture: (config) => apiTokenFixture(config.runAs === 'account' ? 'account' : 'user'),
  async open(config, emu) {
    const known: KnownValues = { values: new Set(await seedWorld(emu, config)), ids: new Map() };
    collectValues(emu, known);
    const limits = new Set<ApiTokenLimit>();
    let gaps = { lost: 0, restored: 0 };
    return {
      secrets: known.values,
      watch: (kind, kill) => new ApiTokenWatch(kind, emu, config, known, kill),
      inputs: (proxyUrl, mode) => inputs(config, emu, proxyUrl, mode),
      finishRun(watch, run) {
        collectValues(emu, known);
        checkRunEnd(watch, run, limits);
      },
      allTargetsCurrent: () => allCurrent(emu, config),
      healable(faulty) {
        gaps = rollGaps(emu, config, faulty);
        if (!selfRollLost(emu, config, faulty)) return true;
        limits.add('self-roll-lost');
        return false;
      },
      findings: () => ({ lockouts: [], limits: [...limits], rollGaps: gaps })
    };
  }
};

export function runApiTokenScenario(
  config: ApiTokenScenarioConfig,
  options: ScenarioOptions = {}
): Promise<ScenarioReport<ApiTokenScenarioConfig>> {
  return runScenarioWith(apiToken, config, options);
}
