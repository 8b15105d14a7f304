// Runs one service token scenario through the shared flow (harness/scenario-run.ts): what differs for Access
// service tokens is the starting state, the inputs, the watch, the end-of-run checks and the lockouts it counts.

import type { Emulator } from '../../../emulator/server.ts';
import { runScenarioWith, type Credential } from '../harness/scenario-run.ts';
import type { ProtocolLockout, ScenarioOptions, ScenarioReport } from '../harness/types.ts';
import { ACCOUNT, CF_TOKEN, ZONE, commonInputs } from '../harness/world.ts';
import { allCurrent, checkRunEnd } from './checks.ts';
import { GRACE, type ScenarioConfig } from './scenario.ts';
import { seedWorld } from './seed.ts';
import { ServiceTokenWatch } from './watch.ts';
import { TOKEN_NAME, fixture } from './world.ts';

function inputs(config: ScenarioConfig, proxyUrl: string, mode: string): Record<string, string> {
  return {
    ...commonInputs(config.targets, proxyUrl, mode),
    'cloudflare-api-token': CF_TOKEN,
    ...(config.zoneScope ? { 'zone-id': ZONE } : { 'account-id': ACCOUNT }),
    'token-name': TOKEN_NAME,
    'previous-secret-grace': GRACE,
    'revoke-previous': String(config.revokePrevious),
    'client-id-as-variable': String(config.clientIdAsVariable),
    // A missing token is created over the targets' leftover secrets: on purpose here, so opted in.
    ...(config.token === 'missing' ? { 'allow-overwrite': 'true' } : {}),
    ...(config.verify ? { 'verify-url': `${proxyUrl}/access/app` } : {})
  };
}

/** Every secret of every service token the emulator holds, the previous ones included. */
function allTokenSecrets(emu: Emulator, into: Set<string>): void {
  for (const token of emu.cloudflare.tokens()) {
    into.add(token.clientSecret);
    if (token.previousClientSecret) into.add(token.previousClientSecret);
  }
}

function lockouts(watches: readonly ServiceTokenWatch[]): ProtocolLockout[] {
  return watches.flatMap((watch) =>
    [...watch.lockouts.entries()].map(([target, window]) => ({
      run: watch.kind,
      target,
      durationMs: window.to === undefined ? undefined : window.to - window.from
    }))
  );
}

export const serviceToken: Credential<ScenarioConfig, ServiceTokenWatch> = {
  fixture: (config) => fixture(config.profile),
  open(config, emu) {
    const secrets = new Set(seedWorld(emu, config));
    allTokenSecrets(emu, secrets);
    return Promise.resolve({
      secrets,
      watch: (kind, kill) => new ServiceTokenWatch(kind, emu, config, secrets, kill),
      inputs: (proxyUrl, mode) => inputs(config, proxyUrl, mode),
      finishRun(watch, run) {
        allTokenSecrets(emu, secrets);
        checkRunEnd(watch, run);
      },
      allTargetsCurrent: () => allCurrent(emu, config),
      findings: (watches) => ({ lockouts: lockouts(watches) })
    });
  }
};

export function runScenario(
  config: ScenarioConfig,
  options: ScenarioOptions = {}
): Promise<ScenarioReport<ScenarioConfig>> {
  return runScenarioWith(serviceToken, config, options);
}
