// What watches one run of the action, request by request, as the proxy's hooks: it records every exchange,
// lets the kill switch act, and checks invariant 1 after every request the emulator served. Each credential
// says what it notes on the way and what "a target keeps working" means for it.

import type { ArrivalDecision, Exchange, ProxyHooks } from '../proxy.ts';
import type { KillPlan } from './faults.ts';
import { KillSwitch } from './kill-switch.ts';
import type { RunKind, Violation } from './types.ts';

/** "after PUT github /repos/… → 502": when a check between two requests found something. */
export const afterExchange = (exchange: Exchange): string =>
  `after ${exchange.method} ${exchange.api} ${exchange.path} → ${exchange.dropped ? 'dropped' : exchange.status}`;

export abstract class Watch implements ProxyHooks {
  readonly exchanges: Exchange[] = [];
  readonly violations: Violation[] = [];
  readonly kind: RunKind;
  readonly kill: KillSwitch;
  readonly #lostAccess = new Set<string>();

  constructor(kind: RunKind, kill: KillPlan | undefined) {
    this.kind = kind;
    this.kill = new KillSwitch(kill);
  }

  onArrival(exchange: Exchange): ArrivalDecision {
    this.exchanges.push(exchange);
    this.noteArrival(exchange);
    return this.kill.onArrival(exchange);
  }

  onServed(exchange: Exchange): void {
    this.noteServed(exchange);
    this.checkAccess(afterExchange(exchange));
  }

  add(invariant: Violation['invariant'], detail: string): void {
    this.violations.push({ invariant, run: this.kind, detail });
  }

  /** Invariant 1, once per target and run: a report names the first moment a target lost access. */
  protected lostAccess(target: string, detail: () => string): void {
    if (this.#lostAccess.has(target)) return;
    this.#lostAccess.add(target);
    this.add(1, detail());
  }

  /** A request arrived (before the kill switch sees it): count the calls that issue a new credential. */
  protected abstract noteArrival(exchange: Exchange): void;
  /** The emulator answered: collect the credentials it issued. */
  protected abstract noteServed(exchange: Exchange): void;
  /** Invariant 1 between requests: a target that worked keeps working. */
  abstract checkAccess(when: string): void;
}
