import * as core from '@actions/core';
import { githubReason } from '../github/api-errors.js';
import type { PublicKey, SecretTarget } from '../github/secret-targets.js';
import type { TargetState, WriteStatus } from '../credentials/service-token/model.js';
import type { PlannedWrite } from '../credentials/service-token/plan.js';
import type { SecretNames } from './observe.js';
import type { RotationPorts } from '../credentials/service-token/ports.js';
import type { RunRecord, TargetOutcome } from '../run/record.js';

export interface Credential {
  readonly clientId: string;
  /** undefined when only client ids are written (no new secret was issued). */
  readonly clientSecret: string | undefined;
}

/** Runs one write and turns its outcome into a status; a failure is recorded, never thrown. */
async function attempt(
  target: SecretTarget,
  name: string,
  write: () => Promise<'created' | 'updated'>
): Promise<WriteStatus> {
  try {
    const status = await write();
    core.info(`${target.label}: ${name} ${status}.`);
    return status;
  } catch (error) {
    const reason = githubReason(error);
    core.warning(`${target.label}: writing ${name} failed (${reason}).`);
    return `failed: ${reason}`;
  }
}

export function writeSecret(
  target: SecretTarget,
  name: string,
  plaintext: string,
  key: PublicKey,
  ports: Pick<RotationPorts, 'seal'>
): Promise<WriteStatus> {
  return attempt(target, name, async () =>
    target.write(name, { encryptedValue: await ports.seal(plaintext, key.key), keyId: key.keyId })
  );
}

/** The client id goes into a variable where asked and the target has variables, else into a secret. */
export function writeClientId(
  target: SecretTarget,
  state: TargetState | undefined,
  clientId: string,
  key: PublicKey,
  names: SecretNames,
  ports: RotationPorts
): Promise<WriteStatus> {
  const variables = names.clientIdAsVariable ? target.variables : undefined;
  if (!variables) return writeSecret(target, names.clientId, clientId, key, ports);
  return attempt(target, `variable ${names.clientId}`, () =>
    variables.write(names.clientId, clientId, state?.clientIdVariable != null)
  );
}

/**
 * Writes the planned secrets, one target after another (the client paces and retries each write). A target
 * that fails does not stop the others; each outcome is recorded. The client secret goes first: a client id
 * without its secret is no use, so it is skipped when the secret could not be written.
 */
export async function distribute(
  writes: readonly PlannedWrite[],
  credential: Credential,
  keys: ReadonlyMap<string, PublicKey>,
  states: readonly TargetState[],
  names: SecretNames,
  ports: RotationPorts,
  record: RunRecord
): Promise<void> {
  const outcomes = new Map<string, TargetOutcome>(record.outcomes.map((outcome) => [outcome.label, outcome]));
  for (const [index, write] of writes.entries()) {
    const target = ports.targets.find((candidate) => candidate.target === write.target) as SecretTarget;
    const state = states.find((candidate) => candidate.target === write.target);
    const outcome = outcomes.get(target.label) as TargetOutcome;
    const key = keys.get(target.keyScope) as PublicKey;
    if (write.clientSecret && credential.clientSecret !== undefined) {
      outcome.clientSecret = await writeSecret(
        target,
        names.clientSecret,
        credential.clientSecret,
        key,
        ports
      );
    }
    if (write.clientId) {
      outcome.clientId = outcome.clientSecret.startsWith('failed')
        ? 'skipped'
        : await writeClientId(target, state, credential.clientId, key, names, ports);
    }
    if ((index + 1) % 50 === 0) core.info(`${index + 1} of ${writes.length} targets written.`);
  }
}
