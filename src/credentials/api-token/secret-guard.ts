import { InputError } from '../../errors.js';
import type { Target } from '../../settings/targets.js';

export interface SecretGuardInput {
  /** api-token-secret-name. */
  readonly secretName: string;
  readonly targets: readonly Target[];
  /** GITHUB_REPOSITORY. */
  readonly repository: string | undefined;
  /** The secrets the running workflow passes as cloudflare-api-token (see github/workflow-secrets.ts). */
  readonly workflowSecrets: readonly string[];
  /** The managed token is cloudflare-api-token itself (then writing its secret is the point). */
  readonly managesRunningToken: boolean;
}

/** Targets whose secret the running repository's workflows read: its repository secrets, its owner's org secrets. */
function feedsRunningRepository(target: Target, repository: string): boolean {
  const [owner = '', repo = ''] = repository.toLowerCase().split('/');
  if (target.kind === 'repository')
    return target.owner.toLowerCase() === owner && target.repo.toLowerCase() === repo;
  return target.kind === 'organization' && target.org.toLowerCase() === owner;
}

/**
 * The managed API token must not be written over the secret that feeds cloudflare-api-token in the running
 * repository, unless it is that token: the next run would start with a token that cannot manage tokens, and
 * fail with a misleading 403.
 */
export function guardRotatorSecret(input: SecretGuardInput): void {
  if (input.managesRunningToken || !input.repository) return;
  if (!input.workflowSecrets.includes(input.secretName.toUpperCase())) return;
  const hit = input.targets.find((target) => feedsRunningRepository(target, input.repository as string));
  if (!hit) return;
  throw new InputError(
    'api-token-secret-name',
    `is ${input.secretName}, the secret this workflow passes as cloudflare-api-token in ${input.repository}, but the managed token is another one: writing it there would replace the rotator's own credential`,
    'Give the managed token its own secret name (e.g. CLOUDFLARE_DEPLOY_TOKEN), or pass the rotator its token from another secret.'
  );
}
