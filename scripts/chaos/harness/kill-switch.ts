// Kills the action with SIGKILL at the request a scenario planned, so that the kill lands between the stage (the
// first change on Cloudflare) and the finish.

import type { ChildProcess } from 'node:child_process';
import type { ArrivalDecision, Exchange } from '../proxy.ts';
import type { KillPlan } from './faults.ts';

/**
 * Counts requests from the first change on Cloudflare (a create, rotate, roll or renewal, or a delete: any
 * request but a GET) on, and kills the action when the planned one arrives.
 */
export class KillSwitch {
  killedAt: string | undefined;
  child: ChildProcess | undefined;
  #staged = false;
  #sinceStage = 0;
  readonly #plan: KillPlan | undefined;

  constructor(plan: KillPlan | undefined) {
    this.#plan = plan;
  }

  onArrival(exchange: Exchange): ArrivalDecision {
    if (!this.#plan || this.killedAt !== undefined || exchange.api === 'other') return 'pass';
    if (!this.#staged) {
      if (exchange.api !== 'cloudflare' || exchange.method === 'GET') return 'pass';
      this.#staged = true;
    } else this.#sinceStage += 1;
    if (this.#sinceStage !== this.#plan.after || !this.child) return 'pass';
    this.killedAt = `${exchange.method} ${exchange.api} ${exchange.path} (${this.#plan.forward ? 'the request still reached the emulator' : 'the request never left'})`;
    this.child.kill('SIGKILL');
    return this.#plan.forward ? 'kill-and-forward' : 'kill-and-drop';
  }
}
