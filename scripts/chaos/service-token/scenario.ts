// From a seed, one service token scenario: the starting state, the inputs, the faults and where (if anywhere) to
// kill the action. Pure: the same seed always gives the same scenario, so any finding can be replayed with --seed.

import { planFaults, planKill, faultFor, type KillPlan, type PlannedFault } from '../harness/faults.ts';
import { pickTargets } from '../harness/routes.ts';
import type { TargetDef } from '../harness/world.ts';
import { random, type Random } from '../random.ts';
import type { ResponseProfile } from '../../../emulator/cloudflare/service-tokens.ts';
import { routes } from './routes.ts';

export type TokenStart =
  /** No token with the name: auto creates one. */
  | 'missing'
  /** Rotated days ago, expiry far away. */
  | 'fresh'
  /** Expires within the renewal window (auto renews and rotates). */
  | 'expiring'
  /** Already expired: nothing works until a run renews and rotates. */
  | 'expired'
  /** An earlier rotation minutes ago did not finish: its previous secret is still inside the grace. */
  | 'in-grace';

export type TargetStart =
  /** Client id and current secret, written after the last rotation. */
  | 'current'
  /** Client id and the previous secret (token 'in-grace' only): still works, looks stale. */
  | 'previous'
  /** Client id and a secret that no longer works, written long before the last rotation. */
  | 'stale'
  /** Client id only. */
  | 'id-only'
  /** Nothing. */
  | 'missing'
  /** Token missing only: id and secret of a token deleted long ago. */
  | 'leftover';

export interface ScenarioTarget {
  readonly def: TargetDef;
  readonly start: TargetStart;
}

export interface ScenarioConfig {
  readonly seed: number;
  /** How much of a service token the emulated Cloudflare answers with (rich, or only the declared fields). */
  readonly profile: ResponseProfile;
  /** Whether an earlier run's rotation record is there (missing: the run adopts the token). */
  readonly record: 'kept' | 'missing';
  readonly zoneScope: boolean;
  readonly mode: 'auto' | 'rotate';
  readonly token: TokenStart;
  readonly targets: readonly ScenarioTarget[];
  readonly verify: boolean;
  readonly revokePrevious: boolean;
  readonly clientIdAsVariable: boolean;
  readonly faults: readonly PlannedFault[];
  readonly kill: KillPlan | undefined;
  /** How far the emulator clock moves between two runs (a runner does not start a job instantly). */
  readonly pauseMs: number;
}

export const GRACE = '1h';

function targetStart(rng: Random, token: TokenStart): TargetStart {
  switch (token) {
    case 'missing':
      return rng.weighted<TargetStart>([
        ['missing', 3],
        ['leftover', 1]
      ]);
    case 'in-grace':
      return rng.weighted<TargetStart>([
        ['current', 3],
        ['previous', 3],
        ['stale', 1],
        ['missing', 1]
      ]);
    case 'expired':
      return rng.weighted<TargetStart>([
        ['current', 4],
        ['missing', 1]
      ]);
    default:
      return rng.weighted<TargetStart>([
        ['current', 6],
        ['stale', 1],
        ['missing', 1],
        ['id-only', 0.5]
      ]);
  }
}

/**
 * The same seed gives the same scenario in both profiles, except that the minimal profile has no zone scope:
 * there a rotation needs the undeclared client_secret_version, so the action refuses it (a documented limit).
 */
export function scenario(seed: number, profile: ResponseProfile = 'rich'): ScenarioConfig {
  const rng = random(seed);
  const token = rng.weighted<TokenStart>([
    ['missing', 3],
    ['fresh', 4],
    ['expiring', 2],
    ['expired', 0.5],
    ['in-grace', 2]
  ]);
  const zoneScope = rng.chance(0.25) && profile === 'rich';
  const mode = rng.chance(0.2) ? 'rotate' : 'auto';
  const count = rng.int(2, 6);
  const targets = pickTargets(rng, count).map((def) => ({ def, start: targetStart(rng, token) }));
  const base = {
    zoneScope,
    mode,
    token,
    targets,
    verify: rng.chance(0.3),
    revokePrevious: rng.chance(0.3),
    clientIdAsVariable: rng.chance(0.15)
  } as const;
  // Most calls happen once per run; the PUT of the token (renew, version bump, finish), the client id (probe,
  // then write), the token list and the token (before the rotate, and to read back a lost one) can come again.
  const faults = planFaults(
    rng,
    routes(base),
    faultFor,
    /PUT token|CF_ACCESS_CLIENT_ID|GET list|GET token|record/
  );
  // After the stage (renewal, create/rotate) come the writes (the secret, and the client id where it changes),
  // verify-url and the finish.
  const afterStage = count + (token === 'missing' ? count : 0) + (base.verify ? 1 : 0) + 2;
  const kill = planKill(rng, 0.25, afterStage);
  const pauseMs = rng.int(30_000, 90_000);
  const record = token === 'missing' || rng.chance(0.75) ? 'kept' : 'missing';
  return { seed, profile, record, ...base, faults, kill, pauseMs };
}

export function describeServiceTokenConfig(config: ScenarioConfig): string {
  return `seed ${config.seed} (${config.profile}): rotation record ${config.record}, ${config.zoneScope ? 'zone' : 'account'} scope, mode ${config.mode}, token ${config.token}, verify-url ${config.verify ? 'on' : 'off'}, revoke-previous ${config.revokePrevious}, client-id-as-variable ${config.clientIdAsVariable}`;
}
