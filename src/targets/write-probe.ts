import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { PermissionError } from '../errors.js';
import { githubHint, githubReason } from '../github/api-errors.js';
import type { PublicKey, SecretTarget } from '../github/secret-targets.js';
import { writeSecret } from './distribute.js';
import { firstPerOwner } from './preflight.js';
import { failedStatus, logStep, type RunRecord } from '../run/record.js';
import type { ApiTokenPorts } from '../credentials/api-token/ports.js';

/** The probe's own secret, written and deleted again; no workflow reads it. */
export const WRITE_PROBE_SECRET = 'CF_TOKEN_ROTATOR_WRITE_PROBE';

/**
 * A roll kills the old value at once, so a github-token that can read secrets but not write them would
 * leave every consumer with a dead value. Before rolling, write a throw-away secret (and delete it) in the
 * first target of each owner, where fine-grained tokens and GitHub App installations are granted.
 */
export async function probeWriteAccess(
  targets: readonly SecretTarget[],
  keys: ReadonlyMap<string, PublicKey>,
  ports: ApiTokenPorts,
  record: RunRecord
): Promise<void> {
  const probes = firstPerOwner(targets);
  for (const target of probes) {
    const key = keys.get(target.keyScope) as PublicKey;
    const status = await writeSecret(target, WRITE_PROBE_SECRET, randomBytes(16).toString('hex'), key, ports);
    if (status.startsWith('failed')) {
      throw new PermissionError(
        `github-token could not write a secret to ${target.label} (${status.slice('failed: '.length)}), so the token was not rolled.`,
        githubHint(failedStatus(status), target.label)
      );
    }
    try {
      await target.remove(WRITE_PROBE_SECRET);
    } catch (error) {
      core.warning(
        `${target.label}: could not delete the write probe secret ${WRITE_PROBE_SECRET} (${githubReason(error)}); delete it by hand.`
      );
    }
  }
  logStep(
    record,
    `github-token can write: a probe secret was written and deleted again in ${probes.length} target(s), one per owner, before rolling.`
  );
}
