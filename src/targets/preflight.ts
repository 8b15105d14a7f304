import * as core from '@actions/core';
import { ArchivedTargetError, PermissionError } from '../errors.js';
import { targetLabel, type Target } from '../settings/targets.js';
import { githubHint } from '../github/api-errors.js';
import type { PublicKey, SecretTarget } from '../github/secret-targets.js';
import type { TargetState, TokenState } from '../credentials/service-token/model.js';
import type { Plan, PlannedWrite } from '../credentials/service-token/plan.js';
import { findArchived, prepareWrites, readPublicKeys, type SecretNames } from './observe.js';
import type { RotationPorts } from '../credentials/service-token/ports.js';
import { ARCHIVED, failedStatus, type RunRecord, type TargetOutcome } from '../run/record.js';
import { writeClientId } from './distribute.js';

export interface Preflight {
  readonly writes: PlannedWrite[];
  readonly keys: Map<string, PublicKey>;
}

/** Whether a change is wanted only for targets (`rotationOnlyFor`, none: not only) that are all archived. */
export function onlyForArchived(
  rotationOnlyFor: readonly Target[],
  archived: ReadonlySet<SecretTarget>
): boolean {
  const labels = [...archived].map((target) => target.label);
  const only = rotationOnlyFor.map(targetLabel);
  return only.length > 0 && only.every((label) => labels.includes(label));
}

/**
 * An auto rotation wanted only for targets in archived repositories would fail the same way on every run
 * and change the secret each time for nothing: stop before staging instead.
 */
function refuseUselessRotation(plan: Plan, archived: ReadonlySet<SecretTarget>): void {
  if (!onlyForArchived(plan.rotationOnlyFor, archived)) return;
  throw new ArchivedTargetError(
    `Not rotated: the only targets without the current secret are in archived (read-only) repositories: ${plan.rotationOnlyFor.map(targetLabel).join(', ')}.`,
    'Remove them from targets, or unarchive the repositories.'
  );
}

/** Targets in archived repositories are never written: reported as failed, with a warning saying why. */
export function markArchived(archived: ReadonlySet<SecretTarget>, record: RunRecord): void {
  for (const target of archived) {
    const outcome = record.outcomes.find((candidate) => candidate.label === target.label);
    if (outcome) outcome.clientSecret = outcome.clientId = ARCHIVED;
    core.warning(
      `${target.label}: the repository is archived (read-only), so it is left out. Remove it from targets.`
    );
  }
}

function ownerOf(target: SecretTarget): string {
  return ('org' in target.target ? target.target.org : target.target.owner).toLowerCase();
}

/** Fine-grained tokens and GitHub App installations are granted per owner: one probe each covers the usual cases. */
export function firstPerOwner(targets: readonly SecretTarget[]): SecretTarget[] {
  const probes = new Map<string, SecretTarget>();
  for (const target of targets) if (!probes.has(ownerOf(target))) probes.set(ownerOf(target), target);
  return [...probes.values()];
}

/**
 * Reading secrets does not prove that github-token may write them. Before a rotation, rewrite the client id
 * (which does not change in a rotation, so the write is harmless) in the first target of each owner: a token
 * without write access then fails the run while nothing has changed on Cloudflare.
 */
async function probeWriteAccess(
  targets: readonly SecretTarget[],
  token: TokenState,
  states: readonly TargetState[],
  keys: ReadonlyMap<string, PublicKey>,
  names: SecretNames,
  ports: RotationPorts,
  outcomes: readonly TargetOutcome[],
  steps: string[]
): Promise<Set<SecretTarget>> {
  const probes = firstPerOwner(targets);
  for (const target of probes) {
    const state = states.find((candidate) => candidate.target === target.target);
    const status = await writeClientId(
      target,
      state,
      token.clientId,
      keys.get(target.keyScope) as PublicKey,
      names,
      ports
    );
    if (status.startsWith('failed')) {
      throw new PermissionError(
        `github-token could not write ${names.clientId} to ${target.label} (${status.slice('failed: '.length)}), so the token was not rotated.`,
        githubHint(failedStatus(status), target.label)
      );
    }
    const outcome = outcomes.find((candidate) => candidate.label === target.label);
    if (outcome) outcome.clientId = status;
  }
  steps.push(
    `github-token can write: the unchanged client id was rewritten in ${probes.length} target(s), one per owner, before rotating.`
  );
  core.info(steps.at(-1) as string);
  return new Set(probes);
}

/**
 * Everything the writes need, checked before anything changes: archived repositories (reported as failed
 * and left out), the organization targets' access settings, one public key per key scope, and, before a
 * rotation, that github-token may write.
 */
export async function preflight(
  plan: Plan,
  token: TokenState | undefined,
  states: readonly TargetState[],
  names: SecretNames,
  ports: RotationPorts,
  record: RunRecord
): Promise<Preflight> {
  const writing = ports.targets.filter((target) =>
    plan.writes.some((write) => write.target === target.target)
  );
  const archived = await findArchived(writing, (owner, repo) => ports.isArchived(owner, repo));
  markArchived(archived, record);
  refuseUselessRotation(plan, archived);
  const open = writing.filter((target) => !archived.has(target));
  await prepareWrites(open, [names.clientSecret, names.clientId]);
  const keys = await readPublicKeys(open);
  const probed =
    plan.action === 'rotate' && token
      ? await probeWriteAccess(open, token, states, keys, names, ports, record.outcomes, record.steps)
      : new Set<SecretTarget>();
  const writes = plan.writes
    .filter((write) => open.some((target) => target.target === write.target))
    .map((write) =>
      [...probed].some((target) => target.target === write.target) ? { ...write, clientId: false } : write
    );
  return { writes, keys };
}
