import { InputError } from '../../errors.js';
import { parseGrace } from '../../settings/duration.js';
import { boolean, input, optional } from '../../settings/inputs.js';
import { parseSecretName } from '../../settings/secret-name.js';
import { readMode } from '../../settings/choices.js';
import type { CommonSettings, Mode, ServiceTokenScope } from '../../settings/settings.js';
import { cloudflareId, parseUrl } from '../../settings/values.js';
import { parseAccessPolicies, type AccessPolicyRef } from '../../settings/access-policies.js';

/** The inputs only a service token run uses. */
export interface ServiceTokenSettings {
  /** How long the previous secret keeps working after a rotation; 0 revokes it at once. */
  readonly previousSecretGraceMs: number;
  /** End the previous secret's grace once every target holds the new one. */
  readonly revokePrevious: boolean;
  /** URL behind Access that must accept the new credential before the rotation is finished. */
  readonly verifyUrl: URL | undefined;
  /** Write the client id as an Actions variable (same name) instead of a secret, where the target has variables. */
  readonly clientIdAsVariable: boolean;
  /** Upper-case secret names. */
  readonly clientIdSecretName: string;
  readonly clientSecretSecretName: string;
  /** A create under mode auto may write over secrets the targets already hold (of another token). */
  readonly allowOverwrite: boolean;
  /** Access policies whose include must hold the token (access-policy-id). */
  readonly accessPolicies?: readonly AccessPolicyRef[];
}

/** Everything a service token run uses. */
export interface ServiceTokenRunSettings extends CommonSettings {
  readonly credential: 'access-service-token';
  readonly scope: ServiceTokenScope;
  readonly mode: Mode;
  readonly serviceToken: ServiceTokenSettings;
}

function parseScope(): ServiceTokenScope {
  const accountId = optional('account-id');
  const zoneId = optional('zone-id');
  if (accountId && zoneId) {
    throw new InputError(
      'account-id',
      'is set together with zone-id',
      'Set exactly one of account-id and zone-id.'
    );
  }
  if (!accountId && !zoneId) {
    throw new InputError(
      'account-id',
      'is not set, and neither is zone-id',
      'Set exactly one of account-id and zone-id.'
    );
  }
  return accountId
    ? { kind: 'account', id: cloudflareId('account-id', accountId) }
    : { kind: 'zone', id: cloudflareId('zone-id', zoneId as string) };
}

function parseSecretNames(): Pick<ServiceTokenSettings, 'clientIdSecretName' | 'clientSecretSecretName'> {
  const clientIdSecretName = parseSecretName('client-id-secret-name', input('client-id-secret-name'));
  const clientSecretSecretName = parseSecretName(
    'client-secret-secret-name',
    input('client-secret-secret-name')
  );
  if (clientIdSecretName === clientSecretSecretName) {
    throw new InputError(
      'client-secret-secret-name',
      `is the same as client-id-secret-name (${clientIdSecretName})`,
      'Use two different names.'
    );
  }
  return { clientIdSecretName, clientSecretSecretName };
}

/** The service token's own inputs; refuses those only an API token uses. */
export function readServiceTokenSettings(common: () => CommonSettings): ServiceTokenRunSettings {
  const scope = parseScope();
  const settings = common();
  const mode = readMode();
  if (input('api-token-policy').trim()) {
    throw new InputError(
      'api-token-policy',
      'is set, but credential is access-service-token',
      'Set credential: api-token to manage an API token, or remove api-token-policy.'
    );
  }
  const verifyUrl = optional('verify-url');
  return {
    ...settings,
    credential: 'access-service-token',
    scope,
    mode,
    serviceToken: {
      previousSecretGraceMs: parseGrace('previous-secret-grace', input('previous-secret-grace')),
      revokePrevious: boolean('revoke-previous'),
      verifyUrl: verifyUrl ? parseUrl('verify-url', verifyUrl) : undefined,
      ...parseSecretNames(),
      clientIdAsVariable: boolean('client-id-as-variable'),
      allowOverwrite: boolean('allow-overwrite'),
      accessPolicies: parseAccessPolicies(input('access-policy-id'), scope)
    }
  };
}
