import { step } from '../../run/step.js';
import * as core from '@actions/core';
import { DistributionError, VerificationError, errorMessage } from '../../errors.js';
import { logStep } from '../../run/record.js';
import { archivedAdvice, failedOutcomes, failedTargetList } from '../../targets/failure-report.js';
import type { TokenState } from './model.js';
import type { ServiceTokenPorts } from './ports.js';
import type { RecordKeeper } from './record-keeper.js';
import type { ServiceTokenRecord } from './record.js';
import type { ServiceTokenRunSettings } from './settings.js';

/**
 * Ends the previous secret's grace when every target holds the new secret (and the credential was verified),
 * if asked to.
 */
async function revokePrevious(
  token: TokenState,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord
): Promise<void> {
  const now = ports.now();
  record.token = await ports.tokens.update(token, { previousSecretExpiresAt: now });
  record.previousSecretValidUntil = now;
  logStep(record, "Every target holds the new secret: ended the previous secret's grace (revoke-previous).");
}

/**
 * Keeps consumers working after a partial failure: the targets that were not written still hold the
 * previous secret, so its grace is extended from now. The next run sees them stale and heals them.
 */
async function extendGrace(
  token: TokenState,
  graceMs: number,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord,
  unwritten: boolean
): Promise<void> {
  if (graceMs <= 0) {
    record.steps.push(
      'previous-secret-grace is 0s: the previous secret was revoked at the rotation and cannot be extended.'
    );
    core.warning(record.steps.at(-1) as string);
    return;
  }
  const validUntil = new Date(ports.now().getTime() + graceMs);
  try {
    record.token = await ports.tokens.update(token, { previousSecretExpiresAt: validUntil });
    record.previousSecretValidUntil = validUntil;
    record.steps.push(
      unwritten
        ? "Extended the previous secret's grace so targets not yet written keep working."
        : "Extended the previous secret's grace: the new secret was not verified."
    );
    core.info(`${record.steps.at(-1) as string} It now works until ${validUntil.toISOString()}.`);
  } catch (error) {
    // The run is failing already; say what this means rather than hide the first failure.
    record.steps.push(
      `Could not extend the previous secret's grace (${errorMessage(error)}); it still ends at ${record.previousSecretValidUntil?.toISOString() ?? 'the time set at rotation'}.`
    );
    core.error(record.steps.at(-1) as string);
  }
}

function whatToDoAboutTheRest(record: ServiceTokenRecord, now: Date): string {
  const until = record.previousSecretValidUntil;
  if (!until) return 'Fix the cause and re-run (mode auto writes the missing targets).';
  if (until.getTime() <= now.getTime()) {
    return 'The previous secret no longer works (previous-secret-grace 0s), so those targets are without a working secret: fix the cause and re-run now.';
  }
  return `Each keeps what it held; the previous secret works until ${until.toISOString()}: fix the cause and re-run before then (mode auto rewrites every target).`;
}

/** The run's failure when targets were not written: each named with its reason. */
export function distributionError(record: ServiceTokenRecord, now: Date): DistributionError {
  return new DistributionError(
    `${failedOutcomes(record.outcomes).length} of ${record.outcomes.length} target(s) did not receive the new secret: ${failedTargetList(record.outcomes)}.`,
    archivedAdvice(record.outcomes) + whatToDoAboutTheRest(record, now)
  );
}

/**
 * The record's last word: complete when every target holds the new secret (the next run then changes
 * nothing), else still distributing (the next run heals). A run already failing reports this as well.
 */
async function keepRecord(
  keeper: RecordKeeper,
  complete: boolean,
  record: ServiceTokenRecord,
  failing: boolean
): Promise<void> {
  try {
    await keeper.finished(complete, record.previousSecretValidUntil);
    record.steps.push(
      `Rotation record (${keeper.label}): ${complete ? 'complete' : 'distribution unfinished'}.`
    );
  } catch (error) {
    if (!failing) throw error;
    const text = `The rotation record was not updated either (${errorMessage(error)}); the next run still rotates and heals.`;
    record.steps.push(text);
    core.error(text);
  }
}

export interface FinishInput {
  readonly rotated: boolean;
  /** The token as the rotation left it. */
  readonly token: TokenState;
  readonly verification: Error | undefined;
}

/**
 * The last step: with every target written and the credential verified, end the grace when asked;
 * otherwise keep the previous secret working longer (after a rotation) and fail, naming what went wrong.
 */
export async function finish(
  input: FinishInput,
  settings: ServiceTokenRunSettings,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord,
  keeper: RecordKeeper
): Promise<void> {
  const failed = failedOutcomes(record.outcomes).length > 0;
  const { revokePrevious: revoke, previousSecretGraceMs } = settings.serviceToken;
  await step('Finish', async () => {
    if (!failed && !input.verification) {
      if (revoke && input.rotated) await revokePrevious(input.token, ports, record);
      else logStep(record, 'Every target holds the new secret.');
    } else if (input.rotated) {
      await extendGrace(record.token ?? input.token, previousSecretGraceMs, ports, record, failed);
    }
    await keepRecord(keeper, !failed, record, failed || Boolean(input.verification));
  });
  if (failed) throw distributionError(record, ports.now());
  if (input.verification instanceof VerificationError) throw input.verification;
  if (input.verification) {
    throw new VerificationError(
      `verify-url failed: ${input.verification.message}.`,
      'Check the URL and its Access policy.'
    );
  }
}
