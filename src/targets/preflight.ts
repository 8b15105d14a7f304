import * as core from '@actions/core';
import type { RotatorError } from '../errors.js';
import type { RunRecord } from '../run/record.js';
import { targetLabel, type Target } from '../settings/targets.js';
import type { FanOut } from './fan-out.js';
import { findArchived, prepareWrites, readPublicKeys } from './observe.js';
import type { TargetPorts } from './ports.js';
import { ARCHIVED, writeOrder } from './slots.js';
import type { TargetWork } from './target-work.js';
import { probeWriteAccess, type WriteProbe } from './write-probe.js';

export interface PreflightRequest {
  /** The targets to write, in the order their checks run. */
  readonly wanted: readonly Target[];
  /**
   * When a change is due only because these targets lack the current value: if all of them are archived,
   * the change would help no one and is refused with `uselessChange`.
   */
  readonly rotationOnlyFor: readonly Target[];
  readonly uselessChange: () => RotatorError;
  /** Proves github-token may write before a change that cannot be undone. */
  readonly probe: WriteProbe | undefined;
}

/** Whether a change is wanted only for targets (`rotationOnlyFor`, none: not only) that are all archived. */
export function onlyForArchived(
  rotationOnlyFor: readonly Target[],
  archived: ReadonlySet<TargetWork>
): boolean {
  const labels = new Set([...archived].map((work) => work.label));
  return rotationOnlyFor.length > 0 && rotationOnlyFor.every((target) => labels.has(targetLabel(target)));
}

/** Targets in archived repositories are never written: reported as failed, with a warning saying why. */
function markArchived(archived: ReadonlySet<TargetWork>): void {
  for (const work of archived) {
    work.setAll(ARCHIVED);
    core.warning(
      `${work.label}: the repository is archived (read-only), so it is left out. Remove it from targets.`
    );
  }
}

/**
 * Everything the writes need, checked before anything changes: archived repositories (reported as failed
 * and left out), the organization targets' access settings, one public key per key scope, and, where asked,
 * that github-token may write. Returns the targets that will be written.
 */
export async function preflight(
  fanOut: FanOut,
  request: PreflightRequest,
  ports: Pick<TargetPorts, 'isArchived' | 'loadSeal'>,
  record: RunRecord
): Promise<TargetWork[]> {
  // Loaded beside the reads; awaited before the write probe, the first write.
  const sealing = ports.loadSeal?.();
  sealing?.catch(() => undefined);
  const wanted = fanOut.select(request.wanted);
  const archived = await findArchived(wanted, (owner, repo) => ports.isArchived(owner, repo));
  markArchived(archived);
  if (onlyForArchived(request.rotationOnlyFor, archived)) throw request.uselessChange();
  const open = wanted.filter((work) => !archived.has(work));
  await prepareWrites(
    open,
    writeOrder(fanOut.slots).map((slot) => slot.name)
  );
  await readPublicKeys(open);
  await sealing;
  if (request.probe) await probeWriteAccess(open, request.probe, record);
  return open;
}
