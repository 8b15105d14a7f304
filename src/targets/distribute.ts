import * as core from '@actions/core';
import { githubReason } from '../github/api-errors.js';
import type { Target } from '../settings/targets.js';
import type { FanOut } from './fan-out.js';
import type { TargetPorts } from './ports.js';
import { writeOrder, type Slot, type WriteStatus } from './slots.js';
import type { TargetWork } from './target-work.js';

/** Runs one write and turns its outcome into a status; a failure is recorded, never thrown. */
async function attempt(
  work: TargetWork,
  name: string,
  write: () => Promise<'created' | 'updated'>
): Promise<WriteStatus> {
  try {
    const status = await write();
    core.info(`${work.label}: ${name} ${status}.`);
    return status;
  } catch (error) {
    const reason = githubReason(error);
    core.warning(`${work.label}: writing ${name} failed (${reason}).`);
    return `failed: ${reason}`;
  }
}

/** Seals `plaintext` with the target's public key (read in the preflight) and writes it as secret `name`. */
export function writeSecret(
  work: TargetWork,
  name: string,
  plaintext: string,
  ports: Pick<TargetPorts, 'seal'>
): Promise<WriteStatus> {
  return attempt(work, name, async () => {
    const key = work.key;
    if (!key) throw new Error(`No public key was read for ${work.label}.`);
    return work.adapter.write(name, {
      encryptedValue: await ports.seal(plaintext, key.key),
      keyId: key.keyId
    });
  });
}

/** A slot goes into a variable where it is kept as one and the target has variables, else into a secret. */
export function writeSlot(
  work: TargetWork,
  slot: Slot,
  value: string,
  ports: Pick<TargetPorts, 'seal'>
): Promise<WriteStatus> {
  const variables = work.adapter.variables;
  if (!work.usesVariable(slot) || !variables) return writeSecret(work, slot.name, value, ports);
  return attempt(work, `variable ${slot.name}`, () =>
    variables.write(slot.name, value, work.variables?.has(slot.name) ?? false)
  );
}

/** Which slots one target gets. */
export interface PlannedTargetWrite {
  readonly target: Target;
  readonly slots: readonly string[];
}

/**
 * Writes the planned slots, one target after another (the client paces and retries each write). A target
 * that fails does not stop the others; each outcome is recorded. A slot without a value in `values` (no new
 * secret was issued) and one the preflight already wrote are left alone; a companion is skipped where its
 * value could not be written.
 */
export async function distribute(
  fanOut: FanOut,
  writes: readonly PlannedTargetWrite[],
  values: ReadonlyMap<string, string>,
  ports: Pick<TargetPorts, 'seal'>
): Promise<void> {
  const order = writeOrder(fanOut.slots);
  for (const [index, write] of writes.entries()) {
    const work = fanOut.get(write.target);
    const planned = new Set(write.slots);
    for (const slot of order) {
      const value = values.get(slot.key);
      if (!planned.has(slot.key) || work.done.has(slot.key) || value === undefined) continue;
      work.setStatus(
        slot.key,
        slot.role === 'companion' && work.valueFailed()
          ? 'skipped'
          : await writeSlot(work, slot, value, ports)
      );
    }
    // The README's promise: where the value failed, a companion left as it was shows as skipped.
    if (work.valueFailed()) {
      for (const slot of order)
        if (slot.role === 'companion' && work.status(slot.key) === 'unchanged')
          work.setStatus(slot.key, 'skipped');
    }
    if ((index + 1) % 50 === 0) core.info(`${index + 1} of ${writes.length} targets written.`);
  }
}
