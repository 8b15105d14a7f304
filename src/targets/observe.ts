import * as core from '@actions/core';
import { toTargetReadError } from '../github/api-errors.js';
import { targetRepository } from '../settings/targets.js';
import type { FanOut } from './fan-out.js';
import { mapWithLimit } from './map-limit.js';
import { writeOrder } from './slots.js';
import type { TargetWork } from './target-work.js';

/** Reads may overlap a little; GitHub asks for writes one at a time, which the client enforces. */
const READ_CONCURRENCY = 4;

async function read<T>(work: TargetWork, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toTargetReadError(error, work.label, what);
  }
}

/**
 * Reads the metadata of every secret in every target (those for which `readSecrets` says so: a create skips
 * targets that cannot hold anything of its credential yet), and its variables where a slot is kept as one.
 * Any failure stops the run before a change.
 */
export async function observeTargets(
  fanOut: FanOut,
  readSecrets: (work: TargetWork) => boolean = () => true
): Promise<void> {
  const value = writeOrder(fanOut.slots)[0];
  const wantsVariables = fanOut.slots.some((slot) => slot.asVariable);
  await mapWithLimit(fanOut.works, READ_CONCURRENCY, async (work) => {
    const listed = readSecrets(work);
    if (listed) work.secrets = await read(work, 'the secrets', () => work.adapter.secrets());
    const variables = wantsVariables ? work.adapter.variables : undefined;
    if (variables) work.variables = await read(work, 'the variables', () => variables.list());
    if (!listed) return;
    const secret = value && work.secrets.get(value.name);
    core.info(
      `${work.label}: ${value?.name} ${secret ? `updated ${secret.updatedAt.toISOString()}` : 'missing'}`
    );
  });
}

/** Reads the public key of every key scope once, before anything changes (so a bad target stops the run early). */
export async function readPublicKeys(works: readonly TargetWork[]): Promise<void> {
  const byScope = new Map<string, TargetWork[]>();
  for (const work of works) {
    const group = byScope.get(work.adapter.keyScope);
    if (group) group.push(work);
    else byScope.set(work.adapter.keyScope, [work]);
  }
  const groups = [...byScope.values()];
  const keys = await mapWithLimit(groups, READ_CONCURRENCY, (group) => {
    const first = group[0] as TargetWork;
    return read(first, 'the public key', () => first.adapter.publicKey());
  });
  groups.forEach((group, index) => group.forEach((work) => (work.key = keys[index])));
}

/** Reads what organization targets need to keep their access (visibility, repositories) when written. */
export async function prepareWrites(works: readonly TargetWork[], names: readonly string[]): Promise<void> {
  await mapWithLimit(works, READ_CONCURRENCY, (work) =>
    read(work, 'the secret access settings', () => work.adapter.prepare(names))
  );
}

/**
 * Finds the targets in archived repositories (read-only: every write would fail), once per repository, so
 * they are reported before anything is rotated.
 */
export async function findArchived(
  works: readonly TargetWork[],
  isArchived: (owner: string, repo: string) => Promise<boolean>
): Promise<Set<TargetWork>> {
  const byRepository = new Map<string, TargetWork[]>();
  for (const work of works) {
    const repository = targetRepository(work.target);
    if (!repository) continue;
    const key = `${repository.owner}/${repository.repo}`.toLowerCase();
    const group = byRepository.get(key);
    if (group) group.push(work);
    else byRepository.set(key, [work]);
  }
  const groups = [...byRepository.values()];
  // All at once: the adapter reads them in batches (one GraphQL query per 100 repositories).
  const archived = await Promise.all(
    groups.map((group) => {
      const first = group[0] as TargetWork;
      const { owner, repo } = targetRepository(first.target) as { owner: string; repo: string };
      return read(first, 'the repository', () => isArchived(owner, repo));
    })
  );
  return new Set(groups.filter((_, index) => archived[index]).flat());
}
