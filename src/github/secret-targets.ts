import type { SecretMetadata } from '../credentials/service-token/model.js';
import type { OrganizationAccess, Target } from '../settings/targets.js';
import { targetLabel } from '../settings/targets.js';
import type { GitHubClient } from './octokit.js';
import { resolveAccess, type RepositoryIdCache, type ResolvedAccess } from './organization-access.js';
import type { PublicKey, SealedSecret, SecretTarget, VariableStore } from './secret-target.js';
import { OctokitVariableStore } from './variables.js';

export type { PublicKey, SealedSecret, SecretTarget } from './secret-target.js';

interface SecretListItem {
  name: string;
  updated_at: string;
  visibility?: string;
}

/** The GitHub endpoints of one target kind. */
interface SecretEndpoints {
  publicKey(): Promise<{ data: { key_id: string; key: string } }>;
  list(): Promise<readonly SecretListItem[]>;
  put(
    body: { secret_name: string; encrypted_value: string; key_id: string } & Partial<ResolvedAccess>
  ): Promise<{
    status: number;
  }>;
  remove(secret_name: string): Promise<unknown>;
  /** Organization kinds: the repositories an existing `selected` secret is shared with. */
  selectedRepositoryIds?(name: string): Promise<number[]>;
}

class OctokitSecretTarget implements SecretTarget {
  readonly label: string;
  readonly target: Target;
  readonly keyScope: string;
  readonly variables: VariableStore | undefined;
  private readonly endpoints: SecretEndpoints;
  private readonly organization: OrganizationContext | undefined;
  private readonly visibilities = new Map<string, string | undefined>();

  constructor(
    target: Target,
    keyScope: string,
    endpoints: SecretEndpoints,
    variables: VariableStore | undefined,
    organization?: OrganizationContext
  ) {
    this.target = target;
    this.label = targetLabel(target);
    this.keyScope = keyScope;
    this.endpoints = endpoints;
    this.variables = variables;
    this.organization = organization;
  }

  async publicKey(): Promise<PublicKey> {
    const { data } = await this.endpoints.publicKey();
    return { keyId: data.key_id, key: data.key };
  }

  async secrets(): Promise<Map<string, SecretMetadata>> {
    const items = await this.endpoints.list();
    for (const item of items) this.visibilities.set(item.name.toUpperCase(), item.visibility);
    return new Map(items.map((item) => [item.name.toUpperCase(), { updatedAt: new Date(item.updated_at) }]));
  }

  async prepare(names: readonly string[]): Promise<void> {
    const organization = this.organization;
    if (!organization) return;
    const repositoryIds: RepositoryIdCache = new Map();
    for (const name of names) {
      organization.resolved.set(
        name,
        await resolveAccess(
          organization.octokit,
          organization.org,
          organization.access,
          this.visibilities.get(name),
          () => this.endpoints.selectedRepositoryIds?.(name) ?? Promise.resolve([]),
          repositoryIds
        )
      );
    }
  }

  async write(name: string, sealed: SealedSecret): Promise<'created' | 'updated'> {
    const { status } = await this.endpoints.put({
      secret_name: name,
      encrypted_value: sealed.encryptedValue,
      key_id: sealed.keyId,
      ...this.organization?.resolved.get(name)
    });
    return status === 201 ? 'created' : 'updated';
  }

  async remove(name: string): Promise<void> {
    try {
      await this.endpoints.remove(name);
    } catch (error) {
      if ((error as { status?: unknown }).status !== 404) throw error;
    }
  }
}

/** An organization target's line access, and what it resolves to per secret name (in `prepare`). */
interface OrganizationContext {
  readonly octokit: GitHubClient;
  readonly org: string;
  readonly access: OrganizationAccess;
  readonly resolved: Map<string, ResolvedAccess>;
}

const PAGE = { per_page: 100 } as const;

/** The adapter for each target kind: which endpoints hold its secrets and variables, and its key scope. */
export function createSecretTarget(octokit: GitHubClient, target: Target): SecretTarget {
  const { actions, dependabot } = octokit.rest;
  const scope = `${target.kind}:${targetLabel(target).toLowerCase()}`;
  switch (target.kind) {
    case 'repository': {
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
    case 'environment': {
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
    case 'organization': {
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
            (
              await octokit.paginate(actions.listSelectedReposForOrgSecret, { ...org, secret_name, ...PAGE })
            ).map((repo) => repo.id)
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
    case 'dependabot-repository': {
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
    case 'dependabot-organization': {
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
  }
}
