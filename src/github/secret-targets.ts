import type { SecretMetadata } from '../model.js';
import type { Target } from '../settings/targets.js';
import { targetLabel } from '../settings/targets.js';
import type { GitHubClient } from './octokit.js';

export interface PublicKey {
  readonly keyId: string;
  /** Base64 X25519 public key. */
  readonly key: string;
}

export interface SealedSecret {
  readonly encryptedValue: string;
  readonly keyId: string;
}

/** One place that holds secrets. The rotation sees only this shape; the tests use an in-memory one. */
export interface SecretTarget {
  readonly target: Target;
  readonly label: string;
  /** Targets with the same scope share one public key, read once per run. */
  readonly keyScope: string;
  publicKey(): Promise<PublicKey>;
  /** Metadata of every secret in the target, by upper-case name. */
  secrets(): Promise<Map<string, SecretMetadata>>;
  write(name: string, sealed: SealedSecret): Promise<'created' | 'updated'>;
}

/** The three GitHub endpoints of one target kind. */
interface SecretEndpoints {
  publicKey(): Promise<{ data: { key_id: string; key: string } }>;
  list(): Promise<ReadonlyArray<{ name: string; updated_at: string }>>;
  put(body: { secret_name: string; encrypted_value: string; key_id: string }): Promise<{ status: number }>;
}

class OctokitSecretTarget implements SecretTarget {
  readonly label: string;
  readonly target: Target;
  readonly keyScope: string;
  private readonly endpoints: SecretEndpoints;

  constructor(target: Target, keyScope: string, endpoints: SecretEndpoints) {
    this.target = target;
    this.label = targetLabel(target);
    this.keyScope = keyScope;
    this.endpoints = endpoints;
  }

  async publicKey(): Promise<PublicKey> {
    const { data } = await this.endpoints.publicKey();
    return { keyId: data.key_id, key: data.key };
  }

  async secrets(): Promise<Map<string, SecretMetadata>> {
    const items = await this.endpoints.list();
    return new Map(items.map((item) => [item.name.toUpperCase(), { updatedAt: new Date(item.updated_at) }]));
  }

  async write(name: string, sealed: SealedSecret): Promise<'created' | 'updated'> {
    const { status } = await this.endpoints.put({
      secret_name: name,
      encrypted_value: sealed.encryptedValue,
      key_id: sealed.keyId
    });
    return status === 201 ? 'created' : 'updated';
  }
}

const PAGE = { per_page: 100 } as const;

/** The adapter for each target kind: which endpoints hold its secrets and which key scope it shares. */
export function createSecretTarget(octokit: GitHubClient, target: Target): SecretTarget {
  const { actions } = octokit.rest;
  const repository = { owner: target.owner, repo: target.repo };
  switch (target.kind) {
    case 'repository':
      return new OctokitSecretTarget(target, `repository:${targetLabel(target).toLowerCase()}`, {
        publicKey: () => actions.getRepoPublicKey(repository),
        list: () => octokit.paginate(actions.listRepoSecrets, { ...repository, ...PAGE }),
        put: (body) => actions.createOrUpdateRepoSecret({ ...repository, ...body })
      });
    case 'environment': {
      const environment = { ...repository, environment_name: target.environment };
      return new OctokitSecretTarget(target, `environment:${targetLabel(target).toLowerCase()}`, {
        publicKey: () => actions.getEnvironmentPublicKey(environment),
        list: () => octokit.paginate(actions.listEnvironmentSecrets, { ...environment, ...PAGE }),
        put: (body) => actions.createOrUpdateEnvironmentSecret({ ...environment, ...body })
      });
    }
  }
}
