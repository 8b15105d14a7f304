import * as core from '@actions/core';
import { githubReason } from '../github/api-errors.js';
import type { PublicKey, SecretTarget } from '../github/secret-targets.js';
import type { WriteStatus } from '../model.js';
import type { Plan } from '../plan.js';
import type { RotationPorts } from './ports.js';
import type { RunRecord, TargetOutcome } from './record.js';

export interface Credential {
  readonly clientId: string;
  /** undefined when only client ids are written (no new secret was issued). */
  readonly clientSecret: string | undefined;
}

async function writeOne(
  target: SecretTarget,
  name: string,
  plaintext: string,
  key: PublicKey,
  ports: RotationPorts
): Promise<WriteStatus> {
  try {
    const encryptedValue = await ports.seal(plaintext, key.key);
    const status = await target.write(name, { encryptedValue, keyId: key.keyId });
    core.info(`${target.label}: ${name} ${status}.`);
    return status;
  } catch (error) {
    const reason = githubReason(error);
    core.warning(`${target.label}: writing ${name} failed (${reason}).`);
    return `failed: ${reason}`;
  }
}

/**
 * Writes the planned secrets, one target after another (the client paces and retries each write). A target
 * that fails does not stop the others; each outcome is recorded. The client secret goes first: a client id
 * without its secret is no use, so it is skipped when the secret could not be written.
 */
export async function distribute(
  plan: Plan,
  credential: Credential,
  keys: ReadonlyMap<string, PublicKey>,
  names: { clientId: string; clientSecret: string },
  ports: RotationPorts,
  record: RunRecord
): Promise<void> {
  const outcomes = new Map<string, TargetOutcome>(record.outcomes.map((outcome) => [outcome.label, outcome]));
  for (const [index, write] of plan.writes.entries()) {
    const target = ports.targets.find((candidate) => candidate.target === write.target) as SecretTarget;
    const outcome = outcomes.get(target.label) as TargetOutcome;
    const key = keys.get(target.keyScope) as PublicKey;
    if (write.clientSecret && credential.clientSecret !== undefined) {
      outcome.clientSecret = await writeOne(target, names.clientSecret, credential.clientSecret, key, ports);
    }
    if (write.clientId) {
      outcome.clientId = outcome.clientSecret.startsWith('failed')
        ? 'skipped'
        : await writeOne(target, names.clientId, credential.clientId, key, ports);
    }
    if ((index + 1) % 50 === 0) core.info(`${index + 1} of ${plan.writes.length} targets written.`);
  }
}
