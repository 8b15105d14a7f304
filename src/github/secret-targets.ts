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
  const { actions } = octokit.rest;
  const repo = { owner: target.owner, repo: target.repo };
  return new OctokitSecretTarget(
    target,
    scope,
    {
      publicKey: () => actions.getRepoPublicKey(repo),
      list: () => octokit.paginate(actions.listRepoSecrets, { ...repo, ...PAGE }),
      put: (body) => actions.createOrUpdateRepoSecret({ ...repo, ...body }),
      remove: (secret_name) => actions.deleteRepoSecret({ ...repo, secret_name })
    },
    new OctokitVariableStore({
      list: () => octokit.paginate(actions.listRepoVariables, { ...repo, per_page: 30 }),
      create: (name, value) => actions.createRepoVariable({ ...repo, name, value }),
      update: (name, value) => actions.updateRepoVariable({ ...repo, name, value })
    })
  );
}

function environmentTarget(
  octokit: GitHubClient,
  target: Extract<Target, { kind: 'environment' }>,
  scope: string
): SecretTarget {
  const { actions } = octokit.rest;
  const environment = { owner: target.owner, repo: target.repo, environment_name: target.environment };
  return new OctokitSecretTarget(
    target,
    scope,
    {
      publicKey: () => actions.getEnvironmentPublicKey(environment),
      list: () => octokit.paginate(actions.listEnvironmentSecrets, { ...environment, ...PAGE }),
      put: (body) => actions.createOrUpdateEnvironmentSecret({ ...environment, ...body }),
      remove: (secret_name) => actions.deleteEnvironmentSecret({ ...environment, secret_name })
    },
    new OctokitVariableStore({
      list: () => octokit.paginate(actions.listEnvironmentVariables, { ...environment, per_page: 30 }),
      create: (name, value) => actions.createEnvironmentVariable({ ...environment, name, value }),
      update: (name, value) => actions.updateEnvironmentVariable({ ...environment, name, value })
    })
  );
}

function organizationTarget(
  octokit: GitHubClient,
  target: Extract<Target, { kind: 'organization' }>,
  scope: string
): SecretTarget {
  const { actions } = octokit.rest;
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
      publicKey: () => actions.getOrgPublicKey(org),
      list: () => octokit.paginate(actions.listOrgSecrets, { ...org, ...PAGE }),
      put: ({ visibility, ...body }) =>
        actions.createOrUpdateOrgSecret({ ...org, ...body, visibility: visibility ?? 'private' }),
      remove: (secret_name) => actions.deleteOrgSecret({ ...org, secret_name }),
      selectedRepositoryIds: async (secret_name) =>
        (await octokit.paginate(actions.listSelectedReposForOrgSecret, { ...org, secret_name, ...PAGE })).map(
          (repo) => repo.id
        )
    },
    new OctokitVariableStore({
      list: () => octokit.paginate(actions.listOrgVariables, { ...org, per_page: 30 }),
      create: (name, value) =>
        actions.createOrgVariable({
          ...org,
          name,
          value,
          ...(context.resolved.get(name) ?? { visibility: 'private' })
        }),
      // PATCH leaves an existing variable's access alone unless the line sets one, which applies as to secrets.
      update: (name, value) =>
        actions.updateOrgVariable({
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
  const { dependabot } = octokit.rest;
  const repo = { owner: target.owner, repo: target.repo };
  return new OctokitSecretTarget(
    target,
    scope,
    {
      publicKey: () => dependabot.getRepoPublicKey(repo),
      list: () => octokit.paginate(dependabot.listRepoSecrets, { ...repo, ...PAGE }),
      put: (body) => dependabot.createOrUpdateRepoSecret({ ...repo, ...body }),
      remove: (secret_name) => dependabot.deleteRepoSecret({ ...repo, secret_name })
    },
    undefined
  );
}

function dependabotOrganizationTarget(
  octokit: GitHubClient,
  target: Extract<Target, { kind: 'dependabot-organization' }>,
  scope: string
): SecretTarget {
  const { dependabot } = octokit.rest;
  const org = { org: target.org };
  return new OctokitSecretTarget(
    target,
    scope,
    {
      publicKey: () => dependabot.getOrgPublicKey(org),
      list: () => octokit.paginate(dependabot.listOrgSecrets, { ...org, ...PAGE }),
      put: ({ visibility, selected_repository_ids, ...body }) =>
        dependabot.createOrUpdateOrgSecret({
          ...org,
          ...body,
          visibility: visibility ?? 'private',
          ...(selected_repository_ids && { selected_repository_ids: selected_repository_ids.map(String) })
        }),
      remove: (secret_name) => dependabot.deleteOrgSecret({ ...org, secret_name }),
      selectedRepositoryIds: async (secret_name) =>
        (
          await octokit.paginate(dependabot.listSelectedReposForOrgSecret, {
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
