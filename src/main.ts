import * as core from '@actions/core';
import { createCloudflareClient } from './cloudflare/client.js';
import { checkApiToken } from './cloudflare/api-token-check.js';
import { CloudflareServiceTokens } from './cloudflare/service-tokens.js';
import { sealSecret } from './crypto/seal.js';
import { errorMessage } from './errors.js';
import { createOctokit } from './github/octokit.js';
import { createSecretTarget } from './github/secret-targets.js';
import { setOutputs } from './report/outputs.js';
import { writeSummary } from './report/summary.js';
import type { RotationPorts } from './rotation/ports.js';
import { newRunRecord } from './rotation/record.js';
import { runRotation } from './rotation/rotation.js';
import { verifyCredential } from './rotation/verify.js';
import { readSettings } from './settings/read-settings.js';
import type { Settings } from './settings/settings.js';

/** Wires the real adapters: the Cloudflare SDK, Octokit, libsodium and fetch for verify-url. */
function createPorts(settings: Settings): RotationPorts {
  const octokit = createOctokit({
    token: settings.githubToken,
    baseUrl: settings.githubApiUrl,
    timing: settings.timing
  });
  const cloudflare = createCloudflareClient({
    apiToken: settings.cloudflareApiToken,
    baseUrl: settings.cloudflareApiUrl,
    timeoutMs: settings.timing.requestTimeoutMs
  });
  return {
    checkApiToken: () => checkApiToken(cloudflare, settings.scope),
    tokens: new CloudflareServiceTokens(cloudflare, settings.scope),
    targets: settings.targets.map((target) => createSecretTarget(octokit, target)),
    isArchived: async (owner, repo) => (await octokit.rest.repos.get({ owner, repo })).data.archived,
    seal: sealSecret,
    verify: (clientId, clientSecret) =>
      verifyCredential(settings.verifyUrl as URL, clientId, clientSecret, settings.timing),
    now: () => new Date()
  };
}

/** The action: read the inputs, run the rotation, report what happened (also after a failure). */
export async function run(): Promise<void> {
  const record = newRunRecord();
  let settings: Settings | undefined;
  let failure: Error | undefined;
  try {
    settings = readSettings();
    await runRotation(settings, createPorts(settings), record);
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
