import * as core from '@actions/core';
import type { ServiceTokenStore } from '../cloudflare/service-tokens.js';
import { TokenLookupError } from '../errors.js';
import { toTargetReadError } from '../github/api-errors.js';
import type { PublicKey, SecretTarget } from '../github/secret-targets.js';
import type { TargetState, TokenState } from '../credentials/service-token/model.js';
import type { Settings } from '../settings/settings.js';
import type { RotationPorts } from '../credentials/service-token/ports.js';
import { targetRepository } from '../settings/targets.js';
import { mapWithLimit } from './map-limit.js';

/** Reads may overlap a little; GitHub asks for writes one at a time, which the client enforces. */
const READ_CONCURRENCY = 4;

/** An annotation when the token that runs the action expires soon: the next rotation would fail. */
export function warnIfExpiring(what: string, expiresOn: Date | undefined, windowMs: number, now: Date): void {
  if (!expiresOn || expiresOn.getTime() - now.getTime() > windowMs) return;
  core.warning(
    `${what} expires at ${expiresOn.toISOString()}: replace it before then, or rotations will fail.`
  );
}

/** Everything read-only, at once: cloudflare-api-token itself, the service token, and every target. */
export async function observe(
  settings: Settings,
  ports: RotationPorts,
  names: SecretNames
): Promise<{ token: TokenState | undefined; targets: TargetState[] }> {
  const [apiToken, token, targets] = await Promise.all([
    ports.checkApiToken(),
    findToken(settings, ports.tokens),
    observeTargets(ports.targets, names)
  ]);
  warnIfExpiring('cloudflare-api-token', apiToken.expiresOn, settings.renewalWindowMs, ports.now());
  core.info(
    token
      ? `Found service token '${token.name}' (${token.id}) in ${ports.tokens.scopeLabel}.`
      : `No service token named '${settings.tokenName}' in ${ports.tokens.scopeLabel}.`
  );
  return { token, targets };
}

/** Finds the service token by id (checking the name when both are given) or by a unique name. */
export async function findToken(
  settings: Settings,
  tokens: ServiceTokenStore
): Promise<TokenState | undefined> {
  const { tokenId, tokenName } = settings;
  if (tokenId) {
    const token = await tokens.get(tokenId);
    if (tokenName && token.name !== tokenName) {
      throw new TokenLookupError(
        `Service token ${tokenId} is named '${token.name}', not '${tokenName}'.`,
        'Fix token-name or token-id so that they name the same token.'
      );
    }
    return token;
  }
  const found = await tokens.findByName(tokenName as string);
  if (found.length > 1) {
    throw new TokenLookupError(
      `${found.length} service tokens in ${tokens.scopeLabel} are named '${tokenName}' (ids: ${found.map((token) => token.id).join(', ')}).`,
      'Names are not unique in Cloudflare: set token-id to choose one.'
    );
  }
  return found[0];
}

export interface SecretNames {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The client id is kept as a variable where the target has variables. */
  readonly clientIdAsVariable: boolean;
}

async function read<T>(target: SecretTarget, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toTargetReadError(error, target.label, what);
  }
}

/** Reads the metadata of both secrets (and the client id variable) in every target. Any failure stops the run before a change. */
export async function observeTargets(
  targets: readonly SecretTarget[],
  names: SecretNames
): Promise<TargetState[]> {
  return mapWithLimit(targets, READ_CONCURRENCY, async (target) => {
    const secrets = await read(target, 'the secrets', () => target.secrets());
    const variables = names.clientIdAsVariable ? target.variables : undefined;
    const clientIdVariable = variables
      ? ((await read(target, 'the variables', () => variables.list())).get(names.clientId)?.value ?? null)
      : undefined;
    const state: TargetState = {
      target: target.target,
      clientId: secrets.get(names.clientId),
      clientSecret: secrets.get(names.clientSecret),
      ...(clientIdVariable !== undefined && { clientIdVariable })
    };
    core.info(
      `${target.label}: ${names.clientSecret} ${state.clientSecret ? `updated ${state.clientSecret.updatedAt.toISOString()}` : 'missing'}`
    );
    return state;
  });
}

/** Reads the public key of every key scope once, before anything changes (so a bad target stops the run early). */
export async function readPublicKeys(targets: readonly SecretTarget[]): Promise<Map<string, PublicKey>> {
  const firstOfScope = new Map<string, SecretTarget>();
  for (const target of targets)
    if (!firstOfScope.has(target.keyScope)) firstOfScope.set(target.keyScope, target);
  const scopes = [...firstOfScope.entries()];
  const keys = await mapWithLimit(scopes, READ_CONCURRENCY, ([, target]) =>
    read(target, 'the public key', () => target.publicKey())
  );
  return new Map(scopes.map(([scope], index) => [scope, keys[index] as PublicKey]));
}

/** Reads what organization targets need to keep their access (visibility, repositories) when written. */
export async function prepareWrites(
  targets: readonly SecretTarget[],
  names: readonly string[]
): Promise<void> {
  await mapWithLimit(targets, READ_CONCURRENCY, (target) =>
    read(target, 'the secret access settings', () => target.prepare(names))
  );
}

/**
 * Finds the targets in archived repositories (read-only: every write would fail), once per repository, so
 * they are reported before anything is rotated.
 */
export async function findArchived(
  targets: readonly SecretTarget[],
  isArchived: (owner: string, repo: string) => Promise<boolean>
): Promise<Set<SecretTarget>> {
  const byRepository = new Map<string, SecretTarget[]>();
  for (const target of targets) {
    const repository = targetRepository(target.target);
    if (!repository) continue;
    const key = `${repository.owner}/${repository.repo}`.toLowerCase();
    byRepository.set(key, [...(byRepository.get(key) ?? []), target]);
  }
  const groups = [...byRepository.values()];
  const archived = await mapWithLimit(groups, READ_CONCURRENCY, (group) => {
    const first = group[0] as SecretTarget;
    const { owner, repo } = targetRepository(first.target) as { owner: string; repo: string };
    return read(first, 'the repository', () => isArchived(owner, repo));
  });
  return new Set(groups.filter((_, index) => archived[index]).flat());
}
