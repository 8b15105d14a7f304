import { OverwriteError } from '../../errors.js';
import { targetLabel } from '../../settings/targets.js';
import type { ServiceTokenStore } from '../../cloudflare/service-tokens.js';
import type { TargetState } from './model.js';
import type { ServiceTokenRunSettings } from './settings.js';

export interface CreateGuardInput {
  readonly tokenName: string;
  readonly targets: readonly TargetState[];
  readonly clientIdName: string;
  readonly clientSecretName: string;
  /** allow-overwrite: the user said a new token may take over these secrets. */
  readonly allowOverwrite: boolean;
}

export function createGuardInput(
  settings: ServiceTokenRunSettings,
  targets: readonly TargetState[]
): CreateGuardInput {
  const names = settings.serviceToken;
  return {
    tokenName: settings.tokenName ?? '',
    targets,
    clientIdName: names.clientIdSecretName,
    clientSecretName: names.clientSecretSecretName,
    allowOverwrite: names.allowOverwrite
  };
}

/** The targets that already hold a client id or secret under this run's names (of some other token). */
export function occupiedTargets(targets: readonly TargetState[]): TargetState[] {
  return targets.filter(
    (state) =>
      state.clientSecret !== undefined ||
      state.clientId !== undefined ||
      (state.clientIdVariable !== undefined && state.clientIdVariable !== null)
  );
}

/** Names of existing tokens that equal `name` but for case (never `name` itself). */
export function nearNames(name: string, names: readonly string[]): string[] {
  const lower = name.toLowerCase();
  return [...new Set(names.filter((other) => other !== name && other.toLowerCase() === lower))];
}

/**
 * Before a create under mode auto (no token of that name exists): a token whose name differs only in case,
 * or targets that already hold the secret names, mean a typo in token-name far more often than a wish for a
 * second token. Either stops the run before anything changes, naming the near match, unless allow-overwrite.
 * A rotation record that names another existing token is checked earlier (record-evidence.ts).
 */
export async function guardCreate(input: CreateGuardInput, tokens: ServiceTokenStore): Promise<void> {
  if (input.allowOverwrite) return;
  const near = tokens.listTokenNames ? nearNames(input.tokenName, await tokens.listTokenNames()) : [];
  const occupied = occupiedTargets(input.targets);
  if (!near.length && !occupied.length) return;
  const name = `'${input.tokenName}'`;
  const meant = near.length ? `did you mean ${near.map((other) => `'${other}'`).join(' or ')}?` : '';
  const optIn = 'set allow-overwrite: true';
  if (!occupied.length) {
    throw new OverwriteError(
      `No service token named ${name} exists in ${tokens.scopeLabel}, but ${near.map((other) => `'${other}'`).join(', ')} differs only in case: creating ${name} would make a second token.`,
      `Check token-name (${meant}). To create a second token whose name differs only in case on purpose, ${optIn}.`
    );
  }
  const secrets = `${input.clientIdName}/${input.clientSecretName}`;
  throw new OverwriteError(
    `No service token named ${name} exists in ${tokens.scopeLabel}, but ${occupied.length} target(s) already hold ${secrets} of another token: ${occupied.map((state) => targetLabel(state.target)).join(', ')}. Creating ${name} would overwrite them, and their consumers would present a token that no Access policy admits.`,
    `Check token-name${meant ? ` (${meant})` : ''} and account-id or zone-id. To create a new token over these secrets on purpose, ${optIn}.`
  );
}
