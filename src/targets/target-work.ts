import type { PublicKey, SecretMetadata, SecretTarget, VariableMetadata } from '../github/secret-target.js';
import type { Target } from '../settings/targets.js';
import { isFailed, type Slot, type SlotOutcome, type TargetOutcome, type WriteStatus } from './slots.js';

/**
 * One target as a run carries it through observe (its secrets' metadata) → preflight (archived, public key)
 * → distribute (a status per slot) → the failure report.
 */
export class TargetWork {
  readonly adapter: SecretTarget;
  readonly outcome: TargetOutcome;
  /** Metadata of every secret in the target, by upper-case name; read by `observeTargets`. */
  secrets = new Map<string, SecretMetadata>();
  /** Its Actions variables, read only where a slot is kept as a variable. */
  variables: Map<string, VariableMetadata> | undefined;
  key: PublicKey | undefined;
  /** Slots this run already wrote before distributing (the service token's write probe). */
  readonly done = new Set<string>();
  private readonly bySlot: Map<string, SlotOutcome>;

  constructor(adapter: SecretTarget, slots: readonly Slot[]) {
    this.adapter = adapter;
    const outcomes = slots.map((slot): SlotOutcome => ({
      slot,
      as: slot.asVariable && adapter.variables ? 'variable' : 'secret',
      status: 'unchanged'
    }));
    this.outcome = { label: adapter.label, kind: adapter.target.kind, slots: outcomes };
    this.bySlot = new Map(outcomes.map((outcome) => [outcome.slot.key, outcome]));
  }

  get label(): string {
    return this.adapter.label;
  }

  get target(): Target {
    return this.adapter.target;
  }

  status(key: string): WriteStatus {
    return this.slot(key).status;
  }

  setStatus(key: string, status: WriteStatus): void {
    this.slot(key).status = status;
  }

  /** Every slot at once (an archived target, a dry run's plan). */
  setAll(status: WriteStatus): void {
    for (const outcome of this.outcome.slots) outcome.status = status;
  }

  /** Whether the value itself (not only a companion) failed to be written. */
  valueFailed(): boolean {
    return this.outcome.slots.some((outcome) => outcome.slot.role === 'value' && isFailed(outcome.status));
  }

  usesVariable(slot: Slot): boolean {
    return this.slot(slot.key).as === 'variable';
  }

  private slot(key: string): SlotOutcome {
    const outcome = this.bySlot.get(key);
    if (!outcome) throw new Error(`No slot '${key}' in ${this.label}.`);
    return outcome;
  }
}
