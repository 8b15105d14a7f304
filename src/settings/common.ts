import { parseMaxIdleDays } from './access-policies.js';
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { parseTokenDuration } from './duration.js';
import { boolean, input, optional, secret } from './inputs.js';
import { DEFAULT_TIMING, type CommonSettings, type Timing } from './settings.js';
import { parseTargets } from './targets.js';
import { apiBase } from './values.js';

const DAY_MS = 86_400_000;
const CLOUDFLARE_API_HOST = 'api.cloudflare.com';
/** Cloudflare names (service tokens, API tokens) are at most this long. */
const MAX_TOKEN_NAME_LENGTH = 255;

function parseRenewalWindow(): number {
  const value = input('min-days-for-renewal');
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

function parseTokenIdentity(): { tokenName: string | undefined; tokenId: string | undefined } {
  const tokenName = optional('token-name');
  const tokenId = optional('token-id');
  if (tokenName !== undefined) checkTokenName(tokenName);
  if (!tokenName && !tokenId) {
    throw new InputError(
      'token-name',
      'is empty and token-id is not set',
      'Set token-name (and token-id to pin one token).'
    );
  }
  return { tokenName, tokenId };
}

/** A name goes into log lines and API requests: a control character could forge a workflow command. */
function checkTokenName(name: string): void {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(name);
  if (control) {
    throw new InputError(
      'token-name',
      `holds a control character (such as a line break) at position ${control.index + 1}`,
      'Use a name on one line, of printable characters.'
    );
  }
  if (name.length > MAX_TOKEN_NAME_LENGTH) {
    throw new InputError(
      'token-name',
      `is ${name.length} characters long, more than Cloudflare's ${MAX_TOKEN_NAME_LENGTH}`,
      `Use a name of at most ${MAX_TOKEN_NAME_LENGTH} characters.`
    );
  }
}

const warnedHosts = new Set<string>();

/** The Cloudflare API base; cloudflare-api-token goes to it, so another host than Cloudflare's is worth a word. */
function cloudflareApiBase(): string {
  const base = apiBase('cloudflare-api-url', input('cloudflare-api-url'));
  const host = new URL(base).hostname.toLowerCase();
  // Once per run: a config file's entries all read the step's cloudflare-api-url.
  if (host !== CLOUDFLARE_API_HOST && !warnedHosts.has(host)) {
    warnedHosts.add(host);
    core.warning(
      `cloudflare-api-url points to ${host}, not to Cloudflare's API (${CLOUDFLARE_API_HOST}); cloudflare-api-token is sent there.`
    );
  }
  return base;
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

/** The tokens the action runs with: read (and masked) before anything else. */
export function readRunningTokens(): Pick<CommonSettings, 'cloudflareApiToken' | 'githubToken'> {
  return { cloudflareApiToken: secret('cloudflare-api-token'), githubToken: secret('github-token') };
}

/** Every input both credentials use, but the two tokens. */
export function readCommonInputs(
  env: NodeJS.ProcessEnv
): Omit<CommonSettings, 'cloudflareApiToken' | 'githubToken'> {
  return {
    ...parseTokenIdentity(),
    renewalWindowMs: parseRenewalWindow(),
    duration: parseTokenDuration('duration', input('duration')),
    targets: parseTargets(input('targets'), env.GITHUB_REPOSITORY),
    dryRun: boolean('dry-run'),
    exposeSecret: boolean('expose-secret'),
    cloudflareApiUrl: cloudflareApiBase(),
    githubApiUrl: apiBase(
      'github-api-url',
      input('github-api-url') || env.GITHUB_API_URL || 'https://api.github.com'
    ),
    timing: readTiming(env),
    maxIdleDays: parseMaxIdleDays(input('max-idle-days'))
  };
}
