// What one scenario is and reports, for either credential: its runs, the invariants they broke (numbered as in
// scripts/chaos/INVARIANTS.md) and the outcomes that are counted but not flagged.

import type { Emulator } from '../../../emulator/server.ts';
import type { Exchange } from '../proxy.ts';
import type { KillPlan, PlannedFault } from './faults.ts';
import type { TargetDef } from './world.ts';

/** The faulty run, the healthy re-run that must heal, and the second healthy run that must change nothing. */
export type RunKind = 'faulty' | 'heal' | 'again';

export interface Violation {
  /** The invariant's number in scripts/chaos/INVARIANTS.md; 'hang': a run that did not finish in time. */
  readonly invariant: 1 | 2 | 3 | 4 | 5 | 6 | 'hang';
  readonly run: RunKind;
  readonly detail: string;
}

/** What every scenario has, whichever credential it rotates. */
export interface BaseScenarioConfig {
  readonly seed: number;
  readonly mode: 'auto' | 'rotate';
  readonly targets: ReadonlyArray<{ readonly def: TargetDef; readonly start: string }>;
  readonly faults: readonly PlannedFault[];
  readonly kill: KillPlan | undefined;
  /** How far the emulator clock moves between two runs (a runner does not start a job instantly). */
  readonly pauseMs: number;
}

/** A consumer locked out only because Cloudflare keeps a single previous secret (see the report). */
export interface ProtocolLockout {
  readonly run: RunKind;
  readonly target: string;
  /** How long it lasted within the run, in ms of wall time; undefined when it outlasted the run. */
  readonly durationMs: number | undefined;
}

export interface RunReport {
  readonly kind: RunKind;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly result: string | undefined;
  readonly killedAt: string | undefined;
  /** Every target holds the current credential at the end of the run. */
  readonly allTargetsCurrent: boolean;
  /** The last ::error:: line (the one that failed the run), if any. */
  readonly error: string | undefined;
  readonly durationMs: number;
  readonly log: string;
  readonly requests: string[];
}

/** The report fields only one credential fills in. */
export interface CredentialFindings {
  /** Service tokens: lockouts the protocol cannot avoid (none for API tokens). */
  readonly lockouts: ProtocolLockout[];
  /** API tokens: outcomes the protocol cannot avoid (api-token/limits.ts), not violations. */
  readonly limits?: readonly string[];
  /** API tokens, strategy roll: targets that lost access across the faulty run's roll (by design), and how many of them held a working value again when it ended. */
  readonly rollGaps?: { readonly lost: number; readonly restored: number };
}

export interface ScenarioReport<
  Config extends BaseScenarioConfig = BaseScenarioConfig
> extends CredentialFindings {
  readonly config: Config;
  readonly runs: RunReport[];
  readonly violations: Violation[];
  /** Fault labels as the emulator logged them, one per faulted request. */
  readonly firedFaults: string[];
  readonly killed: boolean;
  readonly healed: boolean;
  readonly durationMs: number;
}

export interface ScenarioOptions {
  /**
   * Test hook to prove the checks catch a misbehaving action: called on every request of the faulty run as it
   * arrives, e.g. to send a second rotate behind the action's back.
   */
  readonly sabotage?: (exchange: Exchange, context: { emu: Emulator; proxyUrl: string }) => void;
}
