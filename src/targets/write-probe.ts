import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import type { PermissionError } from '../errors.js';
import { githubHint, githubReason } from '../github/api-errors.js';
import { logStep, type RunRecord } from '../run/record.js';
import { writeSecret, writeSlot } from './distribute.js';
import type { TargetPorts } from './ports.js';
import { failedStatus, isFailed, type Slot, type WriteStatus } from './slots.js';
import type { TargetWork } from './target-work.js';

/** The throw-away probe's own secret, written and deleted again; no workflow reads it. */
export const WRITE_PROBE_SECRET = 'CF_TOKEN_ROTATOR_WRITE_PROBE';

/** A write that proves github-token may write a target, made before anything changes on Cloudflare. */
export interface WriteProbe {
  write(work: TargetWork): Promise<WriteStatus>;
  /** The error for a target whose probe write failed (`reason` as GitHub gave it). */
  refusal(work: TargetWork, reason: string, status: WriteStatus): PermissionError;
  /** The step recorded once every probe succeeded. */
  proof(count: number): string;
}

/** What to do about a probe write that failed with `status`. */
export function probeHint(work: TargetWork, status: WriteStatus): string {
  return githubHint(failedStatus(status), work.label);
}

function ownerOf(work: TargetWork): string {
  const target = work.target;
  return ('org' in target ? target.org : target.owner).toLowerCase();
}

/**
 * Fine-grained tokens and GitHub App installations are granted per owner, and per kind of write within it
 * (repository, environment and organization secrets, Dependabot secrets, variables are separate permissions):
 * one probe per owner and kind of target.
 */
export function firstPerOwnerAndKind(works: readonly TargetWork[]): TargetWork[] {
  const probes = new Map<string, TargetWork>();
  for (const work of works) {
    const key = `${ownerOf(work)}|${work.target.kind}`;
    if (!probes.has(key)) probes.set(key, work);
  }
  return [...probes.values()];
}

/**
 * Reading secrets does not prove that github-token may write them: probe the first target of each owner and kind,
 * so that a token without write access fails the run while nothing has changed.
 */
export async function probeWriteAccess(
  works: readonly TargetWork[],
  probe: WriteProbe,
  record: RunRecord
): Promise<void> {
  const probes = firstPerOwnerAndKind(works);
  for (const work of probes) {
    const status = await probe.write(work);
    if (isFailed(status)) throw probe.refusal(work, status.slice('failed: '.length), status);
  }
  logStep(record, probe.proof(probes.length));
}

/**
 * Rewrites a slot whose value the change leaves as it is (a service token's client id): harmless, and it
 * counts as that slot's write in this run. Where the target already held the value (`changes` false), the
 * report shows the write as `checked`, not as a change.
 */
export function unchangedSlotProbe(
  slot: Slot,
  value: string,
  ports: Pick<TargetPorts, 'seal'>,
  texts: Pick<WriteProbe, 'refusal' | 'proof'>,
  changes: (work: TargetWork) => boolean = () => true
): WriteProbe {
  return {
    ...texts,
    write: async (work) => {
      const written = await writeSlot(work, slot, value, ports);
      const status = written === 'updated' && !changes(work) ? 'checked' : written;
      work.setStatus(slot.key, status);
      work.done.add(slot.key);
      return status;
    }
  };
}

/** Writes a throw-away secret and deletes it again: for a change that has no unchanged value to rewrite. */
export function throwawaySecretProbe(
  ports: Pick<TargetPorts, 'seal'>,
  texts: Pick<WriteProbe, 'refusal' | 'proof'>
): WriteProbe {
  return {
    ...texts,
    write: async (work) => {
      const status = await writeSecret(work, WRITE_PROBE_SECRET, randomBytes(16).toString('hex'), ports);
      if (isFailed(status)) return status;
      try {
        await work.adapter.remove(WRITE_PROBE_SECRET);
      } catch (error) {
        core.warning(
          `${work.label}: could not delete the write probe secret ${WRITE_PROBE_SECRET} (${githubReason(error)}); delete it by hand.`
        );
      }
      return status;
    }
  };
}
