import { step } from '../../run/step.js';
import type { PlannedTargetWrite } from '../../targets/distribute.js';
import { distribute } from '../../targets/distribute.js';
import { FanOut } from '../../targets/fan-out.js';
import { failedOutcomes } from '../../targets/failure-report.js';
import { distributionError, finish } from './finish.js';
import type { IssuedCredential, TokenState } from './model.js';
import { observe } from './observe.js';
import { plan as decide, type Plan } from './plan.js';
import { check, describePlan } from './plan-outcome.js';
import { dryRun } from './dry-run.js';
import type { ServiceTokenPorts } from './ports.js';
import { preflightWrites } from './preflight.js';
import type { ServiceTokenRecord } from './record.js';
import type { ServiceTokenRunSettings } from './settings.js';
import { serviceTokenSlots } from './slots.js';
import { stage } from './stage.js';
import { RecordKeeper } from './record-keeper.js';
import type { RecordEvidence } from './record-evidence.js';
import { verifyCredential } from './verify.js';
import { createGuardInput, guardCreate } from './create-guard.js';
import { observeAccess } from './access/observe.js';

/** verify-url's verdict on the new credential: undefined when it passed or is not set, else the failure. */
async function test(
  credential: { clientId: string; clientSecret: string },
  settings: ServiceTokenRunSettings,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord
): Promise<Error | undefined> {
  const url = settings.serviceToken.verifyUrl;
  if (!url) return undefined;
  return step('Test the new credential', () =>
    verifyCredential(url, credential, settings.timing, ports).then(
      () => void record.steps.push('verify-url accepted the new credential.'),
      (error: Error) => error
    )
  );
}

/** The record as the run found it, for the summary: adoption is said plainly. */
function describeRecord(evidence: RecordEvidence, plan: Plan, dryRun: boolean): string {
  const adopting =
    plan.adopting && plan.action === 'rotate' ? (dryRun ? 'would adopt' : 'adopting') : undefined;
  const found =
    evidence.kind === 'own'
      ? `${evidence.label}: secret issued ${evidence.record.issuedAt.toISOString()}, ${evidence.record.state}`
      : `${evidence.label}: ${evidence.why}`;
  return adopting
    ? `${found}; adopting the token (one rotation, every target written, then a record)`
    : found;
}

/** Writes the client id (and the new secret, when one was issued) to the targets the preflight left. */
async function write(
  writes: readonly PlannedTargetWrite[],
  token: TokenState,
  issued: IssuedCredential | undefined,
  fanOut: FanOut,
  ports: ServiceTokenPorts
): Promise<void> {
  if (!writes.length) return;
  const values = new Map([['clientId', token.clientId]]);
  if (issued) values.set('clientSecret', issued.clientSecret);
  await step('Distribute to the targets', () => distribute(fanOut, writes, values, ports));
}

/**
 * The rotation protocol: observe (read-only) → plan → preflight (read-only) → stage (create, renew, rotate
 * with a grace) → distribute (write each target) → test (verify-url) → finish (end or extend the grace).
 * Each step records what it did in `record`, which the report reads even when a step throws.
 */
export async function runServiceToken(
  settings: ServiceTokenRunSettings,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord
): Promise<void> {
  const fanOut = new FanOut(ports.targets, serviceTokenSlots(settings.serviceToken).all);
  record.outcomes = fanOut.outcomes;
  const observed = await step('Observe the token and the targets', () => observe(settings, ports, fanOut));
  const { token } = observed;
  record.token = token;
  const access = await observeAccess(settings, ports, token, record);
  const plan = decide({ ...settings, ...observed, now: ports.now() });
  record.adopting = plan.adopting;
  record.recordNote = describeRecord(observed.record, plan, settings.dryRun);
  record.plan = plan;
  describePlan(plan, settings.dryRun);
  if (plan.action === 'check') return check(plan);
  if (plan.action === 'create') await guardCreate(createGuardInput(settings, observed.targets), ports.tokens);
  if (settings.dryRun)
    return dryRun(plan, token, fanOut, ports, record, settings.serviceToken.accessPolicies?.length);

  const writes = plan.writes.length
    ? await step('Preflight: repositories, access, public keys and write permission', () =>
        preflightWrites(plan, token, fanOut, ports, record)
      )
    : [];
  if (plan.writes.length && !writes.length) throw distributionError(record, ports.now());
  await access.prepare(token?.id);
  const keeper = new RecordKeeper(observed.record, ports.rotationRecord, ports.tokens.scopeLabel);
  const issued =
    plan.action === 'none'
      ? undefined
      : await step('Stage the credential', () => stage(plan, token, settings, ports, record, keeper));
  await access.ensure((issued?.token ?? token)?.id as string);
  if (plan.action === 'refresh') return;

  const current = issued?.token ?? token;
  if (!current) throw new Error('A service token run without a token to write.');
  await write(writes, current, issued, fanOut, ports);
  if (!issued) {
    if (failedOutcomes(record.outcomes).length) throw distributionError(record, ports.now());
    if (plan.completeRecord) await keeper.finished(true, keeper.record?.previousValidUntil);
    return;
  }
  const verification = await test(
    { clientId: current.clientId, clientSecret: issued.clientSecret },
    settings,
    ports,
    record
  );
  await finish(
    { rotated: plan.action === 'rotate', token: current, verification },
    settings,
    ports,
    record,
    keeper
  );
}
