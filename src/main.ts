import * as core from '@actions/core';
import { createCloudflareClient } from './cloudflare/client.js';
import { checkApiToken } from './cloudflare/running-token.js';
import { CloudflareServiceTokens } from './cloudflare/service-tokens.js';
import { sealSecret } from './crypto/seal.js';
import { errorMessage } from './errors.js';
import { createOctokit } from './github/octokit.js';
import { createSecretTarget } from './github/secret-targets.js';
import { setOutputs } from './report/outputs.js';
import { writeSummary } from './report/summary.js';
import type { RotationPorts } from './credentials/service-token/ports.js';
import { newRunRecord } from './run/record.js';
import { runRotation } from './credentials/service-token/run.js';
import { verifyCredential } from './credentials/service-token/verify.js';
import { readSettings } from './settings/read-settings.js';
import type { ServiceTokenScope, Settings } from './settings/settings.js';
import type { ApiTokenPorts } from './credentials/api-token/ports.js';
import { runApiTokenRotation } from './credentials/api-token/run.js';
import { CloudflareApiTokens } from './cloudflare/api-tokens.js';

/** The ports both kinds of run share: GitHub through Octokit, libsodium, the clock. */
function githubPorts(settings: Settings) {
  const octokit = createOctokit({
    token: settings.githubToken,
    baseUrl: settings.githubApiUrl,
    timing: settings.timing
  });
  return {
    targets: settings.targets.map((target) => createSecretTarget(octokit, target)),
    isArchived: async (owner: string, repo: string) =>
      (await octokit.rest.repos.get({ owner, repo })).data.archived,
    seal: sealSecret,
    now: () => new Date()
  };
}

function connect(settings: Settings) {
  return (apiToken: string) =>
    createCloudflareClient({
      apiToken,
      baseUrl: settings.cloudflareApiUrl,
      timeoutMs: settings.timing.requestTimeoutMs
    });
}

/** Wires the real adapters for a service token: the Cloudflare SDK, Octokit, libsodium, fetch for verify-url. */
function serviceTokenPorts(settings: Settings): RotationPorts {
  const cloudflare = connect(settings)(settings.cloudflareApiToken);
  return {
    ...githubPorts(settings),
    checkApiToken: () => checkApiToken(cloudflare, settings.scope),
    tokens: new CloudflareServiceTokens(cloudflare, settings.scope as ServiceTokenScope),
    verify: (clientId, clientSecret) =>
      verifyCredential(settings.verifyUrl as URL, clientId, clientSecret, settings.timing)
  };
}

/** Wires the real adapters for an API token, owned by the account in account-id or by the user. */
function apiTokenPorts(settings: Settings): ApiTokenPorts {
  const scope = settings.scope;
  const connectWith = connect(settings);
  const apiTokens = new CloudflareApiTokens(
    connectWith,
    settings.cloudflareApiToken,
    scope.kind === 'account' ? { kind: 'account', accountId: scope.id } : { kind: 'user' }
  );
  // Its own client: after a roll of the token that runs the action, the store moves to the new value.
  const cloudflare = connectWith(settings.cloudflareApiToken);
  return {
    ...githubPorts(settings),
    checkApiToken: () => checkApiToken(cloudflare, scope),
    apiTokens,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
  };
}

/** The action: read the inputs, run the rotation, report what happened (also after a failure). */
export async function run(): Promise<void> {
  const record = newRunRecord();
  let settings: Settings | undefined;
  let failure: Error | undefined;
  try {
    settings = readSettings();
    if (settings.credential === 'api-token')
      await runApiTokenRotation(settings, apiTokenPorts(settings), record);
    else await runRotation(settings, serviceTokenPorts(settings), record);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(errorMessage(error));
  }
  if (settings) {
    try {
      setOutputs(record, settings);
      await writeSummary(record, settings, failure);
    } catch (error) {
      core.warning(`Could not write the report: ${errorMessage(error)}`);
    }
  }
  if (failure) core.setFailed(failure.message);
}
