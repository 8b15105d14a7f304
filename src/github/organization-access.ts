import { TargetReadError } from '../errors.js';
import type { OrganizationAccess, Visibility } from '../settings/targets.js';
import type { GitHubClient } from './octokit.js';
import { repositoryReads } from './repository-reads.js';

/** Repository ids by lower-case name, shared by the secrets of one target line. */
export type RepositoryIdCache = Map<string, Promise<number>>;

/** A repos= entry that names no repository of the organization (that github-token can see). */
function missingRepository(owner: string, repo: string, cause: unknown): TargetReadError {
  return new TargetReadError(
    `org:${owner}`,
    `The repos= entry '${repo}' of target org:${owner} names no repository in ${owner} (404 Not Found), or github-token cannot see it.`,
    `Fix the name in repos= (a repository name without the owner), or give github-token access to ${owner}/${repo}.`,
    { cause }
  );
}

/** One read per repository, however many secrets of the line need its id (batched: repository-reads.ts). */
function repositoryId(
  octokit: GitHubClient,
  cache: RepositoryIdCache,
  owner: string,
  repo: string
): Promise<number> {
  const key = repo.toLowerCase();
  let id = cache.get(key);
  if (!id) {
    id = repositoryReads(octokit)
      .facts(owner, repo)
      .then(
        (facts) => facts.id,
        (error: unknown) => {
          throw (error as { status?: number }).status === 404 ? missingRepository(owner, repo, error) : error;
        }
      );
    cache.set(key, id);
  }
  return id;
}

export interface ResolvedAccess {
  readonly visibility: Visibility;
  readonly selected_repository_ids?: number[];
}

/**
 * Who may use an organization secret or variable once written: what the target line says, else what the
 * existing one has (its whole repository list, every page), else GitHub's `private`.
 */
export async function resolveAccess(
  octokit: GitHubClient,
  org: string,
  line: OrganizationAccess,
  existingVisibility: string | undefined,
  existingRepositoryIds: () => Promise<number[]>,
  cache: RepositoryIdCache = new Map()
): Promise<ResolvedAccess> {
  const visibility = line.visibility ?? (existingVisibility as Visibility | undefined) ?? 'private';
  if (visibility !== 'selected') return { visibility };
  if (line.repositories) {
    const ids = await Promise.all(line.repositories.map((repo) => repositoryId(octokit, cache, org, repo)));
    return { visibility, selected_repository_ids: ids };
  }
  return { visibility, selected_repository_ids: await existingRepositoryIds() };
}
