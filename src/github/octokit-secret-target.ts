import type { OrganizationAccess, Target } from '../settings/targets.js';
import { targetLabel } from '../settings/targets.js';
import type { GitHubClient } from './octokit.js';
import { resolveAccess, type RepositoryIdCache, type ResolvedAccess } from './organization-access.js';
import type {
  PublicKey,
  SealedSecret,
  SecretMetadata,
  SecretTarget,
  VariableStore
} from './secret-target.js';

interface SecretListItem {
  name: string;
  updated_at: string;
  visibility?: string;
}

/** The GitHub endpoints of one target kind. */
export interface SecretEndpoints {
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

export class OctokitSecretTarget implements SecretTarget {
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
export interface OrganizationContext {
  readonly octokit: GitHubClient;
  readonly org: string;
  readonly access: OrganizationAccess;
  readonly resolved: Map<string, ResolvedAccess>;
}
