import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { parseApiTokenPolicy } from '../credentials/api-token/policy.js';
import { parseGrace, parseTokenDuration } from './duration.js';
import { parseSecretName } from './secret-name.js';
import {
  CREDENTIALS,
  DEFAULT_TIMING,
  MODES,
  STRATEGIES,
  type ApiTokenSettings,
  type Credential,
  type Mode,
  type Settings,
  type Timing,
  type TokenScope
} from './settings.js';
import { parseTargets } from './targets.js';

const CLOUDFLARE_ID = /^[0-9a-f]{32}$/i;
const DAY_MS = 86_400_000;

function optional(name: string): string | undefined {
  return core.getInput(name) || undefined;
}

function required(name: string): string {
  const value = core.getInput(name);
  if (!value) throw new InputError(name, 'is required', `Set '${name}' in the step's 'with:' block.`);
  return value;
}

function secret(name: string): string {
  const value = required(name);
  core.setSecret(value);
  return value;
}

function boolean(name: string): boolean {
  // The runner fills action.yml defaults; an unset input (local runs, tests) means false.
  if (!core.getInput(name)) return false;
  try {
    return core.getBooleanInput(name);
  } catch {
    throw new InputError(name, `'${core.getInput(name)}' is not a boolean`, 'Use true or false.');
  }
}

function cloudflareId(input: string, id: string): string {
  if (!CLOUDFLARE_ID.test(id)) {
    throw new InputError(
      input,
      `'${id}' is not a Cloudflare id`,
      'Copy the 32-character hexadecimal id from the dashboard.'
    );
  }
  return id.toLowerCase();
}

function choiceError(input: string, value: string, what: string, values: readonly string[]): InputError {
  return new InputError(input, `'${value}' is not ${what}`, `Use one of ${values.join(', ')}.`);
}

/** Inputs only the other kind of credential uses, with their defaults: any other value would be ignored. */
const OTHER_CREDENTIALS_INPUTS: Record<Credential, Record<string, string>> = {
  'access-service-token': { 'api-token-secret-name': 'CLOUDFLARE_API_TOKEN', strategy: 'replace' },
  'api-token': {
    'previous-secret-grace': '24h',
    'revoke-previous': 'false',
    'client-id-secret-name': 'CF_ACCESS_CLIENT_ID',
    'client-secret-secret-name': 'CF_ACCESS_CLIENT_SECRET',
    'client-id-as-variable': 'false'
  }
};

function unusedInputError(input: string, credential: Credential): InputError {
  return new InputError(
    input,
    `is set, but credential ${credential} does not use it`,
    'Remove it, or set credential to the kind of token it is meant for.'
  );
}

/** A value the run would silently ignore is more likely a mistake than a wish. */
function rejectUnusedInputs(credential: Credential): void {
  for (const [input, fallback] of Object.entries(OTHER_CREDENTIALS_INPUTS[credential])) {
    const value = core.getInput(input);
    if (value && value.toLowerCase() !== fallback.toLowerCase()) throw unusedInputError(input, credential);
  }
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** An API token belongs to an account (account-id) or to the user behind cloudflare-api-token. */
function parseApiTokenScope(): TokenScope {
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

function parseScope(credential: Credential): TokenScope {
  if (credential === 'api-token') return parseApiTokenScope();
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
  const [input, id] = accountId ? ['account-id', accountId] : ['zone-id', zoneId as string];
  return { kind: accountId ? 'account' : 'zone', id: cloudflareId(input, id) };
}

function parseMode(credential: Credential): Mode {
  const mode = core.getInput('mode') || 'auto';
  if (!isOneOf(MODES, mode)) throw choiceError('mode', mode, 'a mode', MODES);
  if (credential === 'api-token' && mode === 'refresh') {
    throw new InputError(
      'mode',
      "'refresh' extends a service token; an API token's expiry is renewed by replacing or rolling it",
      "Use mode 'auto' (renews within min-days-for-renewal) or 'rotate'."
    );
  }
  return mode;
}

/** The inputs of an API token run, and those that would be silently ignored in the other kind of run. */
function parseApiTokenSettings(credential: Credential, now: Date): ApiTokenSettings | undefined {
  const policyText = core.getInput('api-token-policy');
  if (credential !== 'api-token') {
    if (policyText.trim()) {
      throw new InputError(
        'api-token-policy',
        'is set, but credential is access-service-token',
        'Set credential: api-token to manage an API token, or remove api-token-policy.'
      );
    }
    return undefined;
  }
  if (optional('verify-url')) {
    throw new InputError(
      'verify-url',
      'tests an Access service token; an API token is verified through the Cloudflare API',
      'Remove verify-url.'
    );
  }
  const strategy = core.getInput('strategy') || 'replace';
  if (!isOneOf(STRATEGIES, strategy)) throw choiceError('strategy', strategy, 'a strategy', STRATEGIES);
  if (strategy === 'replace' && core.getInput('token-id').trim()) {
    throw new InputError(
      'token-id',
      'pins one token, but strategy replace gives the token a new id on every replacement',
      'Use token-name with strategy replace, or strategy roll to keep the id.'
    );
  }
  return {
    strategy,
    policy: policyText.trim() ? parseApiTokenPolicy(policyText, now) : undefined,
    secretName: parseSecretName(
      'api-token-secret-name',
      core.getInput('api-token-secret-name') || 'CLOUDFLARE_API_TOKEN'
    )
  };
}

function parseRenewalWindow(): number {
  const value = core.getInput('min-days-for-renewal') || '30';
  const days = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(days > 0)) {
    throw new InputError(
      'min-days-for-renewal',
      `'${value}' is not a positive number of days`,
      'Use a number such as 30.'
    );
  }
  return days * DAY_MS;
}

function parseUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, `'${value}' is not a URL`, 'Use an absolute http(s) URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(name, `'${value}' is not an http(s) URL`, 'Use an absolute http(s) URL.');
  }
  return url;
}

function apiBase(name: string, value: string): string {
  return parseUrl(name, value).toString().replace(/\/+$/, '');
}

function parseTokenIdentity(): { tokenName: string | undefined; tokenId: string | undefined } {
  const tokenName = core.getInput('token-name').trim() || undefined;
  const tokenId = core.getInput('token-id').trim() || undefined;
  if (!tokenName && !tokenId) {
    throw new InputError(
      'token-name',
      'is empty and token-id is not set',
      'Set token-name (and token-id to pin one token).'
    );
  }
  return { tokenName, tokenId };
}

function parseSecretNames(): { clientIdSecretName: string; clientSecretSecretName: string } {
  const clientIdSecretName = parseSecretName(
    'client-id-secret-name',
    core.getInput('client-id-secret-name') || 'CF_ACCESS_CLIENT_ID'
  );
  const clientSecretSecretName = parseSecretName(
    'client-secret-secret-name',
    core.getInput('client-secret-secret-name') || 'CF_ACCESS_CLIENT_SECRET'
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

/** Test and demo knobs from the environment, never from inputs: a workflow has no reason to change them. */
function readTiming(env: NodeJS.ProcessEnv): Timing {
  const number = (name: string, fallback: number): number => {
    const value = env[name];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback;
  };
  return {
    writeIntervalMs: number('ROTATOR_WRITE_INTERVAL_MS', DEFAULT_TIMING.writeIntervalMs),
    retryBaseMs: number('ROTATOR_RETRY_BASE_MS', DEFAULT_TIMING.retryBaseMs),
    verifyTimeoutMs: number('ROTATOR_VERIFY_TIMEOUT_MS', DEFAULT_TIMING.verifyTimeoutMs),
    requestTimeoutMs: number('ROTATOR_REQUEST_TIMEOUT_MS', DEFAULT_TIMING.requestTimeoutMs)
  };
}

/** Reads and validates every input once. Throws an InputError naming the first bad input. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const cloudflareApiToken = secret('cloudflare-api-token');
  const githubToken = secret('github-token');
  const verifyUrlText = optional('verify-url');
  const credential = core.getInput('credential') || 'access-service-token';
  if (!isOneOf(CREDENTIALS, credential))
    throw choiceError('credential', credential, 'a credential', CREDENTIALS);
  rejectUnusedInputs(credential);
  return {
    cloudflareApiToken,
    githubToken,
    credential,
    scope: parseScope(credential),
    ...parseTokenIdentity(),
    mode: parseMode(credential),
    renewalWindowMs: parseRenewalWindow(),
    duration: parseTokenDuration('duration', core.getInput('duration') || '8760h'),
    previousSecretGraceMs: parseGrace(
      'previous-secret-grace',
      core.getInput('previous-secret-grace') || '24h'
    ),
    revokePrevious: boolean('revoke-previous'),
    apiToken: parseApiTokenSettings(credential, new Date()),
    verifyUrl: verifyUrlText ? parseUrl('verify-url', verifyUrlText) : undefined,
    targets: parseTargets(core.getInput('targets'), env.GITHUB_REPOSITORY),
    ...parseSecretNames(),
    clientIdAsVariable: boolean('client-id-as-variable'),
    dryRun: boolean('dry-run'),
    exposeSecret: boolean('expose-secret'),
    cloudflareApiUrl: apiBase(
      'cloudflare-api-url',
      core.getInput('cloudflare-api-url') || 'https://api.cloudflare.com/client/v4'
    ),
    githubApiUrl: apiBase(
      'github-api-url',
      core.getInput('github-api-url') || env.GITHUB_API_URL || 'https://api.github.com'
    ),
    timing: readTiming(env)
  };
}
