import { InputError } from '../../errors.js';
import { input, optional } from '../../settings/inputs.js';
import { parseSecretName } from '../../settings/secret-name.js';
import { readMode, readStrategy, type Strategy } from '../../settings/choices.js';
import type { ApiTokenScope, CommonSettings } from '../../settings/settings.js';
import { cloudflareId } from '../../settings/values.js';
import { parseApiTokenPolicy, type ApiTokenPolicy } from './policy.js';

export type { Strategy };
export type ApiTokenMode = 'auto' | 'rotate' | 'check';

/** The inputs only an API token run uses. */
export interface ApiTokenSettings {
  /** How to create the token when none exists; a replacement copies the old token instead. */
  readonly policy: ApiTokenPolicy | undefined;
  /** The secret that receives the token's value in every target. */
  readonly secretName: string;
  readonly strategy: Strategy;
}

/** Everything an API token run uses. */
export interface ApiTokenRunSettings extends CommonSettings {
  readonly credential: 'api-token';
  readonly scope: ApiTokenScope;
  readonly mode: ApiTokenMode;
  readonly apiToken: ApiTokenSettings;
}

/** An API token belongs to an account (account-id) or to the user behind cloudflare-api-token. */
function parseScope(): ApiTokenScope {
  if (optional('zone-id')) {
    throw new InputError(
      'zone-id',
      'is set, but API tokens belong to a user or an account, not to a zone',
      'Remove zone-id; set account-id only for an account-owned token (a zone goes into api-token-policy resources).'
    );
  }
  const accountId = optional('account-id');
  return accountId ? { kind: 'account', id: cloudflareId('account-id', accountId) } : { kind: 'user' };
}

function parseMode(): ApiTokenMode {
  const mode = readMode();
  if (mode === 'refresh') {
    throw new InputError(
      'mode',
      "'refresh' extends a service token; an API token's expiry is renewed by replacing or rolling it",
      "Use mode 'auto' (renews within min-days-for-renewal) or 'rotate'."
    );
  }
  return mode;
}

/** No default: the usual name, CLOUDFLARE_API_TOKEN, is the one that feeds the rotator its own token. */
function requiredSecretName(): string {
  const name = optional('api-token-secret-name');
  if (!name) {
    throw new InputError(
      'api-token-secret-name',
      'is required for credential: api-token (it has no default)',
      "Name the secret that receives the managed token, e.g. CLOUDFLARE_DEPLOY_TOKEN; not the secret that feeds this step's cloudflare-api-token, unless the run manages that very token."
    );
  }
  return name;
}

/** The API token's own inputs; refuses those only a service token uses. */
export function readApiTokenSettings(common: () => CommonSettings, now: Date): ApiTokenRunSettings {
  const scope = parseScope();
  const settings = common();
  const mode = parseMode();
  if (optional('verify-url')) {
    throw new InputError(
      'verify-url',
      'tests an Access service token; an API token is verified through the Cloudflare API',
      'Remove verify-url.'
    );
  }
  const strategy = readStrategy();
  if (strategy === 'replace' && settings.tokenId) {
    throw new InputError(
      'token-id',
      'pins one token, but strategy replace gives the token a new id on every replacement',
      'Use token-name with strategy replace, or strategy roll to keep the id.'
    );
  }
  const policyText = input('api-token-policy');
  return {
    ...settings,
    credential: 'api-token',
    scope,
    mode,
    apiToken: {
      strategy,
      policy: policyText.trim() ? parseApiTokenPolicy(policyText, now) : undefined,
      secretName: parseSecretName('api-token-secret-name', requiredSecretName())
    }
  };
}
