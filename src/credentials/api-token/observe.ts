import * as core from '@actions/core';
import { warnIfExpiring, type RunningTokenStatus } from '../../cloudflare/running-token.js';
import type { ApiTokenStore } from '../../cloudflare/api-token-store.js';
import { TokenLookupError } from '../../errors.js';
import type { FanOut } from '../../targets/fan-out.js';
import { observeTargets } from '../../targets/observe.js';
import type { ApiTokenState, ApiTokenTargetState } from './model.js';
import type { ApiTokenPorts } from './ports.js';
import type { ApiTokenRunSettings } from './settings.js';

export interface ApiTokenObservation {
  /** cloudflare-api-token itself. */
  readonly running: RunningTokenStatus;
  /** The token by id, or every token with the name (more than one after a failed or killed run). */
  readonly family: ApiTokenState[];
  readonly targets: ApiTokenTargetState[];
}

/** The token by id (its name checked when both are given), or every token with the name. */
export async function findFamily(
  settings: Pick<ApiTokenRunSettings, 'tokenId' | 'tokenName'>,
  tokens: ApiTokenStore
): Promise<ApiTokenState[]> {
  const { tokenId, tokenName } = settings;
  if (!tokenId) return tokens.findByName(tokenName as string);
  const token = await tokens.get(tokenId);
  if (tokenName && token.name !== tokenName) {
    throw new TokenLookupError(
      `API token ${tokenId} is named '${token.name}', not '${tokenName}'.`,
      'Fix token-name or token-id so that they name the same token.'
    );
  }
  return [token];
}

/** Everything read-only, at once: cloudflare-api-token, the tokens with the name, and every target. */
export async function observeApiToken(
  settings: ApiTokenRunSettings,
  ports: ApiTokenPorts,
  fanOut: FanOut
): Promise<ApiTokenObservation> {
  const [running, family] = await Promise.all([
    ports.checkApiToken(),
    findFamily(settings, ports.apiTokens),
    observeTargets(fanOut)
  ]);
  warnIfExpiring('cloudflare-api-token', running.expiresOn, settings.renewalWindowMs, ports.now());
  const label = settings.tokenName ?? settings.tokenId;
  core.info(
    family.length
      ? `Found ${family.length} API token(s) named '${family[0]?.name}' for ${ports.apiTokens.ownerLabel}: ${family.map((token) => `${token.id} (issued ${token.issuedOn.toISOString()})`).join(', ')}.`
      : `No API token named '${label}' for ${ports.apiTokens.ownerLabel}.`
  );
  if (family.some((token) => token.id === running.id)) {
    core.info('cloudflare-api-token is one of these tokens: the run rotates the token it runs with.');
  }
  return {
    running,
    family,
    targets: fanOut.works.map((work) => ({
      target: work.target,
      secret: work.secrets.get(settings.apiToken.secretName)
    }))
  };
}
