import type { Target } from '../settings/targets.js';

/** The outcome of one slot in one target, as reported in the `targets` output and the summary. */
/** `checked`: rewritten with the value it held, as the write-permission check; not a change. */
export type WriteStatus =
  'created' | 'updated' | 'unchanged' | 'checked' | 'planned' | 'skipped' | `failed: ${string}`;

/**
 * A named value a credential writes into every target. The `value` is the credential itself (a client
 * secret, an API token); a `companion` (a service token's client id) is no use without it, so it is written
 * after the value and skipped where the value could not be written.
 */
export interface Slot {
  /** How the credential refers to the slot ('clientSecret', 'clientId', 'apiToken'). */
  readonly key: string;
  /** The secret's (or variable's) upper-case name. */
  readonly name: string;
  readonly role: 'value' | 'companion';
  /** Kept as an Actions variable where the target has variables (a client id is no secret). */
  readonly asVariable: boolean;
}

/** Values before companions: the order in which a target's slots are prepared and written. */
export function writeOrder(slots: readonly Slot[]): Slot[] {
  return [...slots].sort((a, b) => Number(a.role === 'companion') - Number(b.role === 'companion'));
}

/** One slot in one target, as the report shows it. */
export interface SlotOutcome {
  readonly slot: Slot;
  /** Where the value went in this target: a secret, or an Actions variable. */
  readonly as: 'secret' | 'variable';
  status: WriteStatus;
}

/** What happened to one target in this run: one entry per slot, in the credential's order. */
export interface TargetOutcome {
  readonly label: string;
  readonly kind: Target['kind'];
  readonly slots: readonly SlotOutcome[];
}

/** The status of a target in an archived repository, which is never written. */
export const ARCHIVED = 'failed: archived repository';

export function isFailed(status: WriteStatus): status is `failed: ${string}` {
  return status.startsWith('failed');
}

/** The HTTP status of a failed write (`failed: 403 Forbidden`), when the failure had one. */
export function failedStatus(status: WriteStatus): number | undefined {
  const code = /^failed: (\d{3})\b/.exec(status)?.[1];
  return code === undefined ? undefined : Number(code);
}
