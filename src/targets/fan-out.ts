import type { SecretTarget } from '../github/secret-target.js';
import type { Target } from '../settings/targets.js';
import type { Slot, TargetOutcome } from './slots.js';
import { TargetWork } from './target-work.js';

/** Every target of a run, in the order of the `targets` input, with the slots its credential writes. */
export class FanOut {
  readonly slots: readonly Slot[];
  readonly works: readonly TargetWork[];
  private readonly byTarget: Map<Target, TargetWork>;
  private readonly byKey: Map<string, Slot>;

  constructor(adapters: readonly SecretTarget[], slots: readonly Slot[]) {
    this.slots = slots;
    this.works = adapters.map((adapter) => new TargetWork(adapter, slots));
    this.byTarget = new Map(this.works.map((work) => [work.target, work]));
    this.byKey = new Map(slots.map((slot) => [slot.key, slot]));
  }

  /** The outcome of every target, for the run record and the report. */
  get outcomes(): TargetOutcome[] {
    return this.works.map((work) => work.outcome);
  }

  get(target: Target): TargetWork {
    const work = this.byTarget.get(target);
    if (!work) throw new Error('A planned target is not one of the run’s targets.');
    return work;
  }

  /** The works of `targets`, in the order given. */
  select(targets: readonly Target[]): TargetWork[] {
    return targets.map((target) => this.get(target));
  }

  slot(key: string): Slot {
    const slot = this.byKey.get(key);
    if (!slot) throw new Error(`No slot '${key}'.`);
    return slot;
  }
}
