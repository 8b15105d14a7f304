import * as core from '@actions/core';
import type { PublicKey, SecretTarget } from '../../github/secret-targets.js';
import { writeSecret } from '../../targets/distribute.js';
import { failedStatus, type RunRecord, type TargetOutcome } from '../../run/record.js';
import type { Target } from '../../settings/targets.js';
import type { ApiTokenPorts } from './ports.js';

/** Writes the value into each target, one after another; a failure is recorded and the others go on. */
export async function distribute(
  writing: readonly SecretTarget[],
  value: string,
  secretName: string,
  keys: ReadonlyMap<string, PublicKey>,
  ports: ApiTokenPorts,
  record: RunRecord
): Promise<Set<Target>> {
  const written = new Set<Target>();
  for (const [index, target] of writing.entries()) {
    const outcome = record.outcomes.find((candidate) => candidate.label === target.label) as TargetOutcome;
    outcome.clientSecret = await writeSecret(
      target,
      secretName,
      value,
      keys.get(target.keyScope) as PublicKey,
      ports
    );
    if (!outcome.clientSecret.startsWith('failed')) written.add(target.target);
    if ((index + 1) % 50 === 0) core.info(`${index + 1} of ${writing.length} targets written.`);
  }
  return written;
}

/**
 * Targets whose write failed in a way that may still have taken effect: no answer, a timeout, a 5xx, a
 * rate limit. A 4xx refusal changed nothing.
 */
export function mayHaveLanded(
  writing: readonly SecretTarget[],
  written: ReadonlySet<Target>,
  record: RunRecord
): Target[] {
  return writing
    .filter((target) => !written.has(target.target))
    .filter((target) => {
      const status = record.outcomes.find((outcome) => outcome.label === target.label)?.clientSecret;
      const code = status === undefined ? undefined : failedStatus(status);
      return code === undefined || code < 400 || code >= 500 || code === 408 || code === 429;
    })
    .map((target) => target.target);
}
