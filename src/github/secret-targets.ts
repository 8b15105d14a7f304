import type { Target } from '../settings/targets.js';
import { targetLabel } from '../settings/targets.js';
import type { GitHubClient } from './octokit.js';
import { OctokitSecretTarget, type OrganizationContext } from './octokit-secret-target.js';
import type { SecretTarget } from './secret-target.js';
import { OctokitVariableStore } from './variables.js';

const PAGE = { per_page: 100 } as const;

function repositoryTarget(
  octokit: GitHubClient,
  target: Extract<Target, { kind: 'repository' }>,
  scope: string
): SecretTarget {
  const repo = { owner: target.owner, repo: target.repo };
  return new OctokitSecretTarget(
    target,
    scope,
    {
      publicKey: () => octokit.request('GET /repos/{owner}/{repo}/actions/secrets/public-key', repo),
      list: () => octokit.paginate('GET /repos/{owner}/{repo}/actions/secrets', { ...repo, ...PAGE }),
      put: (body) =>
        octokit.request('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}', { ...repo, ...body }),
      remove: (secret_name) =>
        octokit.request('DELETE /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
          ...repo,
          secret_name
        })
    },
    new OctokitVariableStore({
      list: () => octokit.paginate('GET /repos/{owner}/{repo}/actions/variables', { ...repo, per_page: 30 }),
      create: (name, value) =>
        octokit.request('POST /repos/{owner}/{repo}/actions/variables', { ...repo, name, value }),
      update: (name, value) =>
        octokit.request('PATCH /repos/{owner}/{repo}/actions/variables/{name}', { ...repo, name, value })
    })
  );
}

function environmentTarget(
  octokit: GitHubClient,
  target: Extract<Target, { kind: 'environment' }>,
  scope: string
): SecretTarget {
  const environment = { owner: target.owner, repo: target.repo, environment_name: target.environment };
  return new OctokitSecretTarget(
    target,
    scope,
    {
      publicKey: () =>
        octokit.request(
          'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets/public-key',
          environment
        ),
      list: () =>
        octokit.paginate('GET /repos/{owner}/{repo}/environments/{environment_name}/secrets', {
          ...environment,
          ...PAGE
        }),
      put: (body) =>
        octokit.request('PUT /repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}', {
          ...environment,
          ...body
        }),
      remove: (secret_name) =>
        octokit.request(
          'DELETE /repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
          { ...environment, secret_name }
        )
    },
    new OctokitVariableStore({
      list: () =>
        octokit.paginate('GET /repos/{owner}/{repo}/environments/{environment_name}/variables', {
          ...environment,
          per_page: 30
        }),
      create: (name, value) =>
        octokit.request('POST /repos/{owner}/{repo}/environments/{environment_name}/variables', {
          ...environment,
          name,
          value
        }),
      update: (name, value) =>
        octokit.request('PATCH /repos/{owner}/{repo}/environments/{environment_name}/variables/{name}', {
          ...environment,
          name,
          value
        })
    })
  );
}

function organizationTarget(
  octokit: GitHubClient,
  target: Extract<Target, { kind: 'organization' }>,
  scope: string
): SecretTarget {
  const org = { org: target.org };
  const context: OrganizationContext = {
    octokit,
    org: target.org,
    access: target.access,
    resolved: new Map()
  };
  return new OctokitSecretTarget(
    target,
    scope,
    {
      publicKey: () => octokit.request('GET /orgs/{org}/actions/secrets/public-key', org),
      list: () => octokit.paginate('GET /orgs/{org}/actions/secrets', { ...org, ...PAGE }),
      put: ({ visibility, ...body }) =>
        octokit.request('PUT /orgs/{org}/actions/secrets/{secret_name}', {
          ...org,
          ...body,
          visibility: visibility ?? 'private'
        }),
      remove: (secret_name) =>
        octokit.request('DELETE /orgs/{org}/actions/secrets/{secret_name}', { ...org, secret_name }),
      selectedRepositoryIds: async (secret_name) =>
        (
          await octokit.paginate('GET /orgs/{org}/actions/secrets/{secret_name}/repositories', {
            ...org,
            secret_name,
            ...PAGE
          })
        ).map((repo) => repo.id)
    },
    new OctokitVariableStore({
      list: () => octokit.paginate('GET /orgs/{org}/actions/variables', { ...org, per_page: 30 }),
      create: (name, value) =>
        octokit.request('POST /orgs/{org}/actions/variables', {
          ...org,
          name,
          value,
          ...(context.resolved.get(name) ?? { visibility: 'private' })
        }),
      // PATCH leaves an existing variable's access alone unless the line sets one, which applies as to secrets.
      update: (name, value) =>
        octokit.request('PATCH /orgs/{org}/actions/variables/{name}', {
          ...org,
          name,
          value,
          ...(target.access.visibility && context.resolved.get(name))
        })
    }),
    context
  );
}

function dependabotRepositoryTarget(
  octokit: GitHubClient,
  target: Extract<Target, { kind: 'dependabot-repository' }>,
  scope: string
): SecretTarget {
  const repo = { owner: target.owner, repo: target.repo };
  return new OctokitSecretTarget(
    target,
    scope,
    {
      publicKey: () => octokit.request('GET /repos/{owner}/{repo}/dependabot/secrets/public-key', repo),
      list: () => octokit.paginate('GET /repos/{owner}/{repo}/dependabot/secrets', { ...repo, ...PAGE }),
      put: (body) =>
        octokit.request('PUT /repos/{owner}/{repo}/dependabot/secrets/{secret_name}', { ...repo, ...body }),
      remove: (secret_name) =>
        octokit.request('DELETE /repos/{owner}/{repo}/dependabot/secrets/{secret_name}', {
          ...repo,
          secret_name
        })
    },
    undefined
  );
}

function dependabotOrganizationTarget(
  octokit: GitHubClient,
  target: Extract<Target, { kind: 'dependabot-organization' }>,
  scope: string
): SecretTarget {
  const org = { org: target.org };
  return new OctokitSecretTarget(
    target,
    scope,
    {
      publicKey: () => octokit.request('GET /orgs/{org}/dependabot/secrets/public-key', org),
      list: () => octokit.paginate('GET /orgs/{org}/dependabot/secrets', { ...org, ...PAGE }),
      put: ({ visibility, selected_repository_ids, ...body }) =>
        octokit.request('PUT /orgs/{org}/dependabot/secrets/{secret_name}', {
          ...org,
          ...body,
          visibility: visibility ?? 'private',
          ...(selected_repository_ids && { selected_repository_ids: selected_repository_ids.map(String) })
        }),
      remove: (secret_name) =>
        octokit.request('DELETE /orgs/{org}/dependabot/secrets/{secret_name}', { ...org, secret_name }),
      selectedRepositoryIds: async (secret_name) =>
        (
          await octokit.paginate('GET /orgs/{org}/dependabot/secrets/{secret_name}/repositories', {
            ...org,
            secret_name,
            ...PAGE
          })
        ).map((repo) => repo.id)
    },
    undefined,
    { octokit, org: target.org, access: target.access, resolved: new Map() }
  );
}

/** The adapter for each target kind: which endpoints hold its secrets and variables, and its key scope. */
export function createSecretTarget(octokit: GitHubClient, target: Target): SecretTarget {
  const scope = `${target.kind}:${targetLabel(target).toLowerCase()}`;
  switch (target.kind) {
    case 'repository':
      return repositoryTarget(octokit, target, scope);
    case 'environment':
      return environmentTarget(octokit, target, scope);
    case 'organization':
      return organizationTarget(octokit, target, scope);
    case 'dependabot-repository':
      return dependabotRepositoryTarget(octokit, target, scope);
    case 'dependabot-organization':
      return dependabotOrganizationTarget(octokit, target, scope);
  }
}
