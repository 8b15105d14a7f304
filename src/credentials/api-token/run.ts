import { step } from '../../run/step.js';
import type { Target } from '../../settings/targets.js';
import { distribute } from '../../targets/distribute.js';
import { FanOut } from '../../targets/fan-out.js';
import { failedOutcomes, mayHaveLanded } from '../../targets/failure-report.js';
import { isFailed } from '../../targets/slots.js';
import type { TargetWork } from '../../targets/target-work.js';
import { apiTokenDistributionError, cleanUp } from './finish.js';
import type { ApiTokenSpec } from './model.js';
import { observeApiToken, type ApiTokenObservation } from './observe.js';
import { planApiToken, type ApiTokenPlan } from './plan.js';
import { assertRunningTokenHeld, check, describe } from './plan-outcome.js';
import { dryRunApiToken } from './dry-run.js';
import type { ApiTokenPorts } from './ports.js';
import { preflightWrites } from './preflight.js';
import type { ApiTokenRecord } from './record.js';
import type { ApiTokenRunSettings } from './settings.js';
import { apiTokenSlot } from './slots.js';
import { specFor } from './spec-for.js';
import { guardRotatorSecret } from './secret-guard.js';
import { checkRolledValue, createToken, rollToken, type Staged } from './stage.js';

interface Change {
  readonly plan: ApiTokenPlan;
  readonly spec: ApiTokenSpec | undefined;
  readonly observed: ApiTokenObservation;
}

/** Creates (and verifies) a new token, or rolls the one in use; undefined when the plan changes neither. */
async function stageChange(
  { plan, spec, observed }: Change,
  settings: ApiTokenRunSettings,
  ports: ApiTokenPorts,
  record: ApiTokenRecord
): Promise<Staged | undefined> {
  let staged: Staged | undefined;
  if ((plan.action === 'create' || plan.action === 'replace') && spec) {
    staged = await step('Create and verify the new token', () =>
      createToken(spec, observed.family, settings, ports, record)
    );
  } else if (plan.action === 'roll') {
    staged = await step('Roll the token', () =>
      rollToken(plan, observed.running.id, settings, ports, record)
    );
  }
  if (staged) {
    record.apiToken = staged.issued.token;
    record.issuedSecret = staged.issued.value;
    record.staged = true;
  }
  return staged;
}

/** Writes the new value to every target the preflight left; returns the targets that received it. */
async function write(
  staged: Staged,
  writing: readonly TargetWork[],
  fanOut: FanOut,
  ports: ApiTokenPorts
): Promise<Set<Target>> {
  const writes = writing.map((work) => ({ target: work.target, slots: ['apiToken'] }));
  await step('Distribute to the targets', () =>
    distribute(fanOut, writes, new Map([['apiToken', staged.issued.value]]), ports)
  );
  return new Set(writing.filter((work) => !isFailed(work.status('apiToken'))).map((work) => work.target));
}

/** Observes, plans and, short of a change, checks (a dry run also resolves the new token's spec). */
async function prepare(
  settings: ApiTokenRunSettings,
  ports: ApiTokenPorts,
  fanOut: FanOut,
  record: ApiTokenRecord
) {
  const observed = await step('Observe the API token and the targets', () =>
    observeApiToken(settings, ports, fanOut)
  );
  const plan = planApiToken({
    mode: settings.mode,
    strategy: settings.apiToken.strategy,
    tokenLabel: settings.tokenName ?? settings.tokenId ?? '',
    family: observed.family,
    targets: observed.targets,
    now: ports.now(),
    renewalWindowMs: settings.renewalWindowMs
  });
  record.plan = plan;
  record.apiToken = plan.current;
  describe(plan, settings.dryRun);
  return { observed, plan };
}

/**
 * The API token protocol: observe → plan → preflight (read-only: permission groups, archived repositories,
 * public keys) → stage (create and verify a new token, or roll) → distribute → clean up (delete what no
 * target holds, the token that runs the action last). A replacement never deletes a token a target holds.
 */
export async function runApiToken(
  settings: ApiTokenRunSettings,
  ports: ApiTokenPorts,
  record: ApiTokenRecord
): Promise<void> {
  const fanOut = new FanOut(ports.targets, [apiTokenSlot(settings.apiToken.secretName)]);
  record.outcomes = fanOut.outcomes;
  const { observed, plan } = await prepare(settings, ports, fanOut, record);
  if (plan.action === 'check') return check(plan);
  assertRunningTokenHeld(plan, observed.running.id, settings.apiToken.secretName);
  guardRotatorSecret({
    secretName: settings.apiToken.secretName,
    targets: settings.targets,
    repository: ports.workflow?.repository,
    workflowSecrets: ports.workflow?.tokenSecrets ?? [],
    managesRunningToken: plan.current?.id === observed.running.id
  });
  // Read-only, so a dry run also finds a misspelt permission group.
  const spec = await specFor(plan, settings, ports);
  if (settings.dryRun) return dryRunApiToken(plan, fanOut, ports, record);

  const writing = plan.writes.length
    ? await step('Preflight: repositories, access, public keys (and, before a roll, write permission)', () =>
        preflightWrites(plan, fanOut, ports, record)
      )
    : [];
  let staged = await stageChange({ plan, spec, observed }, settings, ports, record);
  const written = staged ? await write(staged, writing, fanOut, ports) : new Set<Target>();
  if (staged && plan.action === 'roll') {
    const rolled = staged;
    staged = await step('Check the rolled value', () => checkRolledValue(rolled, settings, ports, record));
  }
  // A new token that surely reached no target is not in use: deleted below, or kept while a failed write may
  // have delivered it.
  if (staged && plan.action !== 'roll' && !written.size) record.staged = false;
  const failed = new Set(staged ? mayHaveLanded(writing).map((work) => work.target) : []);
  await step('Clean up', () =>
    cleanUp(
      {
        plan,
        family: observed.family,
        issued: staged?.issued.token,
        written,
        failed,
        runningId: observed.running.id
      },
      ports,
      record
    )
  );
  if (failedOutcomes(record.outcomes).length) throw apiTokenDistributionError(record, plan.action === 'roll');
  if (staged?.verification) throw staged.verification;
}
