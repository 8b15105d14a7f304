// Full GitHub representations of repositories and environments. The contract marks dozens of *_url fields as
// required, so they are all generated, pointing at the emulator.

import { githubTime } from '../timestamps.ts';
import type { Environment, Repository } from './repositories.ts';

function ownerJson(baseUrl: string, login: string, isOrganization: boolean): Record<string, unknown> {
  const url = `${baseUrl}/users/${login}`;
  return {
    login,
    id: numericId(login),
    node_id: nodeId(isOrganization ? 'O' : 'U', login),
    avatar_url: `${baseUrl}/avatars/${login}`,
    gravatar_id: '',
    url,
    html_url: `${baseUrl}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: isOrganization ? 'Organization' : 'User',
    site_admin: false
  };
}

export function repositoryJson(
  baseUrl: string,
  repo: Repository,
  options: { isOrganization: boolean; canPush: boolean }
): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const url = `${baseUrl}/repos/${fullName}`;
  const created = githubTime(repo.createdAt);
  return {
    id: repo.id,
    node_id: nodeId('R', fullName),
    name: repo.name,
    full_name: fullName,
    owner: ownerJson(baseUrl, repo.owner, options.isOrganization),
    private: repo.visibility !== 'public',
    visibility: repo.visibility,
    html_url: `${baseUrl}/${fullName}`,
    description: null,
    fork: false,
    url,
    ...urlTemplates(url),
    clone_url: `${baseUrl}/${fullName}.git`,
    git_url: `git://emulator/${fullName}.git`,
    ssh_url: `git@emulator:${fullName}.git`,
    svn_url: `${baseUrl}/${fullName}`,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    default_branch: 'main',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    subscribers_count: 0,
    network_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    size: 0,
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    has_downloads: true,
    archived: repo.archived,
    disabled: false,
    is_template: false,
    topics: [],
    pushed_at: created,
    created_at: created,
    updated_at: created,
    permissions: { admin: false, maintain: false, push: options.canPush, triage: options.canPush, pull: true }
  };
}

export function environmentJson(
  baseUrl: string,
  repo: Repository,
  environment: Environment
): Record<string, unknown> {
  const encoded = encodeURIComponent(environment.name);
  return {
    id: environment.id,
    node_id: nodeId('EN', `${repo.owner}/${repo.name}/${environment.name}`),
    name: environment.name,
    url: `${baseUrl}/repos/${repo.owner}/${repo.name}/environments/${encoded}`,
    html_url: `${baseUrl}/${repo.owner}/${repo.name}/deployments/activity_log?environments_filter=${encoded}`,
    created_at: githubTime(environment.createdAt),
    updated_at: githubTime(environment.createdAt),
    protection_rules: [],
    deployment_branch_policy: null
  };
}

function urlTemplates(url: string): Record<string, string> {
  const plain = [
    'contributors',
    'deployments',
    'downloads',
    'events',
    'forks',
    'hooks',
    'languages',
    'merges'
  ];
  const more = ['stargazers', 'subscribers', 'subscription', 'tags', 'teams'];
  const templated: Record<string, string> = {
    archive_url: '{archive_format}{/ref}',
    assignees_url: '/assignees{/user}',
    blobs_url: '/git/blobs{/sha}',
    branches_url: '/branches{/branch}',
    collaborators_url: '/collaborators{/collaborator}',
    comments_url: '/comments{/number}',
    commits_url: '/commits{/sha}',
    compare_url: '/compare/{base}...{head}',
    contents_url: '/contents/{+path}',
    git_commits_url: '/git/commits{/sha}',
    git_refs_url: '/git/refs{/sha}',
    git_tags_url: '/git/tags{/sha}',
    issue_comment_url: '/issues/comments{/number}',
    issue_events_url: '/issues/events{/number}',
    issues_url: '/issues{/number}',
    keys_url: '/keys{/key_id}',
    labels_url: '/labels{/name}',
    milestones_url: '/milestones{/number}',
    notifications_url: '/notifications{?since,all,participating}',
    pulls_url: '/pulls{/number}',
    releases_url: '/releases{/id}',
    statuses_url: '/statuses/{sha}',
    trees_url: '/git/trees{/sha}'
  };
  return {
    ...Object.fromEntries([...plain, ...more].map((name) => [`${name}_url`, `${url}/${name}`])),
    ...Object.fromEntries(
      Object.entries(templated).map(([key, suffix]) => [
        key,
        `${url}${suffix.startsWith('/') ? '' : '/'}${suffix}`
      ])
    )
  };
}

/** A stable number per name, so the same fixture gives the same owner ids on every run. */
function numericId(text: string): number {
  let hash = 7;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) % 2_000_000_000;
  return hash + 1;
}

function nodeId(prefix: string, text: string): string {
  return `${prefix}_${Buffer.from(text).toString('base64url')}`;
}
