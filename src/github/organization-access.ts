import type { OrganizationAccess, Visibility } from '../settings/targets.js';
import type { GitHubClient } from './octokit.js';

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
  existingRepositoryIds: () => Promise<number[]>
): Promise<ResolvedAccess> {
  const visibility = line.visibility ?? (existingVisibility as Visibility | undefined) ?? 'private';
  if (visibility !== 'selected') return { visibility };
  if (line.repositories) {
    const ids = [];
    for (const repo of line.repositories)
      ids.push((await octokit.rest.repos.get({ owner: org, repo })).data.id);
    return { visibility, selected_repository_ids: ids };
  }
  return { visibility, selected_repository_ids: await existingRepositoryIds() };
}
