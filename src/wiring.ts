import { readInactivity } from './cloudflare/access-organization.js';
import { CloudflareAccessPolicies } from './cloudflare/access-policies.js';
import { createCloudflareClient } from './cloudflare/client.js';
import { checkRunningToken } from './cloudflare/running-token.js';
import { CloudflareServiceTokens } from './cloudflare/service-tokens.js';
import type { ServiceTokenPorts } from './credentials/service-token/ports.js';
import { newServiceTokenRecord } from './credentials/service-token/record.js';
import { serviceTokenReport } from './credentials/service-token/report.js';
import { runServiceToken } from './credentials/service-token/run.js';
import type { ServiceTokenRunSettings } from './credentials/service-token/settings.js';
import { requestVerifyUrl } from './credentials/service-token/verify-url.js';
import type { Settings } from './credentials/settings.js';
import { loadSodium, sealSecret } from './crypto/seal.js';
import { createOctokit, type GitHubClient } from './github/octokit.js';
import {
  createRecordVariable,
  recordPlace,
  recordVariableName,
  type RecordVariable
} from './github/record-variable.js';
import { repositoryReads } from './github/repository-reads.js';
import { createSecretTarget } from './github/secret-targets.js';
import type { CredentialReport } from './report/credential-report.js';
import type { Clock } from './run/retry.js';
import type { CommonSettings } from './settings/settings.js';
import { loadChunk } from './runtime/chunks.js';
import type { TargetPorts } from './targets/ports.js';

/** A credential's run, wired to the real adapters, and what it tells the report afterwards. */
export interface CredentialRun {
  run(): Promise<void>;
  report(): CredentialReport;
}

export const clock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
};

export function github(settings: CommonSettings): GitHubClient {
  return createOctokit({
    token: settings.githubToken,
    baseUrl: settings.githubApiUrl,
    timing: settings.timing
  });
}

/** The ports both credentials share: GitHub through Octokit, libsodium. */
export function targetPorts(settings: CommonSettings, octokit: GitHubClient = github(settings)): TargetPorts {
  return {
    targets: settings.targets.map((target) => createSecretTarget(octokit, target)),
    isArchived: async (owner, repo) => (await repositoryReads(octokit).facts(owner, repo)).archived,
    seal: sealSecret,
    loadSeal: loadSodium
  };
}

export function connect(settings: CommonSettings) {
  return (apiToken: string) =>
    createCloudflareClient({
      apiToken,
      baseUrl: settings.cloudflareApiUrl,
      timeoutMs: settings.timing.requestTimeoutMs
    });
}

/** The record lives beside the first target (see README, "The rotation record"). */
function rotationRecordOf(settings: ServiceTokenRunSettings, octokit: GitHubClient): RecordVariable {
  const place = recordPlace(settings.targets);
  if (!place) throw new Error('A service token run without targets.');
  return createRecordVariable(
    octokit,
    place,
    recordVariableName(settings.serviceToken.clientSecretSecretName)
  );
}

/** A service token: the Cloudflare SDK, Octokit, libsodium, fetch for verify-url. */
function serviceTokenRun(settings: ServiceTokenRunSettings): CredentialRun {
  const cloudflare = connect(settings)(settings.cloudflareApiToken);
  const octokit = github(settings);
  const ports: ServiceTokenPorts = {
    ...targetPorts(settings, octokit),
    rotationRecord: rotationRecordOf(settings, octokit),
    ...clock,
    checkApiToken: () => checkRunningToken(cloudflare, settings.scope),
    tokens: new CloudflareServiceTokens(cloudflare, settings.scope),
    accessPolicies: new CloudflareAccessPolicies(cloudflare, settings.scope),
    readInactivity: () => readInactivity(cloudflare, settings.scope),
    requestVerifyUrl: (url, clientId, clientSecret) =>
      requestVerifyUrl(url, clientId, clientSecret, settings.timing)
  };
  const record = newServiceTokenRecord();
  return {
    run: () => runServiceToken(settings, ports, record),
    report: () => serviceTokenReport(record, settings)
  };
}

/** The credential's run; the API token part is a chunk of its own, loaded only for that credential. */
export async function credentialRun(settings: Settings): Promise<CredentialRun> {
  if (settings.credential !== 'api-token') return serviceTokenRun(settings);
  const { apiTokenRun } = await loadChunk('the API token part', () => import('./wiring-api-token.js'));
  return apiTokenRun(settings);
}
