import * as core from '@actions/core';
import type { ServiceTokenStore } from '../cloudflare/service-tokens.js';
import { TokenLookupError } from '../errors.js';
import { toTargetReadError } from '../github/api-errors.js';
import type { PublicKey, SecretTarget } from '../github/secret-targets.js';
import type { TargetState, TokenState } from '../model.js';
import type { Settings } from '../settings/settings.js';
import { mapWithLimit } from '../util/map-limit.js';

/** Reads may overlap a little; GitHub asks for writes one at a time, which the client enforces. */
const READ_CONCURRENCY = 4;

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

/** Reads the metadata of both secrets in every target. Any failure stops the run before a change. */
export async function observeTargets(
  targets: readonly SecretTarget[],
  names: { clientId: string; clientSecret: string }
): Promise<TargetState[]> {
  return mapWithLimit(targets, READ_CONCURRENCY, async (target) => {
    let secrets;
    try {
      secrets = await target.secrets();
    } catch (error) {
      throw toTargetReadError(error, target.label, 'the secrets');
    }
    const state = {
      target: target.target,
      clientId: secrets.get(names.clientId),
      clientSecret: secrets.get(names.clientSecret)
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
  const keys = await mapWithLimit(scopes, READ_CONCURRENCY, async ([, target]) => {
    try {
      return await target.publicKey();
    } catch (error) {
      throw toTargetReadError(error, target.label, 'the public key');
    }
  });
  return new Map(scopes.map(([scope], index) => [scope, keys[index] as PublicKey]));
}
