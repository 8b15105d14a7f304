import * as core from '@actions/core';
import { DistributionError, VerificationError } from '../../errors.js';
import type { TokenState } from './model.js';
import { lastRotation } from './plan.js';
import type { Settings } from '../../settings/settings.js';
import type { RotationPorts } from './ports.js';
import { ARCHIVED, failedOutcomes, logStep, type RunRecord } from '../../run/record.js';

/**
 * Ends the previous secret's grace when every target holds the new secret (and the credential was verified),
 * if asked to. It is moved to the rotation time rather than to "now": equally expired, and the next run can
 * still tell when the secret was issued (see `lastRotation`).
 */
export async function revokePrevious(
  token: TokenState,
  ports: RotationPorts,
  record: RunRecord
): Promise<void> {
  const rotatedAt = lastRotation(token);
  record.token = await ports.tokens.update(token, { previousSecretExpiresAt: rotatedAt });
  record.previousSecretValidUntil = rotatedAt;
  logStep(record, "Every target holds the new secret: ended the previous secret's grace (revoke-previous).");
}

/**
 * Keeps consumers working after a partial failure: the targets that were not written still hold the
 * previous secret, so its grace is extended from now. The next run sees them stale and heals them.
 */
export async function extendGrace(
  token: TokenState,
  settings: Settings,
  ports: RotationPorts,
  record: RunRecord
): Promise<void> {
  if (settings.previousSecretGraceMs <= 0) {
    record.steps.push(
      'previous-secret-grace is 0s: the previous secret was revoked at the rotation and cannot be extended.'
    );
    core.warning(record.steps.at(-1) as string);
    return;
  }
  const validUntil = new Date(ports.now().getTime() + settings.previousSecretGraceMs);
  try {
    record.token = await ports.tokens.update(token, { previousSecretExpiresAt: validUntil });
    record.previousSecretValidUntil = validUntil;
    logStep(
      record,
      `Extended the previous secret's grace to ${validUntil.toISOString()} so targets not yet written keep working.`
    );
  } catch (error) {
    // The run is failing already; say what this means rather than hide the first failure.
    record.steps.push(
      `Could not extend the previous secret's grace (${error instanceof Error ? error.message : String(error)}); it still ends at ${record.previousSecretValidUntil?.toISOString() ?? 'the time set at rotation'}.`
    );
    core.error(record.steps.at(-1) as string);
  }
}

/** The first thing to do when archived repositories are among the targets that were not written. */
export function archivedAdvice(record: RunRecord): string {
  const archived = failedOutcomes(record).some((outcome) => outcome.clientSecret === ARCHIVED);
  return archived ? 'Remove archived repositories from targets. ' : '';
}

function whatToDo(record: RunRecord, now: Date): string {
  return archivedAdvice(record) + whatToDoAboutTheRest(record, now);
}

function whatToDoAboutTheRest(record: RunRecord, now: Date): string {
  const until = record.previousSecretValidUntil;
  if (!until) return 'Fix the cause and re-run (mode auto writes the missing targets).';
  if (until.getTime() <= now.getTime()) {
    return 'The previous secret no longer works (previous-secret-grace 0s), so those targets are without a working secret: fix the cause and re-run now.';
  }
  return `Each keeps what it held; the previous secret works until ${until.toISOString()}: fix the cause and re-run before then (mode auto rewrites every target).`;
}

/** Each target that was not written, with its reason: `octo/web (403 Forbidden), octo/api (...)`. */
export function failedTargetList(record: RunRecord): string {
  const reason = (status: string): string => status.replace(/^failed: /, '');
  return failedOutcomes(record)
    .map(
      (outcome) =>
        `${outcome.label} (${reason(outcome.clientSecret.startsWith('failed') ? outcome.clientSecret : outcome.clientId)})`
    )
    .join(', ');
}

/** The run's failure when targets were not written: each named with its reason. */
export function distributionError(record: RunRecord, now: Date): DistributionError {
  return new DistributionError(
    `${failedOutcomes(record).length} of ${record.outcomes.length} target(s) did not receive the new secret: ${failedTargetList(record)}.`,
    whatToDo(record, now)
  );
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
  settings: Settings,
  ports: RotationPorts,
  record: RunRecord
): Promise<void> {
  const failed = failedOutcomes(record).length > 0;
  await core.group('Finish', async () => {
    if (!failed && !input.verification) {
      if (settings.revokePrevious && input.rotated) await revokePrevious(input.token, ports, record);
      else {
        logStep(record, 'Every target holds the new secret.');
      }
    } else if (input.rotated) {
      await extendGrace(record.token ?? input.token, settings, ports, record);
    }
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
