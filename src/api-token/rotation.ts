import * as core from '@actions/core';
import { ArchivedTargetError, ExpiryCheckError, InputError } from '../errors.js';
import type { PublicKey, SecretTarget } from '../github/secret-targets.js';
import { writeSecret } from '../rotation/distribute.js';
import { findArchived, prepareWrites, readPublicKeys } from '../rotation/observe.js';
import { ARCHIVED, type RunRecord, type TargetOutcome } from '../rotation/record.js';
import type { ApiTokenSettings, Settings } from '../settings/settings.js';
import { targetLabel, type Target } from '../settings/targets.js';
import { apiTokenDistributionError, cleanUp } from './finish.js';
import type { ApiTokenSpec, ApiTokenState } from './model.js';
import { observeApiToken } from './observe.js';
import { planApiToken, type ApiTokenMode, type ApiTokenPlan } from './plan.js';
import type { ApiTokenPorts } from './ports.js';
import { expiryFrom, specFromPolicy, specFromToken } from './spec.js';
import { checkRolledValue, createToken, rollToken, type Staged } from './stage.js';
import { probeWriteAccess } from './write-probe.js';

function describe(plan: ApiTokenPlan): void {
  core.info(`Plan: ${plan.action}, because ${plan.reasons.join('; ')}.`);
  if (plan.writes.length) core.info(`Writes: the API token to ${plan.writes.length} target(s).`);
  if (plan.obsolete.length) {
    core.info(
      `Tokens no target holds (deleted by the run): ${plan.obsolete.map((token) => token.id).join(', ')}.`
    );
  }
}

/**
 * The workflow feeds cloudflare-api-token from a secret. When that token is one the run would replace,
 * roll or delete, the secret must be a target, or the next run starts with a dead token: refuse first.
 */
function assertRunningTokenHeld(plan: ApiTokenPlan, runningId: string, secretName: string): void {
  const running = [plan.current, ...plan.obsolete].find((token) => token?.id === runningId);
  const changes =
    plan.action === 'replace' || plan.action === 'roll' || plan.obsolete.includes(running as ApiTokenState);
  if (!running || !changes) return;
  if ([...plan.holders.values()].some((held) => held.includes(runningId))) return;
  throw new InputError(
    'targets',
    `cloudflare-api-token is the API token '${running.name}' (${running.id}) that this run would ${plan.action === 'roll' ? 'roll' : 'replace or delete'}, but no target holds it in ${secretName}`,
    'Add the target whose secret feeds cloudflare-api-token (with the name in api-token-secret-name), or run the action with a separate token that has API Tokens Write.'
  );
}

/** Check mode: report, change nothing, fail only when the token is expiring or not active. */
function check(plan: ApiTokenPlan): void {
  for (const stale of plan.staleTargets) {
    core.warning(`Target ${stale} does not hold the current API token; a run in mode auto will heal it.`);
  }
  if (plan.expiryAlert) {
    throw new ExpiryCheckError(plan.expiryAlert, "Run the action with mode 'auto' or 'rotate' to renew it.");
  }
}

function recordDryRun(plan: ApiTokenPlan, record: RunRecord): void {
  record.dryRun = true;
  for (const target of plan.writes) {
    const outcome = record.outcomes.find((candidate) => candidate.label === targetLabel(target));
    if (outcome) outcome.clientSecret = 'planned';
  }
  if (plan.obsolete.length) {
    record.steps.push(
      `Would delete API token(s) no target holds: ${plan.obsolete.map((token) => token.id).join(', ')}.`
    );
  }
  record.steps.push('Dry run: nothing was changed.');
}

/** What a new token is made of, resolved (permission group names included) before anything changes. */
async function specFor(
  plan: ApiTokenPlan,
  settings: Settings,
  apiToken: ApiTokenSettings,
  ports: ApiTokenPorts
): Promise<ApiTokenSpec | undefined> {
  const expiry = expiryFrom(settings.duration, ports.now());
  if (plan.action === 'replace') {
    let template = plan.current as ApiTokenState;
    // The list may leave policies out; the token itself has them.
    if (!template.policies.length) template = await ports.apiTokens.get(template.id);
    return specFromToken(template, expiry);
  }
  if (plan.action !== 'create') return undefined;
  if (!apiToken.policy) {
    throw new InputError(
      'api-token-policy',
      `is not set, and no API token named '${settings.tokenName}' exists for ${ports.apiTokens.ownerLabel} to copy`,
      'Describe the token to create in api-token-policy (policies, and optionally condition and dates), or fix token-name and account-id.'
    );
  }
  const groups = await ports.apiTokens.permissionGroups();
  return specFromPolicy(
    settings.tokenName as string,
    apiToken.policy,
    groups,
    ports.apiTokens.ownerLabel,
    expiry
  );
}

/**
 * Archived repositories are left out (reported as failed); a change wanted only for them is refused.
 * Before a roll, which cannot be undone, github-token must prove it can write.
 */
async function preflight(
  plan: ApiTokenPlan,
  settings: Settings,
  secretName: string,
  ports: ApiTokenPorts,
  record: RunRecord
): Promise<{ writing: SecretTarget[]; keys: Map<string, PublicKey> }> {
  // In the plan's order: targets without a working value first.
  const wanted = plan.writes.flatMap((write) => ports.targets.filter((target) => target.target === write));
  const archived = await findArchived(wanted, (owner, repo) => ports.isArchived(owner, repo));
  for (const target of archived) {
    const outcome = record.outcomes.find((candidate) => candidate.label === target.label);
    if (outcome) outcome.clientSecret = ARCHIVED;
    core.warning(
      `${target.label}: the repository is archived (read-only), so it is left out. Remove it from targets.`
    );
  }
  const onlyArchivedStale =
    settings.mode === 'auto' &&
    plan.reasons.length === 1 &&
    plan.staleTargets.length > 0 &&
    plan.staleTargets.every((label) => [...archived].some((target) => label.startsWith(`${target.label} (`)));
  if (onlyArchivedStale) {
    throw new ArchivedTargetError(
      `Not rotated: the only targets without the current API token are in archived (read-only) repositories: ${plan.staleTargets.join(', ')}.`,
      'Remove them from targets, or unarchive the repositories.'
    );
  }
  const writing = wanted.filter((target) => !archived.has(target));
  await prepareWrites(writing, [secretName]);
  const keys = await readPublicKeys(writing);
  if (plan.action === 'roll') await probeWriteAccess(writing, keys, ports, record);
  return { writing, keys };
}

async function distribute(
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
function mayHaveLanded(
  writing: readonly SecretTarget[],
  written: ReadonlySet<Target>,
  record: RunRecord
): Target[] {
  return writing
    .filter((target) => !written.has(target.target))
    .filter((target) => {
      const status = record.outcomes.find((outcome) => outcome.label === target.label)?.clientSecret ?? '';
      const code = Number(/^failed: (\d{3}) /.exec(status)?.[1]);
      return !(code >= 400 && code < 500 && code !== 408 && code !== 429);
    })
    .map((target) => target.target);
}

/**
 * The API token protocol: observe → plan → preflight (read-only: permission groups, archived repositories,
 * public keys) → stage (create and verify a new token, or roll) → distribute → clean up (delete what no
 * target holds, the token that runs the action last). A replacement never deletes a token a target holds.
 */
export async function runApiTokenRotation(
  settings: Settings,
  ports: ApiTokenPorts,
  record: RunRecord
): Promise<void> {
  const apiToken = settings.apiToken as ApiTokenSettings;
  record.outcomes = ports.targets.map((target) => ({
    label: target.label,
    kind: target.target.kind,
    clientIdAs: 'secret',
    clientId: 'unchanged',
    clientSecret: 'unchanged'
  }));
  const observed = await core.group('Observe the API token and the targets', () =>
    observeApiToken(settings, ports)
  );
  const plan = planApiToken({
    mode: settings.mode as ApiTokenMode,
    strategy: apiToken.strategy,
    tokenLabel: settings.tokenName ?? settings.tokenId ?? '',
    family: observed.family,
    targets: observed.targets,
    now: ports.now(),
    renewalWindowMs: settings.renewalWindowMs
  });
  record.plan = plan;
  record.apiToken = plan.current;
  describe(plan);
  if (plan.action === 'check') return check(plan);
  assertRunningTokenHeld(plan, observed.running.id, apiToken.secretName);
  // Read-only, so a dry run also finds a misspelt permission group.
  const spec = await specFor(plan, settings, apiToken, ports);
  if (settings.dryRun) return recordDryRun(plan, record);

  const { writing, keys } = plan.writes.length
    ? await core.group(
        'Preflight: repositories, access, public keys (and, before a roll, write permission)',
        () => preflight(plan, settings, apiToken.secretName, ports, record)
      )
    : { writing: [], keys: new Map<string, PublicKey>() };

  let staged: Staged | undefined;
  if (plan.action === 'create' || plan.action === 'replace') {
    staged = await core.group('Create and verify the new token', () =>
      createToken(spec as ApiTokenSpec, observed.family, settings, ports, record)
    );
  } else if (plan.action === 'roll') {
    staged = await core.group('Roll the token', () =>
      rollToken(plan, observed.running.id, settings, ports, record)
    );
  }
  if (staged) {
    record.apiToken = staged.issued.token;
    record.issuedSecret = staged.issued.value;
    record.staged = true;
  }
  const value = staged?.issued.value;
  const written =
    value !== undefined
      ? await core.group('Distribute to the targets', () =>
          distribute(writing, value, apiToken.secretName, keys, ports, record)
        )
      : new Set<Target>();
  if (staged && plan.action === 'roll') {
    staged = await core.group('Check the rolled value', () =>
      checkRolledValue(staged as Staged, settings, ports, record)
    );
  }
  // A new token that surely reached no target is not in use: deleted below, or kept while a failed write may
  // have delivered it.
  if (staged && plan.action !== 'roll' && !written.size) record.staged = false;

  await core.group('Clean up', () =>
    cleanUp(
      {
        plan,
        family: observed.family,
        issued: staged?.issued.token,
        written,
        failed: new Set(staged ? mayHaveLanded(writing, written, record) : []),
        runningId: observed.running.id
      },
      ports,
      record
    )
  );
  if (record.outcomes.some((outcome) => outcome.clientSecret.startsWith('failed'))) {
    throw apiTokenDistributionError(record, plan.action === 'roll');
  }
  if (staged?.verification) throw staged.verification;
}
