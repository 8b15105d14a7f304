// Watches one API token run request by request: counts creates and rolls (invariant 5), notes the values a
// roll kills, collects every token value the emulator holds (invariant 4), and checks that a target whose value
// works keeps a working value (invariant 1), except for the gap a roll accepts.

import type { Emulator } from '../../../emulator/server.ts';
import type { Exchange } from '../proxy.ts';
import { shortHash } from '../harness/checks.ts';
import type { KillPlan } from '../harness/faults.ts';
import type { RunKind } from '../harness/types.ts';
import { Watch } from '../harness/watch.ts';
import type { ApiTokenScenarioConfig } from './scenario.ts';
import { apiHolding, tokensBase, type ApiHolding } from './world.ts';

/** Every token value seen so far, and the id of its token (to name an old value in a report). */
export interface KnownValues {
  readonly values: Set<string>;
  readonly ids: Map<string, string>;
}

/** Every API token value the emulator holds right now (the management token's included). */
export function collectValues(emu: Emulator, known: KnownValues): void {
  for (const token of emu.cloudflare.apiTokens()) {
    known.values.add(token.value);
    known.ids.set(token.value, token.id);
  }
}

/** Names a value by its token (and a short hash, never a part of it). */
export function describeValue(emu: Emulator, held: ApiHolding, ids: ReadonlyMap<string, string>): string {
  if (held.value === undefined) return 'no value';
  const hash = shortHash(held.value);
  const id = held.tokenId ?? ids.get(held.value);
  const live = held.tokenId ? emu.cloudflare.apiToken(held.tokenId) : undefined;
  const what = live
    ? `the value of token ${live.id} (${live.status})`
    : id
      ? `an old value of token ${id} (${emu.cloudflare.apiToken(id) ? 'rolled since' : 'deleted'})`
      : 'a value of no known token';
  return `${what} #${hash} (${held.works ? 'accepted' : 'not accepted'})`;
}

export class ApiTokenWatch extends Watch {
  readonly issued = { create: 0, roll: 0 };
  /** Values this run's roll killed: losing one of them is the gap strategy roll accepts. */
  readonly rolledAway = new Set<string>();
  /** Targets that lost access across the roll (by design). */
  readonly gaps = new Set<string>();
  readonly start: Map<string, ApiHolding>;
  /** What each target held the last time its value worked (undefined: it has not worked since the run began). */
  readonly #working = new Map<string, ApiHolding | undefined>();

  readonly emu: Emulator;
  readonly config: ApiTokenScenarioConfig;
  readonly known: KnownValues;

  constructor(
    kind: RunKind,
    emu: Emulator,
    config: ApiTokenScenarioConfig,
    known: KnownValues,
    kill: KillPlan | undefined
  ) {
    super(kind, kill);
    this.emu = emu;
    this.config = config;
    this.known = known;
    this.start = new Map(config.targets.map(({ def }) => [def.line, apiHolding(emu, def)]));
    for (const [label, held] of this.start) this.#working.set(label, held.works ? held : undefined);
  }

  // The stage here: the create, roll, renewal, or the delete of a leftover.
  protected noteArrival(exchange: Exchange): void {
    const base = tokensBase(this.config.owner);
    if (exchange.api === 'cloudflare' && exchange.method === 'POST' && exchange.path === base)
      this.issued.create += 1;
    const roll = /\/tokens\/([0-9a-f]{32})\/value$/.exec(exchange.path);
    if (exchange.api === 'cloudflare' && exchange.method === 'PUT' && roll) {
      this.issued.roll += 1;
      const token = this.emu.cloudflare.apiToken(roll[1] as string);
      if (token) this.rolledAway.add(token.value);
    }
  }

  protected noteServed(): void {
    collectValues(this.emu, this.known);
  }

  /** Invariant 1 between requests: a target that works keeps working (strategy roll: but for the rolled value). */
  checkAccess(when: string): void {
    for (const { def } of this.config.targets) {
      const label = def.line;
      const now = apiHolding(this.emu, def);
      const was = this.#working.get(label);
      this.#working.set(label, now.works ? now : undefined);
      if (!was || now.works) continue;
      if (this.config.strategy === 'roll' && now.value !== undefined && this.rolledAway.has(now.value)) {
        this.gaps.add(label);
        continue;
      }
      const since = was.value === this.start.get(label)?.value ? 'since the start' : 'written in this run';
      this.lostAccess(
        label,
        () =>
          `${label} lost access ${when}: it held ${describeValue(this.emu, was, this.known.ids)} (${since}) and now holds ${describeValue(this.emu, now, this.known.ids)}`
      );
    }
  }
}
